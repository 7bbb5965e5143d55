/*
 * Jobs of a bulk run: expanding selected tags into (source, target) pairs,
 * the stable order every shard agrees on, and the shard split. Pure.
 */
#ifndef COPA_LIB_BULK_JOBS_H
#define COPA_LIB_BULK_JOBS_H

#include <stddef.h>

#include "bulk/config.h"
#include "copa/bulk.h"

/* Jobs with owned strings (the public struct's const pointers are ours to free). */
typedef struct copa__bulk_jobs {
    copa_bulk_job *jobs;
    size_t count;
} copa__bulk_jobs;

/*
 * Append one job per tag of config->images[image_index]. The target is
 * the image's target (else the config's): registry + "/" + the last path
 * element of the source repository, or the source repository itself
 * without a registry; the tag is the template expanded for the source
 * tag. COPA_EINVALID when an expanded tag is not a valid tag or a job
 * would overwrite its own source.
 */
int copa__bulk_jobs_expand(copa__bulk_jobs *jobs, const copa__bulk_config *config,
                           size_t image_index, char *const *tags, size_t tag_count);

/* 1 when `tag` is a valid Docker tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}). */
int copa__bulk_tag_valid(const char *tag);

/* Append the one failed job of an entry whose tags could not be found. */
int copa__bulk_jobs_add_error(copa__bulk_jobs *jobs, const copa__bulk_image *image, int code,
                              const char *message);

/*
 * Sort into the order shards agree on: source repository, tag, entry name.
 * COPA_EINVALID when two jobs would write the same target (two entries
 * selecting the same image:tag into the same place).
 */
int copa__bulk_jobs_sort(copa__bulk_jobs *jobs);

/* Keep only shard `index` of `count` (job i when i % count == index). */
void copa__bulk_jobs_shard(copa__bulk_jobs *jobs, unsigned int index, unsigned int count);

void copa__bulk_jobs_free(copa__bulk_jobs *jobs);

#endif
