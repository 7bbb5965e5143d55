/*
 * Docker credential helpers: `docker-credential-<name> get` reads the server
 * URL on stdin and prints {"ServerURL","Username","Secret"}. We spawn it
 * without a shell and give it a time limit; its output is never echoed into
 * messages since it holds the secret.
 */
#include "registry/auth.h"
#include "util/buffer.h"
#include "util/error.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum { HELPER_OUTPUT_MAX = 64 * 1024 };

static int valid_name(const char *name)
{
    const char *p;

    if (*name == '\0')
        return 0;
    for (p = name; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.'))
            return 0;
    }
    return 1;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int spawn(pid_t *pid, int *in, int *out, const char *program)
{
    posix_spawn_file_actions_t actions;
    char *argv[3];
    int to_child[2], from_child[2], rc;

    /* stdin is a socket so that writing to a helper that already exited
     * fails with EPIPE (MSG_NOSIGNAL) instead of raising SIGPIPE. */
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, to_child) != 0)
        return -1;
    if (pipe2(from_child, O_CLOEXEC) != 0) {
        close(to_child[0]), close(to_child[1]);
        return -1;
    }
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
    argv[0] = (char *)program;
    argv[1] = "get";
    argv[2] = NULL;
    rc = posix_spawnp(pid, program, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(to_child[0]);
    close(from_child[1]);
    if (rc != 0) {
        close(to_child[1]);
        close(from_child[0]);
        errno = rc;
        return -1;
    }
    *in = to_child[1];
    *out = from_child[0];
    return 0;
}

/* Read all of the helper's stdout before the deadline. 0, or COPA_ETIMEOUT/COPA_EEXTERNAL. */
static int read_output(copa__buf *buf, int fd, long long deadline)
{
    char chunk[4096];

    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        long long left = deadline - now_ms();
        ssize_t n;
        if (left <= 0)
            return COPA_ETIMEOUT;
        if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
            return COPA_EEXTERNAL;
        if (p.revents == 0)
            continue;
        n = read(fd, chunk, sizeof(chunk));
        if (n == 0)
            return 0;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return COPA_EEXTERNAL;
        }
        if (buf->length + (size_t)n > HELPER_OUTPUT_MAX || copa__buf_append(buf, chunk, (size_t)n))
            return COPA_EEXTERNAL;
    }
}

static int parse_output(copa__credential *out, const copa__buf *buf, const char *program)
{
    const cJSON *user, *secret;
    cJSON *root = cJSON_ParseWithLength(buf->data ? buf->data : "", buf->length);
    int rc = 0;

    user = cJSON_GetObjectItemCaseSensitive(root, "Username");
    secret = cJSON_GetObjectItemCaseSensitive(root, "Secret");
    if (!cJSON_IsString(user) || !cJSON_IsString(secret)) {
        rc = copa__error_set(COPA_EEXTERNAL, "%s get: output is not {\"Username\",\"Secret\"}",
                             program);
    } else {
        out->username = strdup(user->valuestring);
        out->password = strdup(secret->valuestring);
        if (out->username == NULL || out->password == NULL)
            rc = copa__error_oom();
        explicit_bzero(secret->valuestring, strlen(secret->valuestring));
    }
    cJSON_Delete(root);
    return rc;
}

int copa__cred_helper_get(copa__credential *out, const char *helper, const char *server_url,
                          int timeout_ms)
{
    copa__buf output = COPA__BUF_INIT;
    char program[256];
    int in, fd, status = 0, rc;
    pid_t pid;

    memset(out, 0, sizeof(*out));
    if (!valid_name(helper) || strlen(helper) > 200)
        return copa__error_set(COPA_EINVALID, "credential helper name \"%s\" is not valid", helper);
    snprintf(program, sizeof(program), "docker-credential-%s", helper);
    if (spawn(&pid, &in, &fd, program) != 0)
        return copa__error_set(COPA_EEXTERNAL, "%s: cannot run it: %s", program, strerror(errno));
    if (send(in, server_url, strlen(server_url), MSG_NOSIGNAL) < 0) {
        /* a helper that did not read stdin is judged by its exit status */
    }
    close(in);
    rc = read_output(&output, fd, now_ms() + timeout_ms);
    close(fd);
    if (rc != 0)
        kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (rc == COPA_ETIMEOUT)
        rc = copa__error_set(COPA_ETIMEOUT, "%s get: no answer within %d ms", program, timeout_ms);
    else if (rc != 0)
        rc = copa__error_set(COPA_EEXTERNAL, "%s get: reading its output failed", program);
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        rc = output.data != NULL && strstr(output.data, "credentials not found") != NULL
                 ? copa__error_set(COPA_ENOTFOUND, "%s: no credentials for %s", program, server_url)
                 : copa__error_set(COPA_EEXTERNAL, "%s get failed for %s (exit status %d)", program,
                                   server_url, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    else
        rc = parse_output(out, &output, program);
    if (output.data != NULL)
        explicit_bzero(output.data, output.length);
    copa__buf_free(&output);
    if (rc != 0)
        copa__credential_free(out);
    return rc;
}
