/*
 * The sandbox's parent side: mount points the tree lacks, the environment
 * and id maps prepared before fork(), then the command's output and status
 * read until it ends or its time runs out (then its PID namespace's init
 * is killed, which takes every process of the namespace with it).
 */
#include "sandbox/child.h"
#include "sandbox/sandbox.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT 300
#define RING_SIZE 8192
#define TAIL_LINES 10

static const char *const base_env[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "DEBIAN_FRONTEND=noninteractive",
    "DEBCONF_NONINTERACTIVE_SEEN=true",
    "HOME=/root",
    "LANG=C",
    "USER=root",
    "LOGNAME=root",
    "SHELL=/bin/sh",
    NULL,
};

/* What the parent created in the tree for the run, removed afterwards. */
typedef struct scaffold {
    int root_fd;
    int made_dir[3];
    int made_policy;
} scaffold;

static const char *const mount_dirs[3] = {"proc", "dev", "tmp"};

static int scaffold_make(scaffold *s, const char *root)
{
    memset(s, 0, sizeof *s);
    s->root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (s->root_fd < 0)
        return copa__error_set(COPA_ERROR, "sandbox root %s: %s", root, strerror(errno));
    for (int i = 0; i < 3; i++) {
        if (mkdirat(s->root_fd, mount_dirs[i], 0755) == 0)
            s->made_dir[i] = 1;
        else if (errno != EEXIST)
            return copa__error_set(COPA_ERROR, "sandbox root %s: cannot create /%s: %s", root,
                                   mount_dirs[i], strerror(errno));
    }
    int sbin = copa__sandbox_open_in(s->root_fd, "usr/sbin", O_PATH | O_DIRECTORY, 0);
    if (sbin >= 0) {
        int fd =
            openat(sbin, "policy-rc.d", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0755);
        if (fd >= 0) {
            s->made_policy = 1;
            close(fd);
        }
        close(sbin);
    }
    return 0;
}

static void scaffold_remove(scaffold *s)
{
    if (s->root_fd < 0)
        return;
    if (s->made_policy) {
        int sbin = copa__sandbox_open_in(s->root_fd, "usr/sbin", O_PATH | O_DIRECTORY, 0);
        if (sbin >= 0) {
            unlinkat(sbin, "policy-rc.d", 0);
            close(sbin);
        }
    }
    for (int i = 0; i < 3; i++)
        if (s->made_dir[i])
            unlinkat(s->root_fd, mount_dirs[i], AT_REMOVEDIR);
    close(s->root_fd);
    s->root_fd = -1;
}

static char **build_env(const char *const *extra)
{
    size_t n = 0, m = 0;
    while (base_env[n])
        n++;
    while (extra && extra[m])
        m++;
    char **env = calloc(n + m + 1, sizeof *env);
    if (!env)
        return NULL;
    for (size_t i = 0; i < n; i++)
        env[i] = (char *)base_env[i];
    for (size_t i = 0; i < m; i++)
        env[n + i] = (char *)extra[i];
    return env;
}

/* The last RING_SIZE bytes of output. */
typedef struct ring {
    char data[RING_SIZE];
    size_t total;
} ring;

static void ring_add(ring *r, const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        r->data[(r->total + i) % RING_SIZE] = buf[i];
    r->total += len;
}

static void ring_tail(const ring *r, char *out, size_t size)
{
    size_t have = r->total < RING_SIZE ? r->total : RING_SIZE;
    size_t start = r->total - have;
    size_t end = r->total;
    while (end > start && r->data[(end - 1) % RING_SIZE] == '\n')
        end--;
    size_t from = end, lines = 0;
    while (from > start && end - from < size - 1) {
        if (r->data[(from - 1) % RING_SIZE] == '\n' && ++lines == TAIL_LINES)
            break;
        from--;
    }
    size_t n = 0;
    for (size_t i = from; i < end; i++)
        out[n++] = r->data[i % RING_SIZE];
    out[n] = '\0';
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Everything the children report, gathered by the parent. */
typedef struct watch {
    pid_t first, init;
    int failed_step, failed_errno;
    int exec_errno;
    int have_exit, wait_status;
    int timed_out;
    ring out;
} watch;

static void take_msg(watch *w, const copa__sandbox_msg *m)
{
    switch (m->kind) {
    case COPA__SANDBOX_MSG_PID:
        w->init = (pid_t)m->value;
        break;
    case COPA__SANDBOX_MSG_FAIL:
        if (w->failed_step < 0) {
            w->failed_step = m->step;
            w->failed_errno = m->value;
        }
        break;
    case COPA__SANDBOX_MSG_EXIT:
        w->have_exit = 1;
        w->wait_status = m->value;
        break;
    case COPA__SANDBOX_MSG_EXEC_FAIL:
        w->exec_errno = m->value;
        break;
    default:
        break;
    }
}

static int write_proc(pid_t pid, const char *name, const char *text)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    int saved = errno;
    close(fd);
    errno = saved;
    return n == (ssize_t)len ? 0 : -1;
}

