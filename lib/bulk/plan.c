/*
 * The public bulk API: config -> tag discovery -> jobs -> shard.
 */
#include "bulk/config.h"
#include "bulk/jobs.h"
#include "bulk/select.h"
#include "copa/bulk.h"
#include "image/transport.h"
#include "registry/registry.h"
#include "util/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { DEFAULT_PAGE_SIZE = 1000, SHARDS_MAX = 100000 };

struct copa_bulk_plan {
    copa__bulk_config *config; /* owns the platform lists the jobs borrow */
    copa__bulk_jobs jobs;
    size_t total;
};

int copa_bulk_options_init(copa_bulk_options *options, unsigned int version)
{
    copa_bulk_options defaults = COPA_BULK_OPTIONS_INIT;

    if (options == NULL || version != COPA_BULK_OPTIONS_VERSION)
        return copa__error_set(COPA_EINVALID, "copa_bulk_options_init: unknown version %u",
                               version);
    *options = defaults;
    return 0;
}

static int parse_count(unsigned int *out, const char *text, unsigned int max)
{
    char *end = NULL;
    unsigned long value;

    if (text[0] < '0' || text[0] > '9')
        return 0;
    errno = 0;
    value = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || value > max)
        return 0;
    *out = (unsigned int)value;
    return 1;
}

int copa_bulk_shard_parse(unsigned int *index, unsigned int *count, const char *text,
                          const char *auto_index)
{
    const char *slash = text != NULL ? strchr(text, '/') : NULL;
    char head[32];
    size_t n;

    if (slash == NULL || (n = (size_t)(slash - text)) == 0 || n >= sizeof(head))
        return copa__error_set(COPA_EINVALID, "shard '%s': expected INDEX/COUNT or auto/COUNT",
                               text != NULL ? text : "");
    memcpy(head, text, n);
    head[n] = '\0';
    if (!parse_count(count, slash + 1, SHARDS_MAX) || *count == 0)
        return copa__error_set(COPA_EINVALID, "shard '%s': COUNT must be 1 to %d", text,
                               SHARDS_MAX);
    if (strcmp(head, "auto") == 0) {
        if (auto_index == NULL || auto_index[0] == '\0')
            return copa__error_set(COPA_EINVALID,
                                   "shard '%s': auto needs JOB_COMPLETION_INDEX (a Kubernetes "
                                   "Indexed Job sets it)",
                                   text);
        if (!parse_count(index, auto_index, SHARDS_MAX))
            return copa__error_set(COPA_EINVALID,
                                   "shard '%s': JOB_COMPLETION_INDEX '%s' is not a number", text,
                                   auto_index);
    } else if (!parse_count(index, head, SHARDS_MAX)) {
        return copa__error_set(COPA_EINVALID, "shard '%s': INDEX must be a number or auto", text);
    }
    if (*index >= *count)
        return copa__error_set(COPA_EINVALID, "shard '%s': INDEX %u is not below COUNT %u", text,
                               *index, *count);
    return 0;
}

/*
 * A registry may list names that are no tags ("../x", "a b"); they could not
 * be pulled, and must not reach a target template, so they are left out.
 */
static void drop_invalid_tags(char **tags, size_t *count)
{
    size_t i, kept = 0;

    for (i = 0; i < *count; i++) {
        if (copa__bulk_tag_valid(tags[i]))
            tags[kept++] = tags[i];
        else
            free(tags[i]);
    }
    tags[kept] = NULL;
    *count = kept;
}

/*
 * The registry's tag list for one entry, through a client made for that
 * registry host (its certs.d trust is per host).
 */
static int list_tags(char ***out, size_t *count, const copa__bulk_image *image,
                     const copa__transport_options *transport, unsigned int page_size)
{
    copa__registry *registry = NULL;
    char *bundle = NULL;
    int rc = copa__transport_registry_new(&registry, &bundle, transport, image->registry);

    if (rc == 0)
        rc = copa__registry_tags_list(out, count, registry, image->registry, image->repository,
                                      page_size);
    copa__registry_free(registry);
    copa__transport_bundle_free(bundle);
    return rc;
}

