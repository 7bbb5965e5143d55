/*
 * copa summary merge A.json B.json ...: the fleet summary of a sharded
 * bulk run (docs/cli.md, "Sharding").
 */
#include "bulk.h"
#include "commands.h"
#include "exit_codes.h"
#include "long_options.h"
#include "text_output.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char summary_help[] =
    "usage: copa summary merge [-o FILE] SUMMARY.json...\n"
    "\n"
    "Merge the --summary-json files of a sharded bulk run (copa patch --config\n"
    "--shard I/N): print the fleet's summary table, optionally write it as one\n"
    "summary JSON (-o), and exit non-zero when any job failed, a job appears in\n"
    "two files, or the files do not cover every job of the run.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE   write the merged summary JSON to FILE\n"
    "  -h, --help          show this help\n"
    "\n"
    "Exit status: 0 every job succeeded, 1 a job failed, 2 usage, 3 a file is not\n"
    "a summary or the files do not fit together, 4 a file is missing.\n";

static int append(cli_bulk_summary *all, cli_bulk_summary *part)
{
    cli_bulk_outcome *grown = realloc(all->jobs, (all->count + part->count + 1) * sizeof(*grown));

    if (grown == NULL)
        return -1;
    all->jobs = grown;
    memcpy(&all->jobs[all->count], part->jobs, part->count * sizeof(*grown));
    all->count += part->count;
    free(part->jobs);
    part->jobs = NULL;
    part->count = 0;
    return 0;
}

static int compare_keys(const void *pa, const void *pb)
{
    return strcmp((*(const cli_bulk_outcome *const *)pa)->key,
                  (*(const cli_bulk_outcome *const *)pb)->key);
}

/*
 * A job key (NAME/TAG) is unique in a run, whatever image the entry names:
 * the same key twice means two files cover one job (perhaps under a config
 * that changed between shards), and the count check alone would then miss
 * the job nobody ran.
 */
static int check_keys_unique(const cli_bulk_summary *all)
{
    const cli_bulk_outcome **by_key;
    size_t i;
    int rc = 0;

    if (all->count < 2)
        return 0;
    if ((by_key = malloc(all->count * sizeof(*by_key))) == NULL)
        return CLI_EXIT_FAILURE;
    for (i = 0; i < all->count; i++)
        by_key[i] = &all->jobs[i];
    qsort(by_key, all->count, sizeof(*by_key), compare_keys);
    for (i = 1; i < all->count && rc == 0; i++)
        if (strcmp(by_key[i - 1]->key, by_key[i]->key) == 0) {
            cli_printf(stderr, "copa: job %s appears in two summaries\n", by_key[i]->key);
            rc = CLI_EXIT_INVALID_INPUT;
        }
    free(by_key);
    return rc;
}

/* The files must come from one run: same total, different shards, no job twice, all jobs. */
static int check(const cli_bulk_summary *all, int n)
{
    int rc = check_keys_unique(all);

    if (rc != 0)
        return rc;
    if (all->count != all->total) {
        cli_printf(stderr,
                   "copa: the %d summaries hold %zu of the run's %zu jobs; a shard is missing\n", n,
                   all->count, all->total);
        return CLI_EXIT_INVALID_INPUT;
    }
    return 0;
}

static int merge(int argc, char **argv)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_bulk_summary all, part;
    const char *output = NULL;
    int opt, i, rc = 0;
    size_t k;

    optind = 1;
    if (cli_check_long_options("summary", argc, argv, "o:h", options) != 0)
        return CLI_EXIT_USAGE;
    while ((opt = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
        if (opt == 'o')
            output = optarg;
        else if (opt == 'h')
            return cli_put(stdout, summary_help), CLI_EXIT_OK;
        else
            return cli_usage_error("summary", "unknown option");
    }
    if (optind >= argc)
        return cli_usage_error("summary", "merge needs at least one summary file");
    memset(&all, 0, sizeof(all));
    for (i = optind; rc == 0 && i < argc; i++) {
        if ((rc = cli_bulk_summary_read(&part, argv[i])) != 0)
            break;
        if (i > optind && part.total != all.total) {
            cli_printf(stderr, "copa: %s is from another run (%zu jobs, not %zu)\n", argv[i],
                       part.total, all.total);
            rc = CLI_EXIT_INVALID_INPUT;
        } else if (append(&all, &part) != 0) {
            rc = CLI_EXIT_FAILURE;
        }
        all.total = part.total;
        cli_bulk_summary_free(&part);
    }
    if (rc == 0) {
        cli_bulk_summary_sort(&all);
        all.shard_index = 0;
        all.shard_count = 1;
        rc = check(&all, argc - optind);
    }
    if (rc == 0) {
        cli_bulk_summary_print(stdout, &all);
        if (output != NULL && cli_bulk_summary_write(&all, output) != 0)
            rc = CLI_EXIT_FAILURE;
        for (k = 0; rc == 0 && k < all.count; k++)
            if (all.jobs[k].exit_code != 0)
                rc = CLI_EXIT_FAILURE;
    }
    cli_bulk_summary_free(&all);
    return rc;
}

static int run_summary(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
        return cli_put(stdout, summary_help), CLI_EXIT_OK;
    if (argc < 2 || strcmp(argv[1], "merge") != 0)
        return cli_usage_error("summary", "the only subcommand is merge");
    return merge(argc - 1, argv + 1);
}

const cli_command cli_cmd_summary = {
    "summary",
    "Merge the summaries of a sharded bulk patch run",
    summary_help,
    run_summary,
};
