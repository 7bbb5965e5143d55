/*
 * copa copy: an image from any transport to any transport.
 */
#include "commands.h"
#include "duration.h"
#include "text_output.h"
#include "exit_codes.h"
#include "long_options.h"
#include "transport_flags.h"

#include <copa.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char copy_help[] =
    "usage: copa copy [--platform OS/ARCH[/VARIANT]] [--timeout D] [registry options] SRC DST\n"
    "\n"
    "Copy an image. SRC and DST are each a registry reference (NAME[:TAG][@DIGEST]\n"
    "or docker://...), oci:DIR[:TAG], oci-archive:FILE[:TAG] or\n"
    "docker-archive:FILE[:REF]. Every blob is verified against its digest on the\n"
    "way; manifests that need no change are copied byte for byte, so digests stay.\n"
    "A multi-platform image is copied whole unless --platform picks one (a\n"
    "docker-archive holds one platform: this host's by default). Docker manifests\n"
    "become OCI manifests only in OCI layouts and archives, which need them.\n"
    "Nothing appears at DST unless the whole copy succeeds.\n"
    "\n"
    "Options:\n"
    "  -p, --platform P  copy only platform P of a multi-platform image\n"
    "  -q, --quiet       print nothing on success\n"
    "      --timeout D   give up after D (\"90s\", \"5m\", \"1h\"; default none); DST\n"
    "                    stays as it was\n"
    "  -h, --help        show this help\n" CLI_TRANSPORT_HELP
    "(the registry options apply to both SRC and DST)\n"
    "\n"
    "Exit status: 0 on success, 3 for malformed input, 4 when the image, tag or\n"
    "platform is not there, 5 when credentials are refused, 6 for network errors,\n"
    "7 when a blob does not match its digest or a TLS certificate is not trusted,\n"
    "9 for an unsupported media type, 11 when --timeout passed, 2 on a usage error.\n";

static int run_copy(int argc, char **argv)
{
    static const struct option options[] = {
        {"platform", required_argument, NULL, 'p'},
        {"quiet", no_argument, NULL, 'q'},
        {"timeout", required_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        CLI_TRANSPORT_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    cli_transport_flags flags;
    copa_copy_options opts;
    int opt, rc, quiet = 0;
    long ms;

    memset(&flags, 0, sizeof(flags));
    copa_copy_options_init(&opts, COPA_COPY_OPTIONS_VERSION);
    optind = 1;
    if (cli_check_long_options("copy", argc, argv, "p:qh", options) != 0)
        return CLI_EXIT_USAGE;
    while ((opt = getopt_long(argc, argv, "p:qh", options, NULL)) != -1) {
        if ((rc = cli_transport_flag(&flags, "copy", opt, optarg)) != 0) {
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
        case 'q':
            quiet = 1;
            break;
        case 'T':
            if ((ms = cli_duration_ms(optarg)) < 0) {
                cli_transport_flags_free(&flags);
                return cli_usage_error("copy", "--timeout takes a duration such as 90s, 5m, 1h");
            }
            opts.timeout_ms = (unsigned long)ms;
            break;
        case 'h':
            cli_transport_flags_free(&flags);
            cli_put(stdout, copy_help);
            return CLI_EXIT_OK;
        default:
            cli_transport_flags_free(&flags);
            return cli_usage_error("copy", "unknown option");
        }
    }
    if (argc - optind != 2) {
        cli_transport_flags_free(&flags);
        return cli_usage_error("copy", "expected SRC and DST");
    }
    CLI_APPLY_REGISTRY_FLAGS(opts, flags);
    opts.cache_dir = flags.cache_dir;
    rc = copa_image_copy(argv[optind], argv[optind + 1], &opts);
    cli_transport_flags_free(&flags);
    if (rc != 0)
        return cli_fail_with_last_error("copy", rc);
    if (!quiet)
        cli_printf(stdout, "copied %s to %s\n", argv[optind], argv[optind + 1]);
    return CLI_EXIT_OK;
}

const cli_command cli_cmd_copy = {
    "copy",
    "Copy an image between registries, OCI layouts and archives",
    copy_help,
    run_copy,
};
