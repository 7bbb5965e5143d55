/*
 * Expanding tags into jobs, ordering and sharding them.
 */
#include "bulk/jobs.h"
#include "util/error.h"
#include "util/grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Docker's tag grammar: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
int copa__bulk_tag_valid(const char *tag)
{
    size_t i, n = strlen(tag);

    if (n == 0 || n > 128 || tag[0] == '.' || tag[0] == '-')
        return 0;
    for (i = 0; i < n; i++)
        if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", tag[i]) ==
            NULL)
            return 0;
    return 1;
}

static copa_bulk_job *grow(copa__bulk_jobs *jobs)
{
    copa_bulk_job *grown =
        !copa__grow_needed(jobs->jobs, jobs->count)
            ? jobs->jobs
            : realloc(jobs->jobs, copa__grow_slots(jobs->count + 1) * sizeof(*grown));

    if (grown == NULL)
        return NULL;
    jobs->jobs = grown;
    memset(&grown[jobs->count], 0, sizeof(*grown));
    return &grown[jobs->count++];
}

static void job_free(copa_bulk_job *job)
{
    free((char *)job->key);
    free((char *)job->name);
    free((char *)job->source);
    free((char *)job->source_tag);
    free((char *)job->target);
    free((char *)job->target_tag);
    free((char *)job->error);
    /* platforms are borrowed from the config */
}

/* The target repository "registry/repository" of `image`. */
static char *target_repository(const copa__bulk_config *config, const copa__bulk_image *image)
{
    const char *registry =
        image->target.registry ? image->target.registry : config->target.registry;
    const char *base = strrchr(image->repository, '/');
    char *out = NULL;

    base = base != NULL ? base + 1 : image->repository;
    if (registry == NULL)
        return asprintf(&out, "%s/%s", image->registry, image->repository) < 0 ? NULL : out;
    return asprintf(&out, "%s/%s", registry, base) < 0 ? NULL : out;
}

static int fill(copa_bulk_job *job, const copa__bulk_image *image, const char *repository,
                const char *template_text, const char *tag)
{
    char *target_tag = copa__bulk_template_expand(template_text, tag);

    if (target_tag == NULL || (job->target_tag = target_tag) == NULL ||
        asprintf((char **)&job->key, "%s/%s", image->name, tag) < 0 ||
        (job->name = strdup(image->name)) == NULL ||
        asprintf((char **)&job->source, "%s/%s:%s", image->registry, image->repository, tag) < 0 ||
        (job->source_tag = strdup(tag)) == NULL ||
        asprintf((char **)&job->target, "%s:%s", repository, target_tag) < 0 ||
        (job->error = strdup("")) == NULL)
        return copa__error_oom();
    if (!copa__bulk_tag_valid(tag))
        return copa__error_set(COPA_EINVALID, "%s: '%s' is not a valid tag", image->name, tag);
    if (!copa__bulk_tag_valid(target_tag))
        return copa__error_set(COPA_EINVALID,
                               "%s: target tag '%s' (from '%s' for tag %s) is not a valid tag",
                               image->name, target_tag, template_text, tag);
    if (strcmp(job->source, job->target) == 0)
        return copa__error_set(COPA_EINVALID,
                               "%s: target %s is the source image itself; set target.tag or "
                               "target.registry",
                               image->name, job->target);
    job->platforms = (const char *const *)image->platforms;
    job->platform_count = image->platform_count;
    job->listed = image->strategy == COPA__TAGS_LIST;
    return 0;
}

int copa__bulk_jobs_expand(copa__bulk_jobs *jobs, const copa__bulk_config *config,
                           size_t image_index, char *const *tags, size_t tag_count)
{
    const copa__bulk_image *image = &config->images[image_index];
    const char *template_text = image->target.tag    ? image->target.tag
                                : config->target.tag ? config->target.tag
                                                     : COPA__BULK_DEFAULT_TAG_TEMPLATE;
    char *repository = target_repository(config, image);
    size_t i;
    int rc = 0;

    if (repository == NULL)
        return copa__error_oom();
    for (i = 0; rc == 0 && i < tag_count; i++) {
        copa_bulk_job *job = grow(jobs);

        rc = job == NULL ? copa__error_oom() : fill(job, image, repository, template_text, tags[i]);
    }
    free(repository);
    return rc;
}

