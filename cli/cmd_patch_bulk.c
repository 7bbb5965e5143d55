/*
 * copa patch --config FILE: bulk patching from a Project Copacetic
 * PatchConfig (docs/cli.md, "Bulk patching"). Global flags apply to every
 * job; the per-image flags of single-image mode (-i, -t, ...) are refused,
 * as in Copacetic.
 */
#include "bulk.h"
#include "commands.h"
#include "duration.h"
#include "exit_codes.h"
#include "long_options.h"
#include "transport_flags.h"
#include "text_output.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    OPT_CONFIG = 3000,
    OPT_PUSH,
    OPT_OCI_DIR,
    OPT_IGNORE_ERRORS,
    OPT_DRY_RUN,
    OPT_MIRROR,
    OPT_TIMEOUT,
    OPT_PROGRESS,
    OPT_INSECURE_UNSIGNED,
    OPT_LAYER_COMPRESSION,
    OPT_JOBS,
    OPT_SHARD,
    OPT_SUMMARY_JSON,
    OPT_LIST_JOBS,
    OPT_SINGLE_ONLY
};

enum { MAX_MIRRORS = 32, MAX_WORKERS = 64 };

typedef struct bulk_args {
    cli_bulk_run run;
    cli_transport_flags flags;
    const char *mirrors[MAX_MIRRORS];
    const char *config, *shard, *summary_json;
    int list_jobs;
    copa_bulk_options plan;
} bulk_args;

int cli_bulk_requested(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--config") == 0 || strncmp(argv[i], "--config=", 9) == 0)
            return 1;
    return 0;
}

/* 1..64 from text; 0 when malformed. */
static unsigned int worker_count(const char *text)
{
    char *end = NULL;
    long n = text != NULL ? strtol(text, &end, 10) : 0;

    return text != NULL && end != text && *end == '\0' && n >= 1 && n <= MAX_WORKERS
               ? (unsigned int)n
               : 0;
}

static int option(bulk_args *a, int opt, char *arg)
{
    long ms;

    switch (opt) {
    case OPT_CONFIG:
        a->config = arg;
        return 0;
    case 'r':
        a->run.report_dir = arg;
        return 0;
    case OPT_PUSH:
        a->run.push = 1;
        return 0;
    case OPT_OCI_DIR:
        a->run.oci_dir = arg;
        return 0;
    case OPT_IGNORE_ERRORS:
        a->run.ignore_errors = 1;
        a->run.base.ignore_errors = 1;
        return 0;
    case OPT_DRY_RUN:
        a->run.dry_run = 1;
        return 0;
    case OPT_INSECURE_UNSIGNED:
        a->run.base.insecure_allow_unsigned = 1;
        return 0;
    case OPT_LAYER_COMPRESSION:
        a->run.base.layer_compression = arg;
        return 0;
    case OPT_MIRROR:
        if (strchr(arg, '=') == NULL || a->run.base.mirror_count >= MAX_MIRRORS)
            return cli_usage_error("patch", "--mirror takes FROM=TO (at most 32)");
        a->mirrors[a->run.base.mirror_count++] = arg;
        return 0;
    case OPT_TIMEOUT:
        if ((ms = cli_duration_ms(arg)) < 0)
            return cli_usage_error("patch", "--timeout takes a duration such as 90s, 5m, 1h");
        a->run.base.timeout_ms = (unsigned long)ms;
        return 0;
    case OPT_PROGRESS:
        if (cli_progress_mode_parse(&a->run.progress, arg) != 0)
            return cli_usage_error("patch", "--progress takes auto, plain, json or quiet");
        return 0;
    case OPT_JOBS:
        if ((a->run.workers = worker_count(arg)) == 0)
            return cli_usage_error("patch", "--jobs takes a number from 1 to 64");
        return 0;
    case OPT_SHARD:
        a->shard = arg;
        return 0;
    case OPT_SUMMARY_JSON:
        a->summary_json = arg;
        return 0;
    case OPT_LIST_JOBS:
        a->list_jobs = 1;
        return 0;
    case 'h':
        cli_put(stdout, cli_cmd_patch.help);
        return 1;
    case 'i':
    case 't':
    case 'o':
    case 'p':
    case 's':
    case 'f':
    case OPT_SINGLE_ONLY:
        return cli_usage_error("patch", "--config cannot be combined with -i, -t, --tag-suffix, "
                                        "--archive, -o, -p, -s or --json (the config names the "
                                        "images, tags and platforms)");
    default:
        return cli_usage_error("patch", "unknown option");
    }
}

