/*
 * Long options are taken only as written in full. getopt_long accepts any
 * unambiguous prefix, so `--vex out.json` silently set --vex-author and
 * `--ign` meant --ignore-errors: a mistyped flag must be an error, not
 * another flag (Copacetic's CLI does not abbreviate either).
 */
#ifndef COPA_CLI_LONG_OPTIONS_H
#define COPA_CLI_LONG_OPTIONS_H

#include <getopt.h>

/*
 * Check argv[1..] before getopt_long runs: every `--name` (or
 * `--name=value`) must be a long option spelled in full. Values of options
 * that take one (short or long) are skipped, and scanning stops at `--`
 * (and at the first operand when `shortopts` starts with '+').
 * Returns 0, or prints a usage error naming the option (and what it
 * abbreviates) for `command` and returns CLI_EXIT_USAGE.
 */
int cli_check_long_options(const char *command, int argc, char *const argv[], const char *shortopts,
                           const struct option *longopts);

#endif