/*
 * uid/gid 0 inside are the caller. A root caller maps every id to itself,
 * so a script's chown to a system user works; anyone else maps only their
 * own ids (and must deny setgroups to map a gid).
 */
static int write_id_maps(pid_t pid)
{
    char uid_map[64], gid_map[64];
    uid_t uid = geteuid();
    if (uid == 0) {
        snprintf(uid_map, sizeof uid_map, "0 0 4294967295\n");
        snprintf(gid_map, sizeof gid_map, "0 0 4294967295\n");
    } else {
        snprintf(uid_map, sizeof uid_map, "0 %u 1\n", (unsigned)uid);
        snprintf(gid_map, sizeof gid_map, "0 %u 1\n", (unsigned)getegid());
        if (write_proc(pid, "setgroups", "deny") != 0)
            return -1;
    }
    return write_proc(pid, "uid_map", uid_map) == 0 && write_proc(pid, "gid_map", gid_map) == 0
               ? 0
               : -1;
}

/* The first message: the child is in its namespaces (maps written, go sent) or failed. */
static void await_unshare(watch *w, int status_fd, int go_fd)
{
    copa__sandbox_msg m;
    ssize_t got;
    while ((got = read(status_fd, &m, sizeof m)) < 0 && errno == EINTR)
        ;
    if (got != (ssize_t)sizeof m)
        return; /* the child died: finish() reports what it sent, or that it said nothing */
    if (m.kind != COPA__SANDBOX_MSG_UNSHARED) {
        take_msg(w, &m);
        return;
    }
    if (write_id_maps(w->first) != 0) {
        w->failed_step = COPA__SANDBOX_STEP_IDMAP;
        w->failed_errno = errno;
        return;
    }
    ssize_t ignored = write(go_fd, "g", 1);
    (void)ignored;
}

static void watch_run(watch *w, int out_fd, int status_fd, unsigned timeout)
{
    long long deadline = now_ms() + (long long)timeout * 1000;
    char buf[4096];
    char msgbuf[sizeof(copa__sandbox_msg) * 8];
    size_t msglen = 0;
    struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {status_fd, POLLIN, 0}};
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        long long left = deadline - now_ms();
        if (left <= 0 && !w->timed_out) {
            w->timed_out = 1;
            kill(w->init > 0 ? w->init : w->first, SIGKILL);
        }
        int wait = w->timed_out ? 1000 : (int)(left > 1000 ? 1000 : left);
        int n = poll(fds, 2, wait);
        if (n < 0 && errno != EINTR)
            break;
        if (fds[0].fd >= 0 && fds[0].revents) {
            ssize_t got = read(out_fd, buf, sizeof buf);
            if (got > 0)
                ring_add(&w->out, buf, (size_t)got);
            else if (got == 0 || errno != EINTR)
                fds[0].fd = -1;
        }
        if (fds[1].fd >= 0 && fds[1].revents) {
            ssize_t got = read(status_fd, msgbuf + msglen, sizeof msgbuf - msglen);
            if (got > 0) {
                msglen += (size_t)got;
                size_t used = 0;
                while (msglen - used >= sizeof(copa__sandbox_msg)) {
                    copa__sandbox_msg m;
                    memcpy(&m, msgbuf + used, sizeof m);
                    take_msg(w, &m);
                    used += sizeof m;
                }
                memmove(msgbuf, msgbuf + used, msglen - used);
                msglen -= used;
            } else if (got == 0 || errno != EINTR) {
                fds[1].fd = -1;
            }
        }
    }
}

static int unavailable(int err)
{
    return err == EPERM || err == EINVAL || err == ENOSPC || err == EUSERS || err == ENOSYS;
}