int copa__bulk_jobs_add_error(copa__bulk_jobs *jobs, const copa__bulk_image *image, int code,
                              const char *message)
{
    copa_bulk_job *job = grow(jobs);

    if (job == NULL || asprintf((char **)&job->key, "%s/", image->name) < 0 ||
        (job->name = strdup(image->name)) == NULL ||
        asprintf((char **)&job->source, "%s/%s", image->registry, image->repository) < 0 ||
        (job->source_tag = strdup("")) == NULL || (job->target = strdup("")) == NULL ||
        (job->target_tag = strdup("")) == NULL || (job->error = strdup(message)) == NULL)
        return copa__error_oom();
    job->error_code = code;
    job->platforms = (const char *const *)image->platforms;
    job->platform_count = image->platform_count;
    return 0;
}

/* Length of "registry/repository" in a job's source (which may end in ":tag"). */
static size_t repository_length(const copa_bulk_job *job)
{
    size_t n = strlen(job->source);

    return job->source_tag[0] != '\0' ? n - strlen(job->source_tag) - 1 : n;
}

static int compare_jobs(const void *pa, const void *pb)
{
    const copa_bulk_job *a = pa, *b = pb;
    size_t la = repository_length(a), lb = repository_length(b);
    int c = memcmp(a->source, b->source, la < lb ? la : lb);

    if (c != 0)
        return c;
    if (la != lb)
        return la < lb ? -1 : 1;
    if ((c = strcmp(a->source_tag, b->source_tag)) != 0)
        return c;
    return strcmp(a->name, b->name);
}

/* By target, then by place in the plan, so the first pair of a clash is named. */
static int compare_targets(const void *pa, const void *pb)
{
    const copa_bulk_job *a = *(const copa_bulk_job *const *)pa;
    const copa_bulk_job *b = *(const copa_bulk_job *const *)pb;
    int c = strcmp(a->target, b->target);

    return c != 0 ? c : (a < b ? -1 : a > b);
}

/* Two jobs writing one target; found by sorting, as a plan may hold a registry's worth of tags. */
static int check_targets_distinct(const copa__bulk_jobs *jobs)
{
    const copa_bulk_job **by_target;
    size_t i, n = 0;
    int rc = 0;

    if (jobs->count < 2)
        return 0;
    if ((by_target = malloc(jobs->count * sizeof(*by_target))) == NULL)
        return copa__error_oom();
    for (i = 0; i < jobs->count; i++)
        if (jobs->jobs[i].target[0] != '\0')
            by_target[n++] = &jobs->jobs[i];
    qsort(by_target, n, sizeof(*by_target), compare_targets);
    for (i = 1; i < n && rc == 0; i++)
        if (strcmp(by_target[i - 1]->target, by_target[i]->target) == 0)
            rc = copa__error_set(COPA_EINVALID, "%s and %s would both write %s",
                                 by_target[i - 1]->key, by_target[i]->key, by_target[i]->target);
    free(by_target);
    return rc;
}

int copa__bulk_jobs_sort(copa__bulk_jobs *jobs)
{
    if (jobs->count > 1)
        qsort(jobs->jobs, jobs->count, sizeof(*jobs->jobs), compare_jobs);
    return check_targets_distinct(jobs);
}

void copa__bulk_jobs_shard(copa__bulk_jobs *jobs, unsigned int index, unsigned int count)
{
    size_t i, kept = 0;

    if (count <= 1)
        return;
    for (i = 0; i < jobs->count; i++) {
        if (i % count == index)
            jobs->jobs[kept++] = jobs->jobs[i];
        else
            job_free(&jobs->jobs[i]);
    }
    jobs->count = kept;
}

void copa__bulk_jobs_free(copa__bulk_jobs *jobs)
{
    size_t i;

    for (i = 0; i < jobs->count; i++)
        job_free(&jobs->jobs[i]);
    free(jobs->jobs);
    jobs->jobs = NULL;
    jobs->count = 0;
}
