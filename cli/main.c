/*
 * copa: the command-line front end of libcopa. This file only dispatches;
 * each subcommand lives in its own cmd_*.c file.
 */
#include "commands.h"
#include "text_output.h"
#include "exit_codes.h"

#include <copa.h>
#include <stdio.h>
#include <string.h>

/* One command per line, in the order `copa help` lists them. */
/* clang-format off */
const cli_command *const cli_commands[] = {
    &cli_cmd_copy,
    &cli_cmd_inspect,
    &cli_cmd_packages,
    &cli_cmd_patch,
    &cli_cmd_report,
    &cli_cmd_sources,
    &cli_cmd_summary,
    &cli_cmd_vercmp,
    NULL,
};
/* clang-format on */

static const char general_help[] =
    "usage: copa [--version] [--help] <command> [<args>]\n"
    "\n"
    "Patch the OS-package vulnerabilities of container images, natively:\n"
    "no daemon, no root, any architecture.\n"
    "\n"
    "Commands:\n";

const cli_command *cli_find_command(const char *name)
{
    size_t i;
    for (i = 0; cli_commands[i] != NULL; i++)
        if (strcmp(cli_commands[i]->name, name) == 0)
            return cli_commands[i];
    return NULL;
}

void cli_print_command_help(FILE *out, const cli_command *command)
{
    cli_put(out, command->help);
}

static void print_general_help(FILE *out)
{
    size_t i;

    cli_put(out, general_help);
    for (i = 0; cli_commands[i] != NULL; i++)
        cli_printf(out, "  %-10s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
    fputs("  help       Show help for copa or for one command\n"
          "\n"
          "Run 'copa help <command>' for the options of a command.\n"
          "Exit codes are listed in docs/cli.md.\n",
          out);
}

static int run_help(int argc, char **argv)
{
    const cli_command *command;

    if (argc < 2) {
        print_general_help(stdout);
        return CLI_EXIT_OK;
    }
    command = cli_find_command(argv[1]);
    if (command == NULL) {
        cli_printf(stderr, "copa help: unknown command '%s'\n", argv[1]);
        return CLI_EXIT_USAGE;
    }
    cli_print_command_help(stdout, command);
    return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
    const cli_command *command;

    if (argc < 2) {
        print_general_help(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        cli_printf(stdout, "copa %s (libcopa %s)\n", COPA_VERSION, copa_version());
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return run_help(1, argv);
    if (strcmp(argv[1], "help") == 0)
        return run_help(argc - 1, argv + 1);

    command = cli_find_command(argv[1]);
    if (command == NULL) {
        cli_printf(stderr, "copa: unknown command '%s'. Run 'copa help' for the list.\n", argv[1]);
        return CLI_EXIT_USAGE;
    }
    return command->run(argc - 1, argv + 1);
}
