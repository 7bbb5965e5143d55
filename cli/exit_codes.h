/*
 * Process exit codes of the copa CLI. They are part of the CLI's interface
 * (docs/cli.md lists them); scripts depend on them, so values never change.
 */
#ifndef COPA_CLI_EXIT_CODES_H
#define COPA_CLI_EXIT_CODES_H

enum cli_exit_code {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FAILURE = 1,
    CLI_EXIT_USAGE = 2,
    CLI_EXIT_INVALID_INPUT = 3,
    CLI_EXIT_NOT_FOUND = 4,
    CLI_EXIT_AUTH = 5,
    CLI_EXIT_NETWORK = 6,
    CLI_EXIT_VERIFY = 7,
    CLI_EXIT_UNSATISFIABLE = 8,
    CLI_EXIT_UNSUPPORTED = 9,
    CLI_EXIT_EXTERNAL = 10,
    CLI_EXIT_TIMEOUT = 11,
    CLI_EXIT_LAYER = 12,
    CLI_EXIT_CANCELLED = 130
};

/* The exit code for a negative libcopa return code. */
int cli_exit_code_for(int copa_code);

/*
 * A libcopa call of `command` returned `copa_code` (non-zero): print
 * "copa: <message>" for the calling thread's last error on stderr (a
 * generic line naming the command and the code when there is no message)
 * and return the exit code for `copa_code`, never CLI_EXIT_OK.
 */
int cli_fail_with_last_error(const char *command, int copa_code);

/* Print "copa <command>: <message>" and a hint to run --help; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *command, const char *message);

#endif
