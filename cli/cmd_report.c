/* Placeholder until the report command lands. */
#include "commands.h"
#include "exit_codes.h"

#include <stdio.h>

static int run_report(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("copa report: not implemented yet\n", stderr);
    return CLI_EXIT_UNSUPPORTED;
}

const cli_command cli_cmd_report = {
    "report",
    "Read a scanner report and print the updates it asks for",
    "usage: copa report FILE\n",
    run_report,
};
