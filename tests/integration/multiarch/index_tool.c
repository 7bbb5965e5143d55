/*
 * A test driver for the multi-platform rebuild (lib/image/rebuild_index.h),
 * which the pipeline does not call yet:
 *
 *   index_tool rebuild SRC DST LAYER.tar.gz DIFF_ID [PLATFORMS|-]
 *
 * plans the index of SRC (PLATFORMS: a --platform list; "-": every linux
 * entry), appends LAYER to every entry to patch, one at a time, commits,
 * and prints "entry N PLATFORM DIGEST" per rebuilt entry, "index DIGEST"
 * and "dropped DIGEST" per attestation left out. $INDEX_TOOL_FAIL_AT=N
 * stops before the commit after N entries (a failed run). Exits 1 with the
 * library's message on failure; $IMAGE_TOOL_INSECURE names one plain-HTTP
 * registry; $INDEX_TOOL_PARALLEL rebuilds the entries in threads at once.
 */
#include "image/platform_list.h"
#include "image/rebuild_index.h"
#include "util/error.h"

#include <copa.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static copa__transport_options *transport(void)
{
    static const char *insecure[2];
    static copa__transport_options options;

    insecure[0] = getenv("IMAGE_TOOL_INSECURE");
    options.insecure_registries = insecure;
    return &options;
}

static int plan(copa__entry_plan **plans, const copa__index *idx, const char *text, size_t *count)
{
    copa__platform_list list;
    size_t i;
    int error;

    if (text == NULL || strcmp(text, "-") == 0) {
        error = copa__index_plan(plans, idx, NULL);
    } else {
        if ((error = copa__platform_list_parse(&list, text)) != 0)
            return error;
        error = copa__index_plan(plans, idx, &list);
        copa__platform_list_free(&list);
    }
    *count = 0;
    for (i = 0; error == 0 && i < idx->manifest_count; i++)
        *count += (*plans)[i].role == COPA__ENTRY_PATCH;
    return error;
}

typedef struct job {
    copa__index_rebuild *rb;
    size_t entry;
    copa__rebuild spec;
    char digest[COPA_DIGEST_STRING_MAX];
    char message[512];
    int error;
} job;

static void *run_job(void *arg)
{
    job *j = arg;

    j->spec.digest_out = j->digest;
    if ((j->error = copa__index_rebuild_platform(j->rb, j->entry, &j->spec)) != 0)
        snprintf(j->message, sizeof(j->message), "%s", copa_error_last());
    return NULL;
}

/* $INDEX_TOOL_PARALLEL: every entry in its own thread at once, as a
 * pipeline patching platforms concurrently would call. */
static int rebuild_parallel(copa__index_rebuild *rb, const copa__entry_plan *plans,
                            const copa__rebuild *spec)
{
    const copa__index *idx = copa__index_rebuild_index(rb);
    job jobs[16];
    pthread_t threads[16];
    size_t i, n = 0;
    int error = 0;

    for (i = 0; i < idx->manifest_count && n < 16; i++) {
        if (plans[i].role != COPA__ENTRY_PATCH)
            continue;
        memset(&jobs[n], 0, sizeof(jobs[n]));
        jobs[n].rb = rb;
        jobs[n].entry = i;
        jobs[n].spec = *spec;
        if (pthread_create(&threads[n], NULL, run_job, &jobs[n]) != 0)
            return copa__error_set(COPA_ERROR, "pthread_create failed");
        n++;
    }
    for (i = 0; i < n; i++) {
        char name[96];
        pthread_join(threads[i], NULL);
        if (jobs[i].error != 0 && error == 0)
            error = copa__error_set(jobs[i].error, "%s", jobs[i].message);
        copa__platform_format(name, sizeof(name), &idx->manifests[jobs[i].entry].platform);
        if (jobs[i].error == 0)
            printf("entry %zu %s %s\n", jobs[i].entry, name, jobs[i].digest);
    }
    return error;
}

