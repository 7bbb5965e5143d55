/*
 * copa inspect: describe an image of a local transport.
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

static const char inspect_help[] =
    "usage: copa inspect [--platform OS/ARCH[/VARIANT]] [--json] [--timeout D]\n"
    "                    [registry options] IMAGE\n"
    "\n"
    "Describe an image: resolved reference and manifest digest, media types,\n"
    "the platforms of a multi-platform image, layers (digest, size, media type),\n"
    "a config summary (platform, entrypoint, cmd, labels, created) and the\n"
    "image's /etc/os-release (every layer is streamed once to find it).\n"
    "Every blob read is checked against its digest.\n"
    "\n"
    "IMAGE is a registry reference (NAME[:TAG][@DIGEST] or docker://...),\n"
    "oci:DIR[:TAG], oci-archive:FILE[:TAG] or docker-archive:FILE[:REF].\n"
    "\n"
    "Options:\n"
    "  -p, --platform P  choose P from a multi-platform image (default: this host's)\n"
    "  -j, --json        print JSON\n"
    "      --timeout D   give up after D (\"90s\", \"5m\", \"1h\"; default none)\n"
    "  -h, --help        show this help\n" CLI_TRANSPORT_HELP "\n"
    "Exit status: 0 on success, 3 for malformed input, 4 when the image, tag or\n"
    "platform is not there, 5 when credentials are refused, 6 for network errors,\n"
    "7 when a blob does not match its digest or a TLS certificate is not trusted,\n"
    "9 for an unsupported media type, 11 when --timeout passed, 2 on a usage error.\n";

static int run_inspect(int argc, char **argv)
{
    static const struct option options[] = {
        {"platform", required_argument, NULL, 'p'},
        {"json", no_argument, NULL, 'j'},
        {"timeout", required_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        CLI_TRANSPORT_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    cli_transport_flags flags;
    copa_inspect_options opts;
    char *text;
    int opt, rc;
    long ms;

    memset(&flags, 0, sizeof(flags));
    copa_inspect_options_init(&opts, COPA_INSPECT_OPTIONS_VERSION);
    optind = 1;
    if (cli_check_long_options("inspect", argc, argv, "p:jh", options) != 0)
        return CLI_EXIT_USAGE;
    while ((opt = getopt_long(argc, argv, "p:jh", options, NULL)) != -1) {
        if ((rc = cli_transport_flag(&flags, "inspect", opt, optarg)) != 0) {
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
        case 'j':
            opts.json = 1;
            break;
        case 'T':
            if ((ms = cli_duration_ms(optarg)) < 0) {
                cli_transport_flags_free(&flags);
                return cli_usage_error("inspect", "--timeout takes a duration such as 90s, 5m, 1h");
            }
            opts.timeout_ms = (unsigned long)ms;
            break;
        case 'h':
            cli_transport_flags_free(&flags);
            cli_put(stdout, inspect_help);
            return CLI_EXIT_OK;
        default:
            cli_transport_flags_free(&flags);
            return cli_usage_error("inspect", "unknown option");
        }
    }
    if (argc - optind != 1) {
        cli_transport_flags_free(&flags);
        return cli_usage_error("inspect", "expected exactly one image");
    }
    CLI_APPLY_REGISTRY_FLAGS(opts, flags);
    opts.cache_dir = flags.cache_dir;
    rc = copa_image_inspect(&text, argv[optind], &opts);
    cli_transport_flags_free(&flags);
    if (rc != 0)
        return cli_fail_with_last_error("inspect", rc);
    cli_put(stdout, text);
    if (opts.json)
        fputc('\n', stdout);
    free(text);
    return CLI_EXIT_OK;
}

const cli_command cli_cmd_inspect = {
    "inspect",
    "Describe an image (registry, oci:, oci-archive:, docker-archive:)",
    inspect_help,
    run_inspect,
};
