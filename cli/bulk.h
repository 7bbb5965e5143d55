/*
 * copa patch --config: bulk runs (cmd_patch_bulk.c parses, bulk_run.c runs
 * the worker pool, bulk_summary.c prints and reads summaries) and
 * copa summary merge (cmd_summary.c).
 */
#ifndef COPA_CLI_BULK_H
#define COPA_CLI_BULK_H

#include <copa.h>
#include <stddef.h>
#include <stdio.h>

#include "patch_output.h"

/* 1 when argv asks for bulk mode (--config or --config=FILE). */
int cli_bulk_requested(int argc, char **argv);

/* copa patch --config ...: the whole command; returns the exit code. */
int cli_patch_bulk(int argc, char **argv);

/* What one job came to. Strings are malloc'd. */
typedef struct cli_bulk_outcome {
    char *key, *name, *source, *source_tag, *target, *platforms;
    char *status; /* Patched, Up to date, Planned, Skipped, Failed, Not run */
    char *digest; /* the patched manifest; "" when nothing was written */
    char *message;
    size_t updates;
    int exit_code; /* 0, or the CLI exit code of the failure */
} cli_bulk_outcome;

/* A run's (or a merge's) outcomes and which shard they are. */
typedef struct cli_bulk_summary {
    cli_bulk_outcome *jobs;
    size_t count;
    size_t total; /* jobs over all shards */
    unsigned int shard_index, shard_count;
} cli_bulk_summary;

void cli_bulk_outcome_free(cli_bulk_outcome *outcome);
void cli_bulk_summary_free(cli_bulk_summary *summary);

/* The table: IMAGE:TAG, PLATFORMS, STATUS, UPDATES, DIGEST, MESSAGE. */
void cli_bulk_summary_print(FILE *out, const cli_bulk_summary *summary);

/* The summary as JSON (stable: sorted like the plan) into `path`; 0 or -1 (message printed). */
int cli_bulk_summary_write(const cli_bulk_summary *summary, const char *path);

/* Read a summary JSON file; 0, or an exit code with the message printed. */
int cli_bulk_summary_read(cli_bulk_summary *out, const char *path);

/* Write `text` as a JSON string (quoted, escaped). */
void cli_json_string(FILE *out, const char *text);

/* Sort outcomes in plan order (source repository, tag, name). */
void cli_bulk_summary_sort(cli_bulk_summary *summary);

/* How a bulk run behaves; filled by cmd_patch_bulk.c. */
typedef struct cli_bulk_run {
    copa_patch_options base; /* per-job fields (image, tag, destination) set by the runner */
    const char *oci_dir;     /* --oci-dir: DIR/NAME per config entry */
    const char *report_dir;  /* -r: reports matched by ArtifactName */
    int push, ignore_errors, dry_run;
    unsigned int workers;
    cli_progress_mode progress;
} cli_bulk_run;

/* Run every job of `plan` on a pool of run->workers threads into `summary`. */
void cli_bulk_execute(cli_bulk_summary *summary, const cli_bulk_run *run,
                      const copa_bulk_plan *plan);

#endif
