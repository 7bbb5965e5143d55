/*
 * copa vercmp: compare two package versions, for shell scripts.
 */
#include "commands.h"
#include "text_output.h"
#include "exit_codes.h"
#include "long_options.h"

#include <copa.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char vercmp_help[] =
    "usage: copa vercmp --format deb|rpm|apk A B\n"
    "\n"
    "Compare two versions with the ordering of a package format and print\n"
    "'<', '=' or '>' (A is lower than, equal to or higher than B).\n"
    "\n"
    "Options:\n"
    "  -f, --format FORMAT  deb (dpkg's ordering), rpm (rpmvercmp) or apk (apk-tools)\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 when both versions are valid and compared, 3 when a version\n"
    "is invalid for the format, 2 on a usage error.\n";

static int run_vercmp(int argc, char **argv)
{
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *format_name = NULL;
    copa_pkg_format format;
    int opt, order, rc;

    optind = 1;
    if (cli_check_long_options("vercmp", argc, argv, "+f:h", options) != 0)
        return CLI_EXIT_USAGE;
    while ((opt = getopt_long(argc, argv, "+f:h", options, NULL)) != -1) {
        switch (opt) {
        case 'f':
            format_name = optarg;
            break;
        case 'h':
            cli_put(stdout, vercmp_help);
            return CLI_EXIT_OK;
        default:
            return cli_usage_error("vercmp", "unknown option");
        }
    }
    if (format_name == NULL)
        return cli_usage_error("vercmp", "--format is required");
    if (argc - optind != 2)
        return cli_usage_error("vercmp", "expected exactly two versions");
    if (copa_pkg_format_from_name(&format, format_name) != 0)
        return cli_usage_error("vercmp", copa_error_last());
    if ((rc = copa_version_compare(&order, format, argv[optind], argv[optind + 1])) != 0)
        return cli_fail_with_last_error("vercmp", rc);
    cli_printf(stdout, "%s\n", order < 0 ? "<" : order > 0 ? ">" : "=");
    return CLI_EXIT_OK;
}

const cli_command cli_cmd_vercmp = {
    "vercmp",
    "Compare two package versions (deb, rpm, apk)",
    vercmp_help,
    run_vercmp,
};
