/*
 * copa inspect: describe an image of a local transport.
 */
#include "commands.h"
#include "exit_codes.h"

#include <copa.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static const char inspect_help[] =
    "usage: copa inspect [--platform OS/ARCH[/VARIANT]] [--json] IMAGE\n"
    "\n"
    "Describe an image: resolved reference and manifest digest, media types,\n"
    "the platforms of a multi-platform image, layers (digest, size, media type)\n"
    "and a config summary (platform, entrypoint, cmd, labels, created).\n"
    "Every blob read is checked against its digest.\n"
    "\n"
    "IMAGE is oci:DIR[:TAG], oci-archive:FILE[:TAG] or docker-archive:FILE[:REF]\n"
    "(registries, plain names and docker://, are not supported yet).\n"
    "\n"
    "Options:\n"
    "  -p, --platform P  choose P from a multi-platform image (default: this host's)\n"
    "  -j, --json        print JSON\n"
    "  -h, --help        show this help\n"
    "\n"
    "Exit status: 0 on success, 3 for malformed input, 4 when the image, tag or\n"
    "platform is not there, 7 when a blob does not match its digest, 9 for an\n"
    "unsupported media type or transport, 2 on a usage error.\n";

static int run_inspect(int argc, char **argv)
{
    static const struct option options[] = {
        {"platform", required_argument, NULL, 'p'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    copa_inspect_options opts;
    char *text;
    int opt;

    copa_inspect_options_init(&opts);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "p:jh", options, NULL)) != -1) {
        switch (opt) {
        case 'p':
            opts.platform = optarg;
            break;
        case 'j':
            opts.json = 1;
            break;
        case 'h':
            fputs(inspect_help, stdout);
            return CLI_EXIT_OK;
        default:
            return cli_usage_error("inspect", "unknown option");
        }
    }
    if (argc - optind != 1)
        return cli_usage_error("inspect", "expected exactly one image");
    if (copa_image_inspect(&text, argv[optind], &opts) != 0)
        return cli_fail_with_last_error();
    fputs(text, stdout);
    if (opts.json)
        fputc('\n', stdout);
    free(text);
    return CLI_EXIT_OK;
}

const cli_command cli_cmd_inspect = {
    "inspect",
    "Describe an image (oci:, oci-archive:, docker-archive:)",
    inspect_help,
    run_inspect,
};
