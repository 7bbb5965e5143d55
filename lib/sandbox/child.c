/*
 * The sandbox's children. The first enters new user, mount, PID, network,
 * IPC and UTS namespaces and maps ids; it forks the namespace's init,
 * which builds the mounts, pivots into the tree and detaches the old root,
 * then forks the command and reaps until the command ends. When init
 * exits the kernel kills everything left in the PID namespace, so a
 * script's background processes never outlive it.
 *
 * Only system calls here: the parent may have threads, so nothing that
 * allocates or takes a lock runs between fork() and execve().
 */
#include "sandbox/child.h"
#include "sandbox/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static const char *const step_names[COPA__SANDBOX_STEP_COUNT] = {
    [COPA__SANDBOX_STEP_UNSHARE] = "creating the namespaces",
    [COPA__SANDBOX_STEP_IDMAP] = "mapping user and group ids",
    [COPA__SANDBOX_STEP_FORK] = "starting the namespace's init",
    [COPA__SANDBOX_STEP_PRIVATE] = "making mounts private",
    [COPA__SANDBOX_STEP_BIND_ROOT] = "binding the tree",
    [COPA__SANDBOX_STEP_PROC] = "mounting /proc",
    [COPA__SANDBOX_STEP_DEV] = "building /dev",
    [COPA__SANDBOX_STEP_TMP] = "mounting /tmp",
    [COPA__SANDBOX_STEP_POLICY] = "installing usr/sbin/policy-rc.d",
    [COPA__SANDBOX_STEP_PIVOT] = "entering the tree (pivot_root)",
};

const char *copa__sandbox_step_name(int step)
{
    return step >= 0 && step < COPA__SANDBOX_STEP_COUNT ? step_names[step] : "setup";
}

static void send_msg(int fd, int kind, int step, int value)
{
    copa__sandbox_msg m = {kind, step, value};
    ssize_t ignored = write(fd, &m, sizeof m);
    (void)ignored;
}

static _Noreturn void fail(const copa__sandbox_child *c, int step)
{
    send_msg(c->status_fd, COPA__SANDBOX_MSG_FAIL, step, errno);
    _exit(126);
}

/* "/proc/self/fd/N" or "/proc/self/fd/N/name": a mount target by descriptor. */
static void fd_path(char *out, int fd, const char *name)
{
    char digits[16];
    int n = 0;
    unsigned v = (unsigned)fd;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    char *p = stpcpy(out, "/proc/self/fd/");
    while (n)
        *p++ = digits[--n];
    *p = '\0';
    if (name) {
        *p++ = '/';
        strcpy(p, name);
    }
}

static int open_dir_in(int root_fd, const char *path)
{
    return copa__sandbox_open_in(root_fd, path, O_PATH | O_DIRECTORY, 0);
}