static int parse(bulk_args *a, int argc, char **argv)
{
    static const struct option options[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"report", required_argument, NULL, 'r'},
        {"push", no_argument, NULL, OPT_PUSH},
        {"oci-dir", required_argument, NULL, OPT_OCI_DIR},
        {"ignore-errors", no_argument, NULL, OPT_IGNORE_ERRORS},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"mirror", required_argument, NULL, OPT_MIRROR},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"progress", required_argument, NULL, OPT_PROGRESS},
        {"insecure-allow-unsigned", no_argument, NULL, OPT_INSECURE_UNSIGNED},
        {"layer-compression", required_argument, NULL, OPT_LAYER_COMPRESSION},
        {"jobs", required_argument, NULL, OPT_JOBS},
        {"shard", required_argument, NULL, OPT_SHARD},
        {"summary-json", required_argument, NULL, OPT_SUMMARY_JSON},
        {"list-jobs", no_argument, NULL, OPT_LIST_JOBS},
        {"image", required_argument, NULL, 'i'},
        {"tag", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {"platform", required_argument, NULL, 'p'},
        {"scanner", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'},
        {"tag-suffix", required_argument, NULL, OPT_SINGLE_ONLY},
        {"archive", required_argument, NULL, OPT_SINGLE_ONLY},
        {"json", no_argument, NULL, OPT_SINGLE_ONLY},
        {"vex-author", required_argument, NULL, OPT_SINGLE_ONLY},
        {"debug", no_argument, NULL, OPT_SINGLE_ONLY},
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
                return CLI_EXIT_USAGE;
            continue;
        }
        if ((rc = option(a, opt, optarg)) != 0)
            return rc;
    }
    if (optind < argc)
        return cli_usage_error("patch", "unexpected argument; the images come from --config");
    if (a->run.push && a->run.oci_dir != NULL)
        return cli_usage_error("patch", "choose one of --push and --oci-dir");
    return 0;
}

static unsigned int default_workers(void)
{
    unsigned int n = worker_count(getenv("COPA_THREADS"));
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    if (n != 0)
        return n;
    return cpus >= 4 ? 4 : cpus >= 1 ? (unsigned int)cpus : 1;
}

/* --list-jobs: one line per job of this shard; no image is read. */
static int list_jobs(const copa_bulk_plan *plan)
{
    size_t i;
    int rc = CLI_EXIT_OK;

    for (i = 0; i < copa_bulk_plan_job_count(plan); i++) {
        const copa_bulk_job *job = copa_bulk_plan_job(plan, i);
        size_t k;

        if (job->error_code != 0) {
            cli_printf(stdout, "%s\t%s\terror: %s\n", job->key, job->source, job->error);
            if (rc == CLI_EXIT_OK)
                rc = cli_exit_code_for(job->error_code);
            continue;
        }
        cli_printf(stdout, "%s\t%s\t%s\t", job->key, job->source, job->target);
        for (k = 0; k < job->platform_count; k++)
            cli_printf(stdout, "%s%s", k ? "," : "", job->platforms[k]);
        cli_printf(stdout, "%s\n", job->platform_count ? "" : "-");
    }
    cli_printf(stderr, "%zu of %zu job(s)\n", copa_bulk_plan_job_count(plan),
               copa_bulk_plan_total_count(plan));
    return rc;
}

