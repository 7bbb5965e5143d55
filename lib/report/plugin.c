/*
 * Scanner plugins: `copa-NAME REPORT` from PATH, run without a shell, its
 * stdout read as a native report, its stderr left to go to the user, all
 * within a time limit. The plugin runs in its own process group so that a
 * timeout stops whatever it started too.
 */
#include "report/report.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Refuse output beyond this: no real report is this large. */
#define PLUGIN_OUTPUT_MAX ((size_t)1 << 31)

/* Find copa-NAME in PATH; the first executable regular file wins. */
static int find_plugin(char *out, size_t size, const char *name)
{
    const char *path = getenv("PATH"), *dir, *end;
    struct stat st;

    if (name[0] == '\0' || strchr(name, '/') != NULL)
        return copa__error_set(COPA_EINVALID, "invalid scanner plugin name '%s'", name);
    if (path == NULL || path[0] == '\0')
        path = "/usr/local/bin:/usr/bin:/bin";
    for (dir = path; dir != NULL; dir = *end == ':' ? end + 1 : NULL) {
        size_t length;
        end = strchr(dir, ':');
        if (end == NULL)
            end = dir + strlen(dir);
        length = (size_t)(end - dir);
        /* An empty PATH element means the current directory. */
        if (snprintf(out, size, "%.*s/copa-%s", (int)(length != 0 ? length : 1),
                     length != 0 ? dir : ".", name) >= (int)size)
            continue;
        if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
            return 0;
    }
    return copa__error_set(COPA_ENOTFOUND,
                           "scanner plugin copa-%s not found: no executable 'copa-%s' in PATH",
                           name, name);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int spawn(pid_t *pid, int *read_fd, const char *program, const char *arg)
{
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    char *argv[3];
    int fds[2], rc;

    if (pipe2(fds, O_CLOEXEC) != 0)
        return copa__error_set(COPA_ERROR, "cannot create a pipe: %s", strerror(errno));
    argv[0] = (char *)program;
    argv[1] = (char *)arg;
    argv[2] = NULL;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    rc = posix_spawn(pid, program, &actions, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        return copa__error_set(COPA_EEXTERNAL, "cannot run scanner plugin %s: %s", program,
                               strerror(rc));
    }
    *read_fd = fds[0];
    return 0;
}

/* Read everything until EOF or the deadline. */
static int read_all(char **out, size_t *length, int fd, long long deadline)
{
    size_t cap = 1 << 16, used = 0;
    char *buf = malloc(cap);

    if (buf == NULL)
        return copa__error_oom();
    for (;;) {
        struct pollfd pfd = {fd, POLLIN, 0};
        long long left = deadline - now_ms();
        ssize_t n;
        int ready;

        if (left <= 0) {
            free(buf);
            return COPA_ETIMEOUT;
        }
        ready = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready == 0)
            continue;
        if (used == cap) {
            char *bigger = cap < PLUGIN_OUTPUT_MAX ? realloc(buf, cap * 2) : NULL;
            if (bigger == NULL) {
                free(buf);
                return cap < PLUGIN_OUTPUT_MAX ? copa__error_oom() : COPA_EEXTERNAL;
            }
            buf = bigger;
            cap *= 2;
        }
        n = read(fd, buf + used, cap - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        used += (size_t)n;
    }
    *out = buf;
    *length = used;
    return 0;
}

/* Wait for the plugin, giving it what is left of the time limit to exit. */
static int wait_exit(int *status, pid_t pid, long long deadline)
{
    for (;;) {
        pid_t done = waitpid(pid, status, WNOHANG);
        if (done == pid)
            return 0;
        if (done < 0 && errno != EINTR)
            return COPA_ERROR;
        if (now_ms() >= deadline)
            return COPA_ETIMEOUT;
        usleep(5000);
    }
}

int copa__report_run_plugin(char **out, size_t *length, const char *name, const char *path,
                            unsigned int timeout_ms)
{
    char program[PATH_MAX];
    long long deadline = now_ms() + timeout_ms;
    int fd = -1, rc, status = 0;
    pid_t pid = 0;

    if ((rc = find_plugin(program, sizeof(program), name)) != 0 ||
        (rc = spawn(&pid, &fd, program, path)) != 0)
        return rc;
    rc = read_all(out, length, fd, deadline);
    close(fd);
    if (rc == 0 && (rc = wait_exit(&status, pid, deadline)) != 0) {
        free(*out);
        *out = NULL;
    }
    if (rc != 0) {
        /* Stop the plugin and everything it started; reap it. */
        if (pid > 0) {
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
        }
        if (rc == COPA_ETIMEOUT)
            return copa__error_set(COPA_ETIMEOUT,
                                   "scanner plugin copa-%s did not finish within %u ms", name,
                                   timeout_ms);
        if (rc == COPA_EEXTERNAL)
            return copa__error_set(COPA_EEXTERNAL, "scanner plugin copa-%s wrote too much output",
                                   name);
        return rc;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    free(*out);
    *out = NULL;
    if (WIFSIGNALED(status))
        return copa__error_set(COPA_EEXTERNAL, "scanner plugin copa-%s was killed by signal %d",
                               name, WTERMSIG(status));
    return copa__error_set(COPA_EEXTERNAL, "scanner plugin copa-%s failed with exit status %d",
                           name, WEXITSTATUS(status));
}