static int mount_on(int root_fd, const char *path, const char *fstype, unsigned long flags,
                    const char *data)
{
    char target[64];
    int fd = open_dir_in(root_fd, path);
    if (fd < 0)
        return -1;
    fd_path(target, fd, NULL);
    int rc = mount(fstype, target, fstype, flags, data);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

static const char *const device_names[] = {"null", "zero", "full", "random", "urandom", "tty"};

/* A tmpfs on dev holding bind mounts of the host's harmless devices. */
static int build_dev(int root_fd)
{
    if (mount_on(root_fd, "dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=1024k") != 0)
        return -1;
    int dev = open_dir_in(root_fd, "dev");
    if (dev < 0)
        return -1;
    char target[96], source[32];
    for (size_t i = 0; i < sizeof device_names / sizeof device_names[0]; i++) {
        strcpy(stpcpy(source, "/dev/"), device_names[i]);
        if (access(source, F_OK) != 0)
            continue;
        int fd = openat(dev, device_names[i], O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
        if (fd < 0)
            return -1;
        close(fd);
        fd_path(target, dev, device_names[i]);
        if (mount(source, target, NULL, MS_BIND, NULL) != 0)
            return -1;
    }
    if (symlinkat("/proc/self/fd", dev, "fd") != 0 ||
        symlinkat("/proc/self/fd/0", dev, "stdin") != 0 ||
        symlinkat("/proc/self/fd/1", dev, "stdout") != 0 ||
        symlinkat("/proc/self/fd/2", dev, "stderr") != 0 || mkdirat(dev, "pts", 0755) != 0 ||
        mkdirat(dev, "shm", 01777) != 0 || fchmodat(dev, "shm", 01777, 0) != 0)
        return -1;
    close(dev);
    return 0;
}

static const char policy_script[] =
    "#!/bin/sh\n# copa --run-scripts: no service starts\nexit 101\n";

/*
 * usr/sbin/policy-rc.d, read-only, over the placeholder the parent made:
 * its content is written to the /tmp tmpfs, bound, then unlinked there.
 */
static int install_policy(int root_fd)
{
    int target_fd = copa__sandbox_open_in(root_fd, "usr/sbin/policy-rc.d", O_PATH | O_NOFOLLOW, 0);
    if (target_fd < 0)
        return errno == ENOENT ? 0 : -1; /* no usr/sbin: nothing calls invoke-rc.d */
    struct stat st;
    if (fstat(target_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        errno = EEXIST;
        return -1;
    }
    int tmp = open_dir_in(root_fd, "tmp");
    if (tmp < 0)
        return -1;
    int fd = openat(tmp, ".copa-policy-rc.d", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0755);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, policy_script, sizeof policy_script - 1);
    close(fd);
    if (n != (ssize_t)(sizeof policy_script - 1))
        return -1;
    char source[96], target[64];
    fd_path(source, tmp, ".copa-policy-rc.d");
    fd_path(target, target_fd, NULL);
    if (mount(source, target, NULL, MS_BIND, NULL) != 0)
        return -1;
    /* The descriptor names the placeholder underneath: reopen to reach the bind mount. */
    close(target_fd);
    target_fd = copa__sandbox_open_in(root_fd, "usr/sbin/policy-rc.d", O_PATH | O_NOFOLLOW, 0);
    if (target_fd < 0)
        return -1;
    fd_path(target, target_fd, NULL);
    if (mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) !=
        0)
        return -1;
    unlinkat(tmp, ".copa-policy-rc.d", 0);
    close(tmp);
    close(target_fd);
    return 0;
}

static void build_root(const copa__sandbox_child *c)
{
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        fail(c, COPA__SANDBOX_STEP_PRIVATE);
    if (mount(c->root, c->root, NULL, MS_BIND | MS_REC, NULL) != 0)
        fail(c, COPA__SANDBOX_STEP_BIND_ROOT);
    int root_fd = open(c->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0)
        fail(c, COPA__SANDBOX_STEP_BIND_ROOT);
    if (mount_on(root_fd, "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
        fail(c, COPA__SANDBOX_STEP_PROC);
    if (build_dev(root_fd) != 0)
        fail(c, COPA__SANDBOX_STEP_DEV);
    if (mount_on(root_fd, "tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") != 0)
        fail(c, COPA__SANDBOX_STEP_TMP);
    if (install_policy(root_fd) != 0)
        fail(c, COPA__SANDBOX_STEP_POLICY);
    /* The tree becomes "/" and the old root is detached: nothing else is reachable. */
    if (fchdir(root_fd) != 0 || syscall(SYS_pivot_root, ".", ".") != 0 ||
        umount2(".", MNT_DETACH) != 0 || chdir("/") != 0)
        fail(c, COPA__SANDBOX_STEP_PIVOT);
    close(root_fd);
    static const char hostname[] = "copa-sandbox";
    if (sethostname(hostname, sizeof hostname - 1) != 0)
        fail(c, COPA__SANDBOX_STEP_PIVOT);
}

static _Noreturn void exec_command(const copa__sandbox_child *c)
{
    setsid();
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(c->out_fd, 1) < 0 || dup2(c->out_fd, 2) < 0) {
        send_msg(c->status_fd, COPA__SANDBOX_MSG_EXEC_FAIL, 0, errno);
        _exit(127);
    }
    /* Every other descriptor closes at exec; the status pipe stays open until then. */
    syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
    if (chdir(c->cwd) != 0) {
        send_msg(c->status_fd, COPA__SANDBOX_MSG_EXEC_FAIL, 0, errno);
        _exit(127);
    }
    signal(SIGPIPE, SIG_DFL);
    execve(c->argv[0], (char *const *)c->argv, c->envp);
    send_msg(c->status_fd, COPA__SANDBOX_MSG_EXEC_FAIL, 0, errno);
    _exit(127);
}

/* PID 1 of the new namespace: mounts, the command, reaping until it ends. */
static _Noreturn void init_main(const copa__sandbox_child *c)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    build_root(c);
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    pid_t command = fork();
    if (command < 0)
        fail(c, COPA__SANDBOX_STEP_FORK);
    if (command == 0)
        exec_command(c);
    close(c->out_fd);
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid == command) {
            send_msg(c->status_fd, COPA__SANDBOX_MSG_EXIT, 0, status);
            _exit(0); /* the kernel kills whatever the command left running */
        }
        if (pid < 0 && errno != EINTR)
            _exit(0);
    }
}

