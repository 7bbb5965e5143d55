/*
 * copa patch: patch the OS packages of an image (docs/patch.md). Flags
 * named like Project Copacetic's keep their meaning.
 */
#include "bulk.h"
#include "commands.h"
#include "duration.h"
#include "text_output.h"
#include "exit_codes.h"
#include "long_options.h"
#include "patch_output.h"
#include "transport_flags.h"

#include <copa.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char patch_help[] =
    "usage: copa patch -i IMAGE [-r REPORT] [-s SCANNER] [-t TAG | --tag-suffix SUFFIX]\n"
    "                  [--push | --oci-dir DIR | --archive FILE] [-o VEX_FILE] [-f openvex]\n"
    "                  [--platform P] [--ignore-errors] [--dry-run] [--mirror FROM=TO]...\n"
    "                  [--timeout D] [--progress auto|plain|json|quiet] [--debug]\n"
    "                  [--vex-author A] [--layer-compression C] [--sbom FILE]\n"
    "                  [registry options]\n"
    "       copa patch --config FILE [-r REPORT_DIR] [--push | --oci-dir DIR] [--dry-run]\n"
    "                  [--jobs N] [--shard INDEX/COUNT | auto/COUNT] [--summary-json FILE]\n"
    "                  [--list-jobs] [--ignore-errors] [--timeout D] [global options]\n"
    "\n"
    "Patch the OS packages of IMAGE with one new layer. With a scanner report (-r)\n"
    "the reported packages are upgraded to their fixed versions; without one every\n"
    "package with a pending update is. Packages come from the image's own apt\n"
    "sources, verified against its own keys; nothing from the image is run.\n"
    "Re-patching an image copa patched replaces copa's earlier layer.\n"
    "\n"
    "Where the result goes: --push to the source registry; --oci-dir DIR into an\n"
    "OCI layout; --archive FILE as a docker-archive. Without them a local source\n"
    "(oci:, oci-archive:, docker-archive:) gets the patched tag next to it and a\n"
    "registry source goes to ./patched (an OCI layout). The tag is -t TAG, else\n"
    "the source tag + '-' + SUFFIX; the source tag is replaced only when -t names it.\n"
    "\n"
    "Options:\n"
    "  -i, --image IMAGE         the image (registry reference, oci:DIR[:TAG],\n"
    "                            oci-archive:FILE, docker-archive:FILE)\n"
    "  -r, --report FILE         scanner report (Trivy, Grype or copa native JSON); a\n"
    "                            directory of them for a multi-platform image\n"
    "  -s, --scanner NAME        read the report with the plugin copa-NAME\n"
    "  -t, --tag TAG             tag of the patched image\n"
    "      --tag-suffix SUFFIX   suffix of the default tag (default \"patched\")\n"
    "      --push                push to the source registry\n"
    "      --oci-dir DIR         write into the OCI layout DIR\n"
    "      --archive FILE        write a docker-archive (docker load / podman load)\n"
    "  -o, --output FILE         write an OpenVEX document of the fixes\n"
    "  -f, --format FORMAT       VEX format: openvex (the only one)\n"
    "      --vex-author A        VEX author (default $COPA_VEX_AUTHOR, else \"copa\")\n"
    "      --sbom FILE           write a CycloneDX 1.6 SBOM of the patched image (the\n"
    "                            same as 'copa packages --format cyclonedx' gives)\n"
    "      --layer-compression C gzip (default, level 6), gzip:N (1-9), zstd (level 3)\n"
    "                            or zstd:N (1-19); zstd is smaller and faster but\n"
    "                            needs a zstd-aware runtime and an OCI image\n"
    "  -p, --platform P          os/arch[/variant] of a multi-platform image, or a\n"
    "                            comma-separated list (default: every linux platform)\n"
    "      --run-scripts         run the packages' maintainer scripts in a sandbox\n"
    "                            inside the image and keep what they change\n"
    "      --ignore-errors       patch what can be patched when some fixes cannot be made\n"
    "      --dry-run             print the plan; download and write nothing\n"
    "      --json                with --dry-run: the plan as JSON\n"
    "      --mirror FROM=TO      fetch repository URLs starting with FROM from TO\n"
    "                            (indexes and packages; repeatable)\n"
    "      --timeout D           give up after D (\"90s\", \"5m\", \"1h\"; default none)\n"
    "      --progress MODE       auto (bars on a terminal), plain, json or quiet\n"
    "      --debug               more detail in progress output\n"
    "  -h, --help                show this help\n"
    "\n"
    "Bulk mode (--config FILE, a Copacetic PatchConfig; see docs/cli.md):\n"
    "      --config FILE         patch every image and tag the config selects\n"
    "  -r DIR                    with --config: reports of patched images (by\n"
    "                            ArtifactName); a clean one skips its job\n"
    "      --jobs N              jobs at once (default $COPA_THREADS, else up to 4)\n"
    "      --shard I/N           run only shard I of N (auto/N: $JOB_COMPLETION_INDEX)\n"
    "      --summary-json FILE   write the summary as JSON (copa summary merge)\n"
    "      --list-jobs           print this shard's jobs and exit\n" CLI_TRANSPORT_HELP "\n"
    "Exit status: 0 patched or already up to date, 2 usage, 3 bad input (image\n"
    "reference, report, layer compression, OS that contradicts the report), 4 image/tag/platform "
    "or\n"
    "package database not found, 5 credentials refused, 6 network, 7 verification\n"
    "(digest, signature, expired Release), 8 a reported fix cannot be made, 9\n"
    "unsupported OS or format, 10 scanner plugin failed, 11 timeout.\n";

