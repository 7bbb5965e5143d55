/*
 * copa sources: the apt repositories of a root filesystem, verified as
 * copa would use them: which key verified each Release, suite, date and
 * number of packages.
 */
#include "commands.h"
#include "text_output.h"
#include "exit_codes.h"
#include "long_options.h"
#include "transport_flags.h"

#include <copa.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char sources_help[] =
    "usage: copa sources IMAGE|ROOTFS [--arch ARCH] [--mirror FROM=TO]... [--json]\n"
    "\n"
    "Read the apt sources and trust anchors of an image (a registry reference,\n"
    "oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REF]) or of a\n"
    "root filesystem directory (/etc/apt/sources.list, sources.list.d/,\n"
    "trusted.gpg, trusted.gpg.d/ and Signed-By keys, all from the image, never\n"
    "from the host), fetch and verify each repository's InRelease and Packages\n"
    "indexes, and print per source the URI used, the suite, the key that\n"
    "verified it, the Release date and the number of packages.\n"
    "\n"
    "Options:\n"
    "  -a, --arch ARCH        dpkg architecture (default: the image's; for a\n"
    "                         directory, this host's)\n"
    "  -p, --platform P       os/arch[/variant] of a multi-platform image\n"
    "  -m, --mirror FROM=TO   fetch sources below FROM from TO instead (repeatable)\n"
    "      --insecure-allow-unsigned\n"
    "                         INSECURE: accept Release files that fail verification\n"
    "      --insecure-ignore-valid-until\n"
    "                         INSECURE: accept Release files past their Valid-Until\n"
    "                         or dated in the future (a wrong clock)\n"
    "  -j, --json             print JSON\n"
    "  -h, --help             show this help\n" CLI_TRANSPORT_HELP "\n"
    "Exit status: 0 on success; 7 when a signature, hash or Valid-Until check fails;\n"
    "4 for a missing component, key file or repository; 3 for malformed sources;\n"
    "6 for network failures; 2 on usage errors.\n";

#if defined(__x86_64__)
#define HOST_ARCH "amd64"
#elif defined(__aarch64__)
#define HOST_ARCH "arm64"
#elif defined(__i386__)
#define HOST_ARCH "i386"
#elif defined(__arm__)
#define HOST_ARCH "armhf"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HOST_ARCH "ppc64el"
#elif defined(__s390x__)
#define HOST_ARCH "s390x"
#elif defined(__riscv) && __riscv_xlen == 64
#define HOST_ARCH "riscv64"
#else
#define HOST_ARCH "amd64"
#endif

typedef struct sources_args {
    const char *target; /* an image reference or a directory */
    copa_apt_options opts;
    const char **mirrors;
    cli_transport_flags flags;
    int json;
} sources_args;

