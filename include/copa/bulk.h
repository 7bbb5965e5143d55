/**
 * @file
 * Bulk patching: the jobs of a Project Copacetic PatchConfig file.
 *
 * copa_bulk_plan_create() reads a PatchConfig (apiVersion copa.sh/v1alpha1,
 * kind PatchConfig), validates all of it before any network access, lists
 * the tags of each images[] entry whose strategy needs them (pattern,
 * latest), and expands the result into jobs: one source image:tag with
 * its target repository, target tag and platforms. Jobs are in a stable
 * order (source repository, then tag, then entry name) so separate
 * processes given the same config and the same registry state agree on
 * shards: job i belongs to shard i % count. Patching each job is
 * copa_patch()'s work. See docs/cli.md, "Bulk patching".
 *
 * Call copa_init() first. Functions are thread-safe on distinct arguments.
 */
#ifndef COPA_BULK_H
#define COPA_BULK_H

#include <stddef.h>

#include "common.h"

COPA_BEGIN_DECL

/** Version of copa_bulk_options this header describes. */
#define COPA_BULK_OPTIONS_VERSION 1

/** Options of copa_bulk_plan_create(). */
typedef struct copa_bulk_options {
    /** COPA_BULK_OPTIONS_VERSION. */
    unsigned int version;
    /** "USER:PASS" for registries that ask; NULL: credential files and helpers. */
    const char *credentials;
    /** NULL-terminated HOST[:PORT] list spoken to over plain HTTP; NULL for none. */
    const char *const *insecure_registries;
    /** A PEM file of CA certificates to trust; NULL for none. */
    const char *ca_file;
    /** A directory of *.crt CA certificates to trust; NULL for none. */
    const char *cert_dir;
    /** This process's shard, 0 <= shard_index < shard_count. */
    unsigned int shard_index;
    /** Number of shards; 0 or 1: every job. */
    unsigned int shard_count;
    /** Tags per page when listing tags (the registry may send fewer); 0: 1000. */
    unsigned int page_size;
} copa_bulk_options;

/** Static initializer of copa_bulk_options: every job, default registry access. */
#define COPA_BULK_OPTIONS_INIT                                                                     \
    {                                                                                              \
        COPA_BULK_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0, 0, 0                                 \
    }

/**
 * Set options to their defaults (COPA_BULK_OPTIONS_INIT).
 *
 * @param options  the options to fill.
 * @param version  COPA_BULK_OPTIONS_VERSION.
 * @return 0, or COPA_EINVALID when options is NULL or the version is unknown.
 */
COPA_EXTERN(int) copa_bulk_options_init(copa_bulk_options *options, unsigned int version);

/** One job of a plan; every string is borrowed from the plan. */
typedef struct copa_bulk_job {
    /** "NAME/SOURCE_TAG": the config entry's name and the tag; unique in a plan. */
    const char *key;
    /** The images[] entry's `name`. */
    const char *name;
    /** The source image, "registry/repository:tag"; "registry/repository" when `error` is set. */
    const char *source;
    /** The source tag; "" when `error` is set. */
    const char *source_tag;
    /** The patched image, "registry/repository:tag"; "" when `error` is set. */
    const char *target;
    /** The patched tag; "" when `error` is set. */
    const char *target_tag;
    /** The platforms to patch ("os/arch[/variant]"); none: the image's platforms. */
    const char *const *platforms;
    /** Number of platforms. */
    size_t platform_count;
    /**
     * Why the entry's tags could not be found (a registry failure, or no
     * semantic-version tag for strategy latest); "" for a job to run.
     */
    const char *error;
    /** The COPA_E* code of `error`; 0 for a job to run. */
    int error_code;
    /**
     * 1 when the tag was written in a `strategy: list` entry rather than
     * found in the registry's tag list: it may not exist, and a caller
     * should skip the job with a warning when the source is not found
     * (as Copacetic does). Appended after error_code: jobs are only ever
     * allocated by the library.
     */
    int listed;
} copa_bulk_job;

/** A plan: the jobs of one shard of a config (opaque). */
typedef struct copa_bulk_plan copa_bulk_plan;

/**
 * Read and validate a PatchConfig, discover tags and expand the jobs of
 * the shard options->shard_index of options->shard_count.
 *
 * A failure to list one entry's tags does not fail the plan: that entry
 * becomes one job with `error` set (reported and counted as failed by the
 * caller), so the other entries still run.
 *
 * @param[out] out        the plan; free with copa_bulk_plan_free().
 * @param config_path     the YAML file.
 * @param options         registry access and shard; NULL: defaults.
 * @return 0; COPA_EINVALID for an invalid config (the message is
 *         "FILE:LINE: KEY: problem"), a bad shard or an expanded target tag
 *         that is not a valid tag; COPA_ENOTFOUND for a missing file;
 *         COPA_ENOMEM.
 */
COPA_EXTERN(int)
copa_bulk_plan_create(copa_bulk_plan **out, const char *config_path,
                      const copa_bulk_options *options);

/** Free a plan; NULL is a no-op. */
COPA_EXTERN(void) copa_bulk_plan_free(copa_bulk_plan *plan);

/** Number of jobs in this plan's shard. */
COPA_EXTERN(size_t) copa_bulk_plan_job_count(const copa_bulk_plan *plan);

/** Number of jobs over all shards. */
COPA_EXTERN(size_t) copa_bulk_plan_total_count(const copa_bulk_plan *plan);

/** Job `index` (< job_count) of this shard, borrowed; NULL when out of range. */
COPA_EXTERN(const copa_bulk_job *) copa_bulk_plan_job(const copa_bulk_plan *plan, size_t index);

/**
 * Does the job's source tag exist? One manifest HEAD at the source
 * registry. Meant for a `listed` job whose patch failed with
 * COPA_ENOTFOUND, to tell a tag that is not there (skip it) from any other
 * missing thing (a platform, a package: a failure).
 *
 * @param job      a job of a plan (not one with `error` set).
 * @param options  registry access as for copa_bulk_plan_create(); NULL: defaults.
 * @return 1 the tag exists, 0 the registry says there is no such tag or
 *         repository; or COPA_EINVALID, COPA_EAUTH, COPA_ENETWORK,
 *         COPA_EVERIFY, COPA_ENOMEM when it cannot tell.
 */
COPA_EXTERN(int)
copa_bulk_job_source_exists(const copa_bulk_job *job, const copa_bulk_options *options);

/**
 * Parse a shard "INDEX/COUNT" (0 <= INDEX < COUNT <= 100000), or
 * "auto/COUNT", which takes INDEX from `auto_index` (the caller passes
 * $JOB_COMPLETION_INDEX of a Kubernetes Indexed Job).
 *
 * @param[out] index  the shard index.
 * @param[out] count  the shard count.
 * @param text        the shard as given.
 * @param auto_index  the index for "auto"; NULL when there is none.
 * @return 0, or COPA_EINVALID naming what is wrong.
 */
COPA_EXTERN(int)
copa_bulk_shard_parse(unsigned int *index, unsigned int *count, const char *text,
                      const char *auto_index);

COPA_END_DECL

#endif