enum {
    OPT_TAG_SUFFIX = 2000,
    OPT_PUSH,
    OPT_OCI_DIR,
    OPT_ARCHIVE,
    OPT_IGNORE_ERRORS,
    OPT_DRY_RUN,
    OPT_MIRROR,
    OPT_TIMEOUT,
    OPT_PROGRESS,
    OPT_DEBUG,
    OPT_VEX_AUTHOR,
    OPT_INSECURE_UNSIGNED,
    OPT_JSON,
    OPT_LAYER_COMPRESSION,
    OPT_SBOM,
    OPT_RUN_SCRIPTS
};

enum { MAX_MIRRORS = 32 };

typedef struct patch_args {
    copa_patch_options opts;
    cli_transport_flags flags;
    const char *mirrors[MAX_MIRRORS];
    cli_progress_mode progress;
    int debug, json;
} patch_args;

/* 0: handled; 1: help printed; 2: usage error printed. */
static int one_option(patch_args *a, int opt, char *arg)
{
    long ms;

    switch (opt) {
    case 'i':
        a->opts.image = arg;
        return 0;
    case 'r':
        a->opts.report = arg;
        return 0;
    case 's':
        a->opts.scanner = arg;
        return 0;
    case 't':
        a->opts.tag = arg;
        return 0;
    case OPT_TAG_SUFFIX:
        a->opts.tag_suffix = arg;
        return 0;
    case OPT_PUSH:
        a->opts.push = 1;
        return 0;
    case OPT_OCI_DIR:
        a->opts.oci_dir = arg;
        return 0;
    case OPT_ARCHIVE:
        a->opts.archive = arg;
        return 0;
    case 'o':
        a->opts.vex_path = arg;
        return 0;
    case OPT_VEX_AUTHOR:
        a->opts.vex_author = arg;
        return 0;
    case OPT_SBOM:
        a->opts.sbom_path = arg;
        return 0;
    case OPT_RUN_SCRIPTS:
        a->opts.run_scripts = 1;
        return 0;
    case 'p':
        a->opts.platform = arg;
        return 0;
    case OPT_IGNORE_ERRORS:
        a->opts.ignore_errors = 1;
        return 0;
    case OPT_DRY_RUN:
        a->opts.dry_run = 1;
        return 0;
    case OPT_JSON:
        a->json = 1;
        return 0;
    case OPT_DEBUG:
        a->debug = 1;
        return 0;
    case OPT_INSECURE_UNSIGNED:
        a->opts.insecure_allow_unsigned = 1;
        return 0;
    case OPT_LAYER_COMPRESSION: /* checked by the library: bad values exit 3 */
        a->opts.layer_compression = arg;
        return 0;
    case 'f':
        if (strcmp(arg, "openvex") != 0)
            return cli_usage_error("patch", "-f: the only VEX format is openvex"), 2;
        return 0;
    case OPT_MIRROR:
        if (strchr(arg, '=') == NULL || a->opts.mirror_count >= MAX_MIRRORS)
            return cli_usage_error("patch", "--mirror takes FROM=TO (at most 32)"), 2;
        a->mirrors[a->opts.mirror_count++] = arg;
        return 0;
    case OPT_TIMEOUT:
        if ((ms = cli_duration_ms(arg)) < 0)
            return cli_usage_error("patch", "--timeout takes a duration such as 90s, 5m, 1h"), 2;
        a->opts.timeout_ms = (unsigned long)ms;
        return 0;
    case OPT_PROGRESS:
        if (cli_progress_mode_parse(&a->progress, arg) != 0)
            return cli_usage_error("patch", "--progress takes auto, plain, json or quiet"), 2;
        return 0;
    case 'h':
        cli_put(stdout, patch_help);
        return 1;
    default:
        return cli_usage_error("patch", "unknown option"), 2;
    }
}