static int finish(const watch *w, const copa__sandbox_command *cmd, copa__sandbox_result *result)
{
    if (w->failed_step >= 0) {
        if (w->failed_step == COPA__SANDBOX_STEP_UNSHARE && unavailable(w->failed_errno))
            return copa__error_set(COPA_EUNSUPPORTED,
                                   "sandbox: user namespaces are not available here (%s)",
                                   strerror(w->failed_errno));
        return copa__error_set(COPA_ERROR, "sandbox for %s: %s failed: %s", cmd->root,
                               copa__sandbox_step_name(w->failed_step), strerror(w->failed_errno));
    }
    if (w->exec_errno)
        return copa__error_set(COPA_ERROR, "sandbox: cannot run %s in %s: %s", cmd->argv[0],
                               cmd->root, strerror(w->exec_errno));
    ring_tail(&w->out, result->tail, sizeof result->tail);
    if (w->timed_out) {
        result->timed_out = 1;
        return 0;
    }
    if (!w->have_exit)
        return copa__error_set(COPA_ERROR,
                               "sandbox for %s: the namespace's init ended without "
                               "reporting the command's status",
                               cmd->root);
    if (WIFEXITED(w->wait_status)) {
        result->exited = 1;
        result->exit_status = WEXITSTATUS(w->wait_status);
    } else if (WIFSIGNALED(w->wait_status)) {
        result->signal = WTERMSIG(w->wait_status);
    }
    return 0;
}

int copa__sandbox_run(const copa__sandbox_command *cmd, copa__sandbox_result *result)
{
    memset(result, 0, sizeof *result);
    scaffold s = {.root_fd = -1};
    if (!cmd->root || !cmd->argv || !cmd->argv[0] || cmd->argv[0][0] != '/')
        return copa__error_set(COPA_EINVALID, "sandbox: a root and an absolute argv[0] are needed");
    int rc = scaffold_make(&s, cmd->root);
    char **env = rc == 0 ? build_env(cmd->env) : NULL;
    int out[2] = {-1, -1}, status[2] = {-1, -1}, go[2] = {-1, -1};
    if (rc == 0 && !env)
        rc = copa__error_oom();
    if (rc == 0 &&
        (pipe2(out, O_CLOEXEC) != 0 || pipe2(status, O_CLOEXEC) != 0 || pipe2(go, O_CLOEXEC) != 0))
        rc = copa__error_set(COPA_ERROR, "sandbox: pipe: %s", strerror(errno));
    if (rc != 0)
        goto done;

    copa__sandbox_child c;
    memset(&c, 0, sizeof c);
    c.root = cmd->root;
    c.argv = cmd->argv;
    c.envp = env;
    c.cwd = cmd->cwd ? cmd->cwd : "/";
    c.out_fd = out[1];
    c.status_fd = status[1];
    c.go_fd = go[0];

    watch w;
    memset(&w, 0, sizeof w);
    w.failed_step = -1;
    w.first = fork();
    if (w.first < 0) {
        rc = copa__error_set(COPA_ERROR, "sandbox: fork: %s", strerror(errno));
        goto done;
    }
    if (w.first == 0)
        copa__sandbox_child_main(&c);
    close(out[1]);
    close(status[1]);
    close(go[0]);
    out[1] = status[1] = go[0] = -1;
    await_unshare(&w, status[0], go[1]);
    close(go[1]);
    go[1] = -1;
    watch_run(&w, out[0], status[0], cmd->timeout_seconds ? cmd->timeout_seconds : DEFAULT_TIMEOUT);
    int ignored;
    while (waitpid(w.first, &ignored, 0) < 0 && errno == EINTR)
        ;
    rc = finish(&w, cmd, result);
done:
    for (int i = 0; i < 2; i++) {
        if (out[i] >= 0)
            close(out[i]);
        if (status[i] >= 0)
            close(status[i]);
        if (go[i] >= 0)
            close(go[i]);
    }
    free(env);
    scaffold_remove(&s);
    return rc;
}

void copa__sandbox_describe(const copa__sandbox_result *result, unsigned timeout_seconds, char *out,
                            size_t size)
{
    if (result->timed_out)
        snprintf(out, size, "timed out after %u s",
                 timeout_seconds ? timeout_seconds : DEFAULT_TIMEOUT);
    else if (result->exited)
        snprintf(out, size, "exit status %d", result->exit_status);
    else
        snprintf(out, size, "killed by signal %d (%s)", result->signal, strsignal(result->signal));
}
