/*
 * The CLI's invariant for every libcopa failure: a non-zero return gives a
 * non-zero exit code and a non-empty message, whatever state the thread's
 * last error is in (cleared by a lower layer, or left over from an earlier
 * call with another code). The code the call returned decides the exit.
 */
#include "exit_codes.h"

#include <copa.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int failures;

/* Run cli_fail_with_last_error with stderr captured into `message`. */
static int fail_captured(char *message, size_t size, const char *command, int code)
{
    FILE *capture = tmpfile();
    int saved = dup(fileno(stderr)), exit_code;
    size_t n;

    fflush(stderr);
    dup2(fileno(capture), fileno(stderr));
    exit_code = cli_fail_with_last_error(command, code);
    fflush(stderr);
    dup2(saved, fileno(stderr));
    close(saved);
    rewind(capture);
    n = fread(message, 1, size - 1, capture);
    message[n] = '\0';
    fclose(capture);
    return exit_code;
}

static void check(const char *what, int code, int want_exit, const char *want_text)
{
    char message[4096];
    int exit_code = fail_captured(message, sizeof(message), "patch", code);

    if (exit_code != want_exit || strcmp(message, "copa: \n") == 0 || message[0] == '\0' ||
        strstr(message, want_text) == NULL) {
        fprintf(stderr, "FAIL %s (%s): exit %d (want %d), message '%s' (want '%s')\n", what,
                copa_error_name(code), exit_code, want_exit, message, want_text);
        failures++;
    }
}

int main(void)
{
    static const struct {
        int code, exit_code;
    } table[] = {
        {COPA_ERROR, CLI_EXIT_FAILURE},
        {COPA_ENOTFOUND, CLI_EXIT_NOT_FOUND},
        {COPA_EAUTH, CLI_EXIT_AUTH},
        {COPA_EINVALID, CLI_EXIT_INVALID_INPUT},
        {COPA_EUNSUPPORTED, CLI_EXIT_UNSUPPORTED},
        {COPA_EVERIFY, CLI_EXIT_VERIFY},
        {COPA_ENETWORK, CLI_EXIT_NETWORK},
        {COPA_EUNSATISFIABLE, CLI_EXIT_UNSATISFIABLE},
        {COPA_ECANCELLED, CLI_EXIT_CANCELLED},
        {COPA_ENOMEM, CLI_EXIT_FAILURE},
        {COPA_EEXTERNAL, CLI_EXIT_EXTERNAL},
        {COPA_ETIMEOUT, CLI_EXIT_TIMEOUT},
        {-999, CLI_EXIT_FAILURE},
    };
    size_t i;

    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        /* A lower layer cleared the error: a generic line naming command and code. */
        copa_error_clear();
        check("cleared", table[i].code, table[i].exit_code, "copa patch: failed with");
        /* A message is there but its code is another call's: the returned code wins. */
        copa_version_compare(NULL, COPA_PKG_DEB, "1", "2"); /* sets EINVALID */
        if (table[i].code != COPA_EINVALID)
            check("stale code", table[i].code, table[i].exit_code, "copa: ");
    }
    if (failures == 0)
        printf("ok   every failure code exits non-zero with a message\n");
    return failures == 0 ? 0 : 1;
}