static int rebuild_all(copa__index_rebuild *rb, const copa__entry_plan *plans,
                       const copa__rebuild *spec_in)
{
    const copa__index *idx = copa__index_rebuild_index(rb);
    const char *fail_at = getenv("INDEX_TOOL_FAIL_AT");
    size_t i, n = 0, entries = idx != NULL ? idx->manifest_count : 1;
    char name[96], digest[COPA_DIGEST_STRING_MAX];
    copa__rebuild spec = *spec_in;
    int error = 0;

    if (getenv("INDEX_TOOL_PARALLEL") != NULL && idx != NULL)
        return rebuild_parallel(rb, plans, spec_in);
    spec.digest_out = digest;
    for (i = 0; error == 0 && i < entries; i++) {
        if (idx != NULL && plans[i].role != COPA__ENTRY_PATCH)
            continue;
        if (fail_at != NULL && n == (size_t)atoi(fail_at))
            return copa__error_set(COPA_ECANCELLED, "stopped after %zu entries", n);
        if ((error = copa__index_rebuild_platform(rb, i, &spec)) != 0)
            break;
        name[0] = '\0';
        if (idx != NULL)
            copa__platform_format(name, sizeof(name), &idx->manifests[i].platform);
        printf("entry %zu %s %s\n", i, name[0] != '\0' ? name : "-", digest);
        n++;
    }
    return error;
}

static int rebuild(copa_reference *from, copa_reference *to, int argc, char **argv)
{
    copa__index_rebuild *rb;
    copa__index_rebuild_outcome outcome;
    copa__entry_plan *plans = NULL;
    char digest[COPA_DIGEST_STRING_MAX];
    copa__new_layer layer;
    copa__rebuild spec;
    size_t i, selected = 1;
    int error;

    memset(&layer, 0, sizeof(layer));
    if ((error = copa__file_digest(digest, &layer.size, argv[4])) != 0)
        return error;
    layer.digest = digest;
    layer.diff_id = argv[5];
    layer.compression = COPA__COMPRESSION_GZIP;
    layer.created = "2024-01-01T00:00:00Z";
    layer.created_by = "index_tool rebuild";
    memset(&spec, 0, sizeof(spec));
    spec.layer = &layer;
    spec.layer_path = argv[4];
    if ((error = copa__index_rebuild_open(&rb, from, to, transport())) != 0)
        return error;
    if (copa__index_rebuild_index(rb) != NULL)
        error = plan(&plans, copa__index_rebuild_index(rb), argc > 6 ? argv[6] : NULL, &selected);
    if (error == 0)
        error = copa__index_rebuild_check(to, selected);
    if (error == 0)
        error = rebuild_all(rb, plans, &spec);
    if (error == 0 && (error = copa__index_rebuild_commit(rb, &outcome)) == 0) {
        printf("index %s\n", outcome.digest);
        for (i = 0; i < outcome.dropped_count; i++)
            printf("dropped %s\n", outcome.dropped[i]);
        copa__strings_free(outcome.dropped, outcome.dropped_count);
    }
    copa__index_rebuild_free(rb);
    free(plans);
    return error;
}

int main(int argc, char **argv)
{
    copa_reference *from = NULL, *to = NULL;
    int error;

    if (argc < 6 || strcmp(argv[1], "rebuild") != 0) {
        fputs("usage: index_tool rebuild SRC DST LAYER DIFF_ID [PLATFORMS|-]\n", stderr);
        return 2;
    }
    if ((error = copa_reference_parse(&from, argv[2])) == 0 &&
        (error = copa_reference_parse(&to, argv[3])) == 0)
        error = rebuild(from, to, argc, argv);
    copa_reference_free(from);
    copa_reference_free(to);
    if (error != 0) {
        fprintf(stderr, "index_tool: %s\n", copa_error_last());
        return 1;
    }
    return 0;
}
