/*
 * Drives lib/sandbox/ for the integration tests:
 *   sandbox_tool run ROOT TIMEOUT [NAME=VALUE ...] -- ARGV...
 *     prints "status: <description>" and the output's tail, exits 0 when it ran
 *   sandbox_tool arch ROOT PROBE
 *     prints "native" or the binfmt handler, or the error (exit 2)
 * A setup failure prints the error and exits 2; EUNSUPPORTED exits 77.
 */
#include "copa/errors.h"
#include "sandbox/sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv)
{
    if (argc < 6)
        return 2;
    const char *env[32];
    int n = 0, i = 4;
    for (; i < argc && strcmp(argv[i], "--") != 0 && n < 31; i++)
        env[n++] = argv[i];
    env[n] = NULL;
    if (i >= argc - 1)
        return 2;
    copa__sandbox_command cmd = {
        .root = argv[2],
        .argv = (const char *const *)&argv[i + 1],
        .env = env,
        .timeout_seconds = (unsigned)strtoul(argv[3], NULL, 10),
    };
    copa__sandbox_result result;
    int rc = copa__sandbox_run(&cmd, &result);
    if (rc != 0) {
        fprintf(stderr, "error: %s\n", copa_error_last());
        return rc == COPA_EUNSUPPORTED ? 77 : 2;
    }
    char what[128];
    copa__sandbox_describe(&result, cmd.timeout_seconds, what, sizeof what);
    printf("status: %s\n%s\n", what, result.tail);
    return 0;
}

static int arch(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    char how[256];
    int rc = copa__sandbox_check_arch(argv[2], argv[3], how, sizeof how);
    if (rc != 0) {
        printf("error: %s\n", copa_error_last());
        return 2;
    }
    printf("%s\n", how);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "run") == 0)
        return run(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "arch") == 0)
        return arch(argc, argv);
    fprintf(stderr, "usage: sandbox_tool run ROOT TIMEOUT [ENV...] -- ARGV... | arch ROOT PROBE\n");
    return 2;
}