static int parse(patch_args *a, int argc, char **argv)
{
    static const struct option options[] = {
        {"image", required_argument, NULL, 'i'},
        {"report", required_argument, NULL, 'r'},
        {"scanner", required_argument, NULL, 's'},
        {"tag", required_argument, NULL, 't'},
        {"tag-suffix", required_argument, NULL, OPT_TAG_SUFFIX},
        {"push", no_argument, NULL, OPT_PUSH},
        {"oci-dir", required_argument, NULL, OPT_OCI_DIR},
        {"archive", required_argument, NULL, OPT_ARCHIVE},
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"vex-author", required_argument, NULL, OPT_VEX_AUTHOR},
        {"sbom", required_argument, NULL, OPT_SBOM},
        {"run-scripts", no_argument, NULL, OPT_RUN_SCRIPTS},
        {"platform", required_argument, NULL, 'p'},
        {"ignore-errors", no_argument, NULL, OPT_IGNORE_ERRORS},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"mirror", required_argument, NULL, OPT_MIRROR},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"progress", required_argument, NULL, OPT_PROGRESS},
        {"debug", no_argument, NULL, OPT_DEBUG},
        {"json", no_argument, NULL, OPT_JSON},
        {"insecure-allow-unsigned", no_argument, NULL, OPT_INSECURE_UNSIGNED},
        {"layer-compression", required_argument, NULL, OPT_LAYER_COMPRESSION},
        {"help", no_argument, NULL, 'h'},
        CLI_TRANSPORT_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    int opt, rc;

    optind = 1;
    if (cli_check_long_options("patch", argc, argv, "i:r:s:t:o:f:p:h", options) != 0)
        return CLI_EXIT_USAGE;
    while ((opt = getopt_long(argc, argv, "i:r:s:t:o:f:p:h", options, NULL)) != -1) {
        if ((rc = cli_transport_flag(&a->flags, "patch", opt, optarg)) != 0) {
            if (rc < 0)
                return 2;
            continue;
        }
        if ((rc = one_option(a, opt, optarg)) != 0)
            return rc;
    }
    if (optind < argc)
        return cli_usage_error("patch", "unexpected argument; the image is given with -i"), 2;
    if (a->opts.image == NULL)
        return cli_usage_error("patch", "-i IMAGE is required"), 2;
    if (a->json && !a->opts.dry_run)
        return cli_usage_error("patch", "--json goes with --dry-run"), 2;
    if (a->opts.tag != NULL && a->opts.tag_suffix != NULL)
        return cli_usage_error("patch", "use -t or --tag-suffix, not both"), 2;
    if (a->opts.push + (a->opts.oci_dir != NULL) + (a->opts.archive != NULL) > 1)
        return cli_usage_error("patch", "choose one of --push, --oci-dir and --archive"), 2;
    return 0;
}

