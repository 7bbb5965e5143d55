/*
 * Running a command from an image inside that image's root, confined.
 *
 * The command runs chrooted (pivot_root, the old root detached) in a
 * directory tree, in new user, mount, PID, network, IPC and UTS
 * namespaces: uid/gid 0 inside are the caller (a root caller keeps the
 * identity mapping of every id, so owners other than root survive), the
 * only mounts are the tree itself, a fresh /proc, a /dev tmpfs holding
 * bind mounts of null/zero/full/random/urandom/tty, a /tmp tmpfs and a
 * read-only usr/sbin/policy-rc.d that exits 101 (no service starts). The
 * network namespace has only a loopback that is down. Nothing outside the
 * tree is reachable, so nothing outside it can be written. The command gets
 * a clean environment, stdin from /dev/null, and is killed with its whole
 * PID namespace when its time runs out. Used by --run-scripts only: by
 * default nothing from an image is executed.
 */
#ifndef COPA_LIB_SANDBOX_SANDBOX_H
#define COPA_LIB_SANDBOX_SANDBOX_H

#include <stddef.h>

/* What to run. */
typedef struct copa__sandbox_command {
    const char *root;        /* the tree (host path); becomes "/" */
    const char *const *argv; /* argv[0] is a path inside the tree */
    const char *const *env;  /* extra "NAME=value" (DPKG_MAINTSCRIPT_*), NULL-terminated, or NULL */
    const char *cwd;         /* inside the tree; NULL: "/" */
    unsigned timeout_seconds; /* 0: 300 */
} copa__sandbox_command;

/* The size of the kept end of the command's output (stdout and stderr merged). */
#define COPA__SANDBOX_TAIL_SIZE 2048

/* How it ended. */
typedef struct copa__sandbox_result {
    int exited; /* 1: exited normally with exit_status */
    int exit_status;
    int signal;    /* the signal that ended it (exited == 0, timed_out == 0) */
    int timed_out; /* 1: killed at its timeout */
    /* The last lines of its output (at most 10, NUL-terminated, may be empty). */
    char tail[COPA__SANDBOX_TAIL_SIZE];
} copa__sandbox_result;

/*
 * Run `cmd`. 0 when the command ran (whatever its exit status: read
 * *result), COPA_EUNSUPPORTED when namespaces are unavailable here,
 * COPA_ERROR naming the setup step that failed (a mount point the tree
 * lacks as a directory, a failed mount) or an argv[0] that cannot be
 * executed. Mount points the tree lacks (proc, dev, tmp, the policy-rc.d
 * placeholder) are created for the run and removed after it.
 */
int copa__sandbox_run(const copa__sandbox_command *cmd, copa__sandbox_result *result);

/*
 * "exit status 3" / "killed by signal 9" / "timed out after 5 s", for messages.
 */
void copa__sandbox_describe(const copa__sandbox_result *result, unsigned timeout_seconds, char *out,
                            size_t size);

/*
 * Whether the tree's executables can run here: `probe` (a path inside the
 * tree, e.g. "bin/sh") is read as ELF and its machine compared with this
 * process's. 0 when it runs natively or through an enabled binfmt_misc
 * handler with the F (fix-binary) flag (needed inside a chroot; *how gets
 * "native" or the handler's name), COPA_ENOTFOUND when `probe` is absent,
 * COPA_EUNSUPPORTED naming the machine and what is missing otherwise.
 */
int copa__sandbox_check_arch(const char *root, const char *probe, char *how, size_t how_size);

/* Open `path` inside `root` as if root were "/" (symlinks never leave it); -1 + errno. */
int copa__sandbox_open_in(int root_fd, const char *path, int flags, int mode);

#endif
