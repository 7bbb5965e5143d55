/*
 * copa report: read a scanner report and print the normalized update
 * manifest, as a table or as JSON.
 */
#include "commands.h"
#include "text_output.h"
#include "exit_codes.h"
#include "long_options.h"

#include <copa.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char report_help[] =
    "usage: copa report FILE [--format trivy|grype|native|auto] [--scanner NAME] [--json]\n"
    "\n"
    "Read a vulnerability report and print the OS package updates it asks for:\n"
    "per package the highest fixed version over all its vulnerabilities, the\n"
    "vulnerabilities without a fix, language packages (not handled by OS\n"
    "patching) and warnings.\n"
    "\n"
    "Options:\n"
    "  -f, --format FORMAT   trivy (Trivy JSON), grype (Grype JSON), native (copa\n"
    "                        v1alpha1/v1alpha2) or auto (default: detect)\n"
    "  -s, --scanner NAME    run the plugin copa-NAME from PATH with FILE and read\n"
    "                        its output as a native report\n"
    "      --timeout SECS    time limit for the plugin (default 60)\n"
    "  -j, --json            print stable JSON (native v1alpha2 plus copa's fields)\n"
    "      --ignore-errors   skip packages with invalid version strings (listed as\n"
    "                        warnings) instead of failing\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 on success, also when there is nothing to fix; 3 for a malformed\n"
    "or invalid report; 4 when FILE or the plugin does not exist; 9 for an OS copa\n"
    "cannot patch; 10 when the plugin fails; 11 when it times out; 2 on usage errors.\n";

typedef struct report_args {
    const char *file;
    copa_report_options opts;
    int json;
} report_args;

static int parse_args(report_args *args, int argc, char **argv)
{
    enum { OPT_TIMEOUT = 256, OPT_IGNORE };
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'},
        {"scanner", required_argument, NULL, 's'},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"json", no_argument, NULL, 'j'},
        {"ignore-errors", no_argument, NULL, OPT_IGNORE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char *end;
    double seconds;
    int opt;

    copa_report_options_init(&args->opts, COPA_REPORT_OPTIONS_VERSION);
    optind = 1;
    if (cli_check_long_options("report", argc, argv, "f:s:jh", options) != 0)
        return CLI_EXIT_USAGE;
    while ((opt = getopt_long(argc, argv, "f:s:jh", options, NULL)) != -1) {
        switch (opt) {
        case 'f':
            if (copa_report_format_from_name(&args->opts.format, optarg) != 0)
                return cli_usage_error("report", copa_error_last());
            break;
        case 's':
            args->opts.scanner = optarg;
            break;
        case OPT_TIMEOUT:
            seconds = strtod(optarg, &end);
            if (*end != '\0' || end == optarg || !(seconds > 0) || seconds > 86400)
                return cli_usage_error("report", "--timeout needs a number of seconds (0-86400]");
            args->opts.plugin_timeout_ms = (unsigned int)(seconds * 1000 + 0.5);
            if (args->opts.plugin_timeout_ms == 0)
                args->opts.plugin_timeout_ms = 1;
            break;
        case 'j':
            args->json = 1;
            break;
        case OPT_IGNORE:
            args->opts.ignore_errors = 1;
            break;
        case 'h':
            cli_put(stdout, report_help);
            return -1;
        default:
            return cli_usage_error("report", "unknown option");
        }
    }
    if (argc - optind != 1)
        return cli_usage_error("report", "expected exactly one report FILE");
    if (args->opts.scanner != NULL && args->opts.format != COPA_REPORT_AUTO)
        return cli_usage_error("report", "--format and --scanner exclude each other");
    args->file = argv[optind];
    return 0;
}

static int width(int current, const char *s)
{
    int n = (int)strlen(s);
    return n > current ? n : current;
}

static void print_ids(const copa_report_update *u)
{
    size_t i;
    for (i = 0; i < u->vulnerability_count; i++)
        cli_printf(stdout, "%s%s", i > 0 ? ", " : "", u->vulnerability_ids[i]);
    putchar('\n');
}

