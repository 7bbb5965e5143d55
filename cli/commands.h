/*
 * The subcommands of the copa CLI and what they share.
 */
#ifndef COPA_CLI_COMMANDS_H
#define COPA_CLI_COMMANDS_H

#include <stdio.h>

typedef struct cli_command {
    const char *name;
    const char *summary;
    /* Full help text printed by `copa help NAME` and `copa NAME --help`. */
    const char *help;
    /* argv[0] is the command name; returns the process exit code. */
    int (*run)(int argc, char **argv);
} cli_command;

extern const cli_command cli_cmd_vercmp;
extern const cli_command cli_cmd_report;
extern const cli_command cli_cmd_inspect;
extern const cli_command cli_cmd_packages;
extern const cli_command cli_cmd_sources;
extern const cli_command cli_cmd_copy;
extern const cli_command cli_cmd_patch;
extern const cli_command cli_cmd_summary;

/* All commands, NULL-terminated, in the order `copa help` lists them. */
extern const cli_command *const cli_commands[];

const cli_command *cli_find_command(const char *name);
void cli_print_command_help(FILE *out, const cli_command *command);

#endif
