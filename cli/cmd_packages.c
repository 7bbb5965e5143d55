/*
 * copa packages: the OS and the installed OS packages of an image, for
 * people (table), for programs (JSON) or for scanners (CycloneDX).
 */
#include "commands.h"
#include "exit_codes.h"
#include "long_options.h"
#include "text_output.h"
#include "transport_flags.h"

#include <copa.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char packages_help[] =
    "usage: copa packages [--platform OS/ARCH[/VARIANT]] [--format table|json|cyclonedx]\n"
    "                     [registry options] IMAGE\n"
    "\n"
    "List the OS and the installed OS packages of an image, read from its own\n"
    "package database (every layer is streamed once and checked against its\n"
    "digest; nothing in the image is run). Packages that copa's patch layer\n"
    "installed are marked. Package URLs are those of copa's VEX documents.\n"
    "\n"
    "IMAGE is a registry reference (NAME[:TAG][@DIGEST] or docker://...),\n"
    "oci:DIR[:TAG], oci-archive:FILE[:TAG] or docker-archive:FILE[:REF].\n"
    "\n"
    "Options:\n"
    "  -p, --platform P   choose P from a multi-platform image (default: this host's)\n"
    "  -f, --format F     table (default), json, or cyclonedx (a CycloneDX 1.6 JSON\n"
    "                     SBOM that Trivy and Grype can scan)\n"
    "  -h, --help         show this help\n" CLI_TRANSPORT_HELP "\n"
    "Exit status: 0 on success, 2 on a usage error, 3 for malformed input, 4 when\n"
    "the image, tag, platform or package database is not there, 5 when credentials\n"
    "are refused, 6 for network errors, 7 when a blob does not match its digest,\n"
    "9 for an OS copa does not support (the message names it).\n";

static int parse_format(copa_inventory_format_kind *out, const char *text)
{
    if (strcmp(text, "table") == 0)
        *out = COPA_INVENTORY_TABLE;
    else if (strcmp(text, "json") == 0)
        *out = COPA_INVENTORY_JSON;
    else if (strcmp(text, "cyclonedx") == 0)
        *out = COPA_INVENTORY_CYCLONEDX;
    else
        return -1;
    return 0;
}

static int list_packages(const char *image, const copa_packages_options *opts,
                         copa_inventory_format_kind format)
{
    copa_inventory *inv = NULL;
    char *text = NULL;
    int rc = copa_packages_open(&inv, image, opts);

    if (rc == 0)
        rc = copa_inventory_format(&text, inv, format);
    copa_inventory_free(inv);
    if (rc != 0)
        return cli_fail_with_last_error("packages", rc);
    cli_put(stdout, text);
    if (format != COPA_INVENTORY_TABLE)
        fputc('\n', stdout);
    copa_inventory_text_free(text);
    return CLI_EXIT_OK;
}

static int run_packages(int argc, char **argv)
{
    static const struct option options[] = {
        {"platform", required_argument, NULL, 'p'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        CLI_TRANSPORT_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    copa_inventory_format_kind format = COPA_INVENTORY_TABLE;
    cli_transport_flags flags;
    copa_packages_options opts;
    int opt, rc;

    memset(&flags, 0, sizeof(flags));
    copa_packages_options_init(&opts, COPA_PACKAGES_OPTIONS_VERSION);
    optind = 1;
    if (cli_check_long_options("packages", argc, argv, "p:f:h", options) != 0)
        return CLI_EXIT_USAGE;
    while ((opt = getopt_long(argc, argv, "p:f:h", options, NULL)) != -1) {
        if ((rc = cli_transport_flag(&flags, "packages", opt, optarg)) != 0) {
            if (rc < 0) {
                cli_transport_flags_free(&flags);
                return CLI_EXIT_USAGE;
            }
            continue;
        }
        switch (opt) {
        case 'p':
            opts.platform = optarg;
            break;
        case 'f':
            if (parse_format(&format, optarg) != 0) {
                cli_transport_flags_free(&flags);
                return cli_usage_error("packages", "--format is table, json or cyclonedx");
            }
            break;
        case 'h':
            cli_transport_flags_free(&flags);
            cli_put(stdout, packages_help);
            return CLI_EXIT_OK;
        default:
            cli_transport_flags_free(&flags);
            return cli_usage_error("packages", "unknown option");
        }
    }
    if (argc - optind != 1) {
        cli_transport_flags_free(&flags);
        return cli_usage_error("packages", "expected exactly one image");
    }
    CLI_APPLY_REGISTRY_FLAGS(opts, flags);
    opts.cache_dir = flags.cache_dir;
    rc = list_packages(argv[optind], &opts, format);
    cli_transport_flags_free(&flags);
    return rc;
}

const cli_command cli_cmd_packages = {
    "packages",
    "List an image's OS packages (table, JSON, CycloneDX SBOM)",
    packages_help,
    run_packages,
};