static void print_updates(const copa_report *report)
{
    size_t n = copa_report_update_count(report), i;
    int wn = 7, wi = 9, wf = 5;

    for (i = 0; i < n; i++) {
        const copa_report_update *u = copa_report_update_get(report, i);
        wn = width(wn, u->name);
        wi = width(wi, u->installed_version);
        wf = width(wf, u->fixed_version);
    }
    cli_printf(stdout, "\nOS package updates (%zu):\n  %-*s  %-*s  %-*s  %s\n", n, wn, "PACKAGE",
               wi, "INSTALLED", wf, "FIXED", "VULNERABILITIES");
    for (i = 0; i < n; i++) {
        const copa_report_update *u = copa_report_update_get(report, i);
        cli_printf(stdout, "  %-*s  %-*s  %-*s  ", wn, u->name, wi, u->installed_version, wf,
                   u->fixed_version);
        print_ids(u);
    }
}

static void print_langs(const copa_report *report)
{
    size_t n = copa_report_lang_count(report), i;

    if (n == 0)
        return;
    cli_printf(stdout, "\nLanguage packages, not handled by OS patching (%zu):\n", n);
    for (i = 0; i < n; i++) {
        const copa_report_update *u = copa_report_lang_get(report, i);
        cli_printf(stdout, "  %s %s %s -> %s (%s): ", u->type, u->name, u->installed_version,
                   u->fixed_version, u->path[0] != '\0' ? u->path : "no path");
        print_ids(u);
    }
}

static void print_unfixed_and_warnings(const copa_report *report)
{
    size_t n = copa_report_unfixed_count(report), i;

    if (n > 0) {
        cli_printf(stdout, "\nNo fix available (%zu):\n", n);
        for (i = 0; i < n; i++) {
            const copa_report_unfixed *u = copa_report_unfixed_get(report, i);
            cli_printf(stdout, "  %s %s %s%s%s%s\n", u->name, u->installed_version,
                       u->vulnerability_id, u->status[0] != '\0' ? " (" : "", u->status,
                       u->status[0] != '\0' ? ")" : "");
        }
    }
    n = copa_report_warning_count(report);
    if (n > 0) {
        cli_printf(stdout, "\nWarnings (%zu):\n", n);
        for (i = 0; i < n; i++)
            cli_printf(stdout, "  %s\n", copa_report_warning_get(report, i));
    }
}

static void print_table(const copa_report *report, const char *file)
{
    const copa_report_metadata *m = copa_report_metadata_get(report);

    cli_printf(stdout, "Report: %s (%s)%s%s\n", file, copa_report_format_name(m->format),
               m->artifact[0] != '\0' ? ", image " : "", m->artifact);
    if (m->os_family[0] != '\0')
        cli_printf(stdout, "OS: %s %s (%s packages)", m->os_family, m->os_version,
                   copa_pkg_format_name(m->pkg_format));
    else
        cli_printf(stdout, "OS: none named in the report");
    cli_printf(stdout, ", architecture %s%s%s\n", m->arch[0] != '\0' ? m->arch : "unknown",
               m->variant[0] != '\0' ? "/" : "", m->variant);
    if (copa_report_update_count(report) == 0)
        cli_printf(
            stdout,
            "\nNothing to fix: no OS package has a fixed version above the installed one.\n");
    else
        print_updates(report);
    print_langs(report);
    print_unfixed_and_warnings(report);
}

static int run_report(int argc, char **argv)
{
    report_args args;
    copa_report *report;
    int rc;

    memset(&args, 0, sizeof(args));
    rc = parse_args(&args, argc, argv);
    if (rc != 0)
        return rc < 0 ? CLI_EXIT_OK : rc;
    if ((rc = copa_report_parse_file(&report, args.file, &args.opts)) != 0)
        return cli_fail_with_last_error("report", rc);
    if (args.json) {
        char *json;
        if ((rc = copa_report_to_json(&json, report)) != 0) {
            copa_report_free(report);
            return cli_fail_with_last_error("report", rc);
        }
        cli_printf(stdout, "%s\n", json);
        copa_report_json_free(json);
    } else {
        print_table(report, args.file);
    }
    copa_report_free(report);
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

const cli_command cli_cmd_report = {
    "report",
    "Read a scanner report and print the updates it asks for",
    report_help,
    run_report,
};
