/*
 * The sandbox's forked side: what the parent prepares before fork() (no
 * allocation happens after it, the parent may have threads) and the
 * messages the children send back on the status pipe.
 */
#ifndef COPA_LIB_SANDBOX_CHILD_H
#define COPA_LIB_SANDBOX_CHILD_H

enum {
    COPA__SANDBOX_MSG_PID = 1,       /* value: the namespace's init, as the parent sees it */
    COPA__SANDBOX_MSG_FAIL = 2,      /* step failed with errno `value` */
    COPA__SANDBOX_MSG_EXIT = 3,      /* value: the command's wait status */
    COPA__SANDBOX_MSG_EXEC_FAIL = 4, /* execve failed with errno `value` */
    COPA__SANDBOX_MSG_UNSHARED = 5,  /* in the new namespaces: the parent writes the id maps */
};

/* Setup steps, named in messages by copa__sandbox_step_name(). */
enum {
    COPA__SANDBOX_STEP_UNSHARE,
    COPA__SANDBOX_STEP_IDMAP,
    COPA__SANDBOX_STEP_FORK,
    COPA__SANDBOX_STEP_PRIVATE,
    COPA__SANDBOX_STEP_BIND_ROOT,
    COPA__SANDBOX_STEP_PROC,
    COPA__SANDBOX_STEP_DEV,
    COPA__SANDBOX_STEP_TMP,
    COPA__SANDBOX_STEP_POLICY,
    COPA__SANDBOX_STEP_PIVOT,
    COPA__SANDBOX_STEP_COUNT
};

typedef struct copa__sandbox_msg {
    int kind, step, value;
} copa__sandbox_msg;

typedef struct copa__sandbox_child {
    const char *root;
    const char *const *argv;
    char *const *envp;
    const char *cwd;
    int out_fd;    /* the write end of the output pipe */
    int status_fd; /* the write end of the status pipe */
    int go_fd;     /* the read end of the pipe on which the parent says the maps are written */
} copa__sandbox_child;

/* The first child: enters the namespaces, never returns. */
_Noreturn void copa__sandbox_child_main(const copa__sandbox_child *parent_view);

const char *copa__sandbox_step_name(int step);

#endif