static int parse_args(sources_args *args, int argc, char **argv)
{
    enum { OPT_CACHE = 256, OPT_UNSIGNED, OPT_VALID };
    static const struct option options[] = {
        {"arch", required_argument, NULL, 'a'},
        {"mirror", required_argument, NULL, 'm'},
        {"cache-dir", required_argument, NULL, OPT_CACHE},
        {"insecure-allow-unsigned", no_argument, NULL, OPT_UNSIGNED},
        {"insecure-ignore-valid-until", no_argument, NULL, OPT_VALID},
        {"platform", required_argument, NULL, 'p'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {"creds", required_argument, NULL, CLI_OPT_CREDS},
        {"insecure-registry", required_argument, NULL, CLI_OPT_INSECURE_REGISTRY},
        {"cert-dir", required_argument, NULL, CLI_OPT_CERT_DIR},
        {"ca-file", required_argument, NULL, CLI_OPT_CA_FILE},
        {NULL, 0, NULL, 0},
    };
    int opt, flag;

    copa_apt_options_init(&args->opts, COPA_APT_OPTIONS_VERSION);
    args->mirrors = calloc((size_t)argc + 1, sizeof(*args->mirrors));
    if (args->mirrors == NULL)
        return CLI_EXIT_FAILURE;
    optind = 1;
    if (cli_check_long_options("sources", argc, argv, "a:m:p:jh", options) != 0)
        return CLI_EXIT_USAGE;
    while ((opt = getopt_long(argc, argv, "a:m:p:jh", options, NULL)) != -1) {
        if ((flag = cli_transport_flag(&args->flags, "sources", opt, optarg)) != 0) {
            if (flag < 0)
                return CLI_EXIT_USAGE;
            continue;
        }
        switch (opt) {
        case 'p':
            args->opts.platform = optarg;
            break;
        case 'a':
            args->opts.arch = optarg;
            break;
        case 'm':
            if (strchr(optarg, '=') == NULL)
                return cli_usage_error("sources", "--mirror needs FROM=TO");
            args->mirrors[args->opts.mirror_count++] = optarg;
            break;
        case OPT_CACHE:
            args->opts.cache_dir = optarg;
            break;
        case OPT_UNSIGNED:
            args->opts.insecure_allow_unsigned = 1;
            break;
        case OPT_VALID:
            args->opts.insecure_ignore_valid_until = 1;
            break;
        case 'j':
            args->json = 1;
            break;
        case 'h':
            cli_put(stdout, sources_help);
            return -1;
        default:
            return cli_usage_error("sources", "unknown option");
        }
    }
    if (argc - optind != 1)
        return cli_usage_error("sources", "expected exactly one IMAGE or ROOTFS directory");
    args->target = argv[optind];
    args->opts.mirrors = args->mirrors;
    CLI_APPLY_REGISTRY_FLAGS(args->opts, args->flags);
    return 0;
}

static void print_source(const copa_apt_source_info *s)
{
    size_t i;

    cli_printf(stdout, "%s %s", s->uri, s->suite);
    for (i = 0; i < s->component_count; i++)
        cli_printf(stdout, " %s", s->components[i]);
    cli_printf(stdout, "\n  from:        %s:%zu%s%s\n", s->file, s->line,
               s->mirrored ? ", mirror of " : "", s->mirrored ? s->original_uri : "");
    if (s->trusted)
        cli_printf(stdout, "  verified by: trusted=yes (no signature checked)\n");
    else if (s->insecure)
        cli_printf(stdout, "  verified by: NOT VERIFIED (insecure option)\n");
    else
        cli_printf(stdout, "  verified by: %s%s%s\n", s->verified_by,
                   strcmp(s->verified_by, s->primary_fingerprint) != 0 ? ", subkey of " : "",
                   strcmp(s->verified_by, s->primary_fingerprint) != 0 ? s->primary_fingerprint
                                                                       : "");
    cli_printf(stdout, "  release:     %s%s%s%s, date %s%s%s\n", s->origin[0] ? s->origin : "?",
               s->codename[0] ? " (" : "", s->codename, s->codename[0] ? ")" : "",
               s->date[0] ? s->date : "none", s->valid_until[0] ? ", valid until " : "",
               s->valid_until);
    cli_printf(stdout, "  packages:    %zu from %zu index%s (%zu downloaded)%s\n", s->package_count,
               s->index_count, s->index_count == 1 ? "" : "es", s->index_downloaded,
               s->release_from_cache ? ", Release not modified (cache)" : "");
}

/*
 * A directory is an unpacked root filesystem, and so is anything written as
 * a path (no image reference starts with '/' or '.'), so a missing directory
 * says "not found" rather than "invalid reference"; the rest names an image.
 */
static int is_directory(const char *path)
{
    struct stat st;
    return path[0] == '/' || path[0] == '.' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode));
}

static int open_sources(copa_apt **apt, sources_args *args)
{
    if (is_directory(args->target)) {
        if (args->opts.arch == NULL)
            args->opts.arch = HOST_ARCH;
        return copa_apt_open_dir(apt, args->target, &args->opts);
    }
    return copa_apt_open_image(apt, args->target, &args->opts);
}

static int run_sources(int argc, char **argv)
{
    sources_args args;
    copa_apt *apt = NULL;
    size_t i;
    int rc;

    memset(&args, 0, sizeof(args));
    rc = parse_args(&args, argc, argv);
    if (rc != 0) {
        free(args.mirrors);
        cli_transport_flags_free(&args.flags);
        return rc < 0 ? CLI_EXIT_OK : rc;
    }
    copa_init();
    rc = open_sources(&apt, &args);
    free(args.mirrors);
    cli_transport_flags_free(&args.flags);
    if (rc != 0) {
        rc = cli_fail_with_last_error("sources", rc);
        copa_shutdown();
        return rc;
    }
    if (args.json) {
        char *json = NULL;
        if ((rc = copa_apt_to_json(&json, apt)) == 0)
            cli_printf(stdout, "%s\n", json);
        copa_apt_json_free(json);
        if (rc != 0) {
            rc = cli_fail_with_last_error("sources", rc);
            copa_apt_free(apt);
            copa_shutdown();
            return rc;
        }
    } else {
        for (i = 0; i < copa_apt_source_count(apt); i++)
            print_source(copa_apt_source_get(apt, i));
        cli_printf(stdout, "%zu source%s, %zu packages\n", copa_apt_source_count(apt),
                   copa_apt_source_count(apt) == 1 ? "" : "s", copa_apt_package_count(apt));
    }
    copa_apt_free(apt);
    copa_shutdown();
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

const cli_command cli_cmd_sources = {
    "sources",
    "Show an image's apt repositories, verified",
    sources_help,
    run_sources,
};