static int finish(const bulk_args *a, cli_bulk_summary *summary)
{
    size_t i;

    cli_bulk_summary_print(stdout, summary);
    if (a->summary_json != NULL && cli_bulk_summary_write(summary, a->summary_json) != 0)
        return CLI_EXIT_FAILURE;
    for (i = 0; i < summary->count; i++)
        if (summary->jobs[i].exit_code != 0) {
            if (a->run.progress != CLI_PROGRESS_JSON) /* JSON mode: the job-end event says it */
                cli_printf(stderr, "copa: %s failed: %s\n", summary->jobs[i].key,
                           summary->jobs[i].message);
            if (!a->run.ignore_errors)
                return summary->jobs[i].exit_code;
        }
    return CLI_EXIT_OK;
}

/*
 * Check the per-job options (layer compression, $COPA_THREADS) once, before
 * any job: copa_patch() validates its options before it opens anything, and
 * a source that cannot exist makes it stop right after, without I/O beyond
 * one failed local lookup. Only COPA_EINVALID comes from the options.
 */
static int preflight(const cli_bulk_run *run)
{
    copa_patch_options probe = run->base;
    copa_patch_result *result = NULL;
    int rc;

    probe.image = "oci:/nonexistent/copa-bulk-preflight:x";
    probe.dry_run = 1;
    probe.progress = NULL;
    rc = copa_patch(&result, &probe);
    copa_patch_result_free(result);
    if (rc == COPA_EINVALID)
        return cli_fail_with_last_error("patch", rc);
    copa_error_clear();
    return 0;
}

static int run(bulk_args *a)
{
    cli_bulk_summary summary;
    copa_bulk_plan *plan = NULL;
    int rc;

    if (!a->list_jobs && (rc = preflight(&a->run)) != 0)
        return rc;
    if (a->shard != NULL &&
        (rc = copa_bulk_shard_parse(&a->plan.shard_index, &a->plan.shard_count, a->shard,
                                    getenv("JOB_COMPLETION_INDEX"))) != 0)
        return cli_fail_with_last_error("patch", rc);
    CLI_APPLY_REGISTRY_FLAGS(a->plan, a->flags);
    if ((rc = copa_bulk_plan_create(&plan, a->config, &a->plan)) != 0)
        return cli_fail_with_last_error("patch", rc);
    if (a->list_jobs) {
        rc = list_jobs(plan);
        copa_bulk_plan_free(plan);
        return rc;
    }
    memset(&summary, 0, sizeof(summary));
    summary.shard_index = a->plan.shard_index;
    summary.shard_count = a->plan.shard_count ? a->plan.shard_count : 1;
    cli_bulk_execute(&summary, &a->run, plan);
    rc = finish(a, &summary);
    cli_bulk_summary_free(&summary);
    copa_bulk_plan_free(plan);
    return rc;
}

int cli_patch_bulk(int argc, char **argv)
{
    bulk_args a;
    int rc;

    memset(&a, 0, sizeof(a));
    copa_patch_options_init(&a.run.base, COPA_PATCH_OPTIONS_VERSION);
    copa_bulk_options_init(&a.plan, COPA_BULK_OPTIONS_VERSION);
    a.run.base.mirrors = a.mirrors;
    if ((rc = parse(&a, argc, argv)) != 0) {
        cli_transport_flags_free(&a.flags);
        return rc == 1 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    CLI_APPLY_REGISTRY_FLAGS(a.run.base, a.flags);
    a.run.base.cache_dir = a.flags.cache_dir;
    if (a.run.workers == 0)
        a.run.workers = default_workers();
    if (a.run.progress == CLI_PROGRESS_AUTO || a.run.progress == CLI_PROGRESS_TTY)
        a.run.progress = CLI_PROGRESS_PLAIN; /* bars of parallel jobs would overwrite each other */
    rc = run(&a);
    cli_transport_flags_free(&a.flags);
    return rc;
}