/* The tags of one entry, listed from the registry when the strategy needs them. */
static int discover(copa__bulk_jobs *jobs, const copa__bulk_config *config, size_t i,
                    const copa__transport_options *transport, unsigned int page_size)
{
    const copa__bulk_image *image = &config->images[i];
    char **available = NULL, **tags = NULL;
    size_t available_count = 0, count = 0;
    int rc = 0;

    if (image->strategy != COPA__TAGS_LIST) {
        rc = list_tags(&available, &available_count, image, transport, page_size);
        if (rc == 0)
            drop_invalid_tags(available, &available_count);
    }
    if (rc == 0)
        rc = copa__bulk_select_tags(&tags, &count, image, available, available_count);
    copa__registry_tags_free(available, available_count);
    if (rc == COPA_ENOMEM) {
        copa__bulk_tags_free(tags, count);
        return rc;
    }
    if (rc != 0) /* this entry fails; the others go on */
        return copa__bulk_jobs_add_error(jobs, image, rc, copa_error_last());
    rc = copa__bulk_jobs_expand(jobs, config, i, tags, count);
    copa__bulk_tags_free(tags, count);
    return rc;
}

static int build(copa_bulk_plan *plan, const char *config_path, const copa_bulk_options *options)
{
    copa__transport_options transport = {0};
    size_t i;
    int rc;

    if ((rc = copa__bulk_config_load(&plan->config, config_path)) != 0)
        return rc;
    transport.credentials = options->credentials;
    transport.insecure_registries = options->insecure_registries;
    transport.ca_file = options->ca_file;
    transport.cert_dir = options->cert_dir;
    for (i = 0; rc == 0 && i < plan->config->image_count; i++)
        rc = discover(&plan->jobs, plan->config, i, &transport,
                      options->page_size ? options->page_size : DEFAULT_PAGE_SIZE);
    if (rc == 0)
        rc = copa__bulk_jobs_sort(&plan->jobs);
    if (rc == 0) {
        plan->total = plan->jobs.count;
        copa__bulk_jobs_shard(&plan->jobs, options->shard_index, options->shard_count);
    }
    return rc;
}

int copa_bulk_plan_create(copa_bulk_plan **out, const char *config_path,
                          const copa_bulk_options *options)
{
    copa_bulk_options defaults = COPA_BULK_OPTIONS_INIT;
    copa_bulk_plan *plan;
    int rc;

    if (out == NULL || config_path == NULL)
        return copa__error_set(COPA_EINVALID, "copa_bulk_plan_create: out and config_path "
                                              "are required");
    *out = NULL;
    if (options == NULL)
        options = &defaults;
    if (options->version != COPA_BULK_OPTIONS_VERSION)
        return copa__error_set(COPA_EINVALID, "copa_bulk_plan_create: unknown options version %u",
                               options->version);
    if (options->shard_count > 1 && options->shard_index >= options->shard_count)
        return copa__error_set(COPA_EINVALID, "shard %u/%u: the index must be below the count",
                               options->shard_index, options->shard_count);
    if ((plan = calloc(1, sizeof(*plan))) == NULL)
        return copa__error_oom();
    if ((rc = build(plan, config_path, options)) != 0) {
        copa_bulk_plan_free(plan);
        return rc;
    }
    *out = plan;
    return 0;
}

void copa_bulk_plan_free(copa_bulk_plan *plan)
{
    if (plan == NULL)
        return;
    copa__bulk_jobs_free(&plan->jobs);
    copa__bulk_config_free(plan->config);
    free(plan);
}

size_t copa_bulk_plan_job_count(const copa_bulk_plan *plan)
{
    return plan != NULL ? plan->jobs.count : 0;
}

size_t copa_bulk_plan_total_count(const copa_bulk_plan *plan)
{
    return plan != NULL ? plan->total : 0;
}

const copa_bulk_job *copa_bulk_plan_job(const copa_bulk_plan *plan, size_t index)
{
    return plan != NULL && index < plan->jobs.count ? &plan->jobs.jobs[index] : NULL;
}