static void close_from(int from, int to)
{
    if (from <= to)
        syscall(SYS_close_range, (unsigned)from, (unsigned)to, 0U);
}

/*
 * Keep only the three pipes (moved to the copy `k`) and /dev/null on 0-2:
 * nothing else the parent has open (registry connections, layer files,
 * its terminal) may be reachable from the sandbox.
 */
static void keep_only_pipes(const copa__sandbox_child *c, copa__sandbox_child *k)
{
    *k = *c;
    k->out_fd = fcntl(c->out_fd, F_DUPFD_CLOEXEC, 3);
    k->status_fd = fcntl(c->status_fd, F_DUPFD_CLOEXEC, 3);
    k->go_fd = fcntl(c->go_fd, F_DUPFD_CLOEXEC, 3);
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (k->out_fd < 0 || k->status_fd < 0 || k->go_fd < 0 || null_fd < 0)
        _exit(126);
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    dup2(null_fd, 2);
    int keep[3] = {k->out_fd, k->status_fd, k->go_fd};
    for (int i = 0; i < 3; i++) /* sort the three */
        for (int j = i + 1; j < 3; j++)
            if (keep[j] < keep[i]) {
                int t = keep[i];
                keep[i] = keep[j];
                keep[j] = t;
            }
    close_from(3, keep[0] - 1);
    close_from(keep[0] + 1, keep[1] - 1);
    close_from(keep[1] + 1, keep[2] - 1);
    close_from(keep[2] + 1, INT_MAX);
}

_Noreturn void copa__sandbox_child_main(const copa__sandbox_child *parent_view)
{
    copa__sandbox_child kept;
    const copa__sandbox_child *c = &kept;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    keep_only_pipes(parent_view, &kept);
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC |
                CLONE_NEWUTS) != 0)
        fail(c, COPA__SANDBOX_STEP_UNSHARE);
    /* Mapping more than our own id needs CAP_SETUID outside: the parent writes the maps. */
    send_msg(c->status_fd, COPA__SANDBOX_MSG_UNSHARED, 0, 0);
    char go = 0;
    if (read(c->go_fd, &go, 1) != 1 || go != 'g')
        _exit(126);
    close(c->go_fd);
    /*
     * Not dumpable (only now: a non-root parent must still own our /proc
     * files to write the maps): nothing in the sandbox can open our
     * /proc/PID/fd or ptrace us. init does the same.
     */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    pid_t init = fork();
    if (init < 0)
        fail(c, COPA__SANDBOX_STEP_FORK);
    if (init == 0)
        init_main(c);
    send_msg(c->status_fd, COPA__SANDBOX_MSG_PID, 0, (int)init);
    close(c->out_fd);
    close(c->status_fd);
    int status;
    while (waitpid(init, &status, 0) < 0 && errno == EINTR)
        ;
    _exit(0);
}
