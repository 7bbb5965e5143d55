#include "exit_codes.h"
#include "text_output.h"

#include <copa.h>
#include <stdio.h>

int cli_exit_code_for(int copa_code)
{
    switch (copa_code) {
    case COPA_OK:
        return CLI_EXIT_OK;
    case COPA_EINVALID:
        return CLI_EXIT_INVALID_INPUT;
    case COPA_ENOTFOUND:
        return CLI_EXIT_NOT_FOUND;
    case COPA_EAUTH:
        return CLI_EXIT_AUTH;
    case COPA_ENETWORK:
        return CLI_EXIT_NETWORK;
    case COPA_EVERIFY:
        return CLI_EXIT_VERIFY;
    case COPA_EUNSATISFIABLE:
        return CLI_EXIT_UNSATISFIABLE;
    case COPA_EUNSUPPORTED:
        return CLI_EXIT_UNSUPPORTED;
    case COPA_EEXTERNAL:
        return CLI_EXIT_EXTERNAL;
    case COPA_ETIMEOUT:
        return CLI_EXIT_TIMEOUT;
    case COPA_ECANCELLED:
        return CLI_EXIT_CANCELLED;
    case COPA_ELAYER:
        return CLI_EXIT_LAYER;
    default:
        return CLI_EXIT_FAILURE;
    }
}

int cli_fail_with_last_error(const char *command, int copa_code)
{
    const char *message = copa_error_last();
    int exit_code = cli_exit_code_for(copa_code);

    /* The code the call returned decides: the thread's last error may have
     * been cleared or replaced since, and a failure never exits 0. */
    if (exit_code == CLI_EXIT_OK)
        exit_code = CLI_EXIT_FAILURE;
    if (message[0] != '\0')
        cli_printf(stderr, "copa: %s\n", message);
    else
        cli_printf(stderr, "copa %s: failed with %s (%d) and no message\n", command,
                   copa_error_name(copa_code), copa_code);
    return exit_code;
}

int cli_usage_error(const char *command, const char *message)
{
    cli_printf(stderr, "copa %s: %s\nRun 'copa %s --help' for usage.\n", command, message, command);
    return CLI_EXIT_USAGE;
}