/* A registry image written to ./patched: say how to use it. */
static void hint(const patch_args *a, const copa_patch_result *r)
{
    const char *dest = copa_patch_result_destination(r);
    copa_reference *ref = NULL;

    if (a->opts.push || a->opts.oci_dir != NULL || a->opts.archive != NULL ||
        strncmp(dest, "oci:patched:", 12) != 0)
        return;
    if (copa_reference_parse(&ref, a->opts.image) == 0 &&
        copa_reference_transport(ref) == COPA_TRANSPORT_REGISTRY)
        cli_printf(stdout,
                   "hint: the patched image is in ./patched; push it with `skopeo copy %s "
                   "docker://%s/%s:%s`, or run copa patch again with --push\n",
                   dest, copa_reference_registry(ref), copa_reference_repository(ref), dest + 12);
    copa_reference_free(ref);
}

static int report(const patch_args *a, int rc, const copa_patch_result *r)
{
    if (a->opts.dry_run && a->json && r != NULL &&
        copa_patch_result_plan(r, COPA_PLAN_JSON)[0] != '\0') {
        cli_printf(stdout, "%s\n", copa_patch_result_plan(r, COPA_PLAN_JSON));
        return rc != 0 ? cli_fail_with_last_error("patch", rc) : CLI_EXIT_OK;
    }
    if (a->opts.dry_run && r != NULL && copa_patch_result_plan(r, COPA_PLAN_TEXT)[0] != '\0') {
        cli_put(stdout, copa_patch_result_plan(r, COPA_PLAN_TEXT));
        cli_patch_unfixable(stdout, r);
        cli_patch_platforms(stdout, r);
    }
    if (rc != 0) {
        if (!a->opts.dry_run && r != NULL && copa_patch_result_skipped_count(r) > 0)
            cli_patch_summary(stderr, r);
        return cli_fail_with_last_error("patch", rc);
    }
    if (copa_patch_result_up_to_date(r)) {
        cli_printf(stdout, "%s is already up to date: nothing to patch\n", a->opts.image);
        cli_patch_platforms(stdout, r);
        return CLI_EXIT_OK;
    }
    if (a->opts.dry_run)
        return CLI_EXIT_OK;
    cli_patch_summary(stdout, r);
    hint(a, r);
    return CLI_EXIT_OK;
}

static int run_patch(int argc, char **argv)
{
    patch_args a;
    cli_progress_state progress;
    copa_patch_result *result = NULL;
    int rc;

    if (cli_bulk_requested(argc, argv))
        return cli_patch_bulk(argc, argv);
    memset(&a, 0, sizeof(a));
    copa_patch_options_init(&a.opts, COPA_PATCH_OPTIONS_VERSION);
    a.opts.mirrors = a.mirrors;
    if ((rc = parse(&a, argc, argv)) != 0) {
        cli_transport_flags_free(&a.flags);
        return rc == 1 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    CLI_APPLY_REGISTRY_FLAGS(a.opts, a.flags);
    a.opts.cache_dir = a.flags.cache_dir;
    cli_progress_start(&progress, a.progress, stderr, a.debug);
    a.opts.progress = cli_progress_event;
    a.opts.progress_payload = &progress;
    rc = copa_patch(&result, &a.opts);
    cli_progress_finish(&progress);
    rc = report(&a, rc, result);
    copa_patch_result_free(result);
    cli_transport_flags_free(&a.flags);
    return rc;
}

const cli_command cli_cmd_patch = {
    "patch",
    "Patch the OS packages of an image with one new layer",
    patch_help,
    run_patch,
};
