/*
 * Rebuilding several platforms of an index in one write: each platform's
 * blobs and manifest go to the destination as soon as they are made (by
 * digest), the index last. Until the commit nothing is visible: a registry
 * tag moves only with the index, an OCI layout's index.json and an
 * archive only at the commit, and a session freed without a commit takes
 * back what it wrote to a layout.
 */
#include "image/rebuild_index.h"
#include "util/error.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct copa__index_rebuild {
    copa__source *src;
    copa__dest *dst;
    copa__index idx;
    int has_index;
    copa__index_replacement *done; /* one per rebuilt entry */
    size_t done_count;
    unsigned char *rebuilt; /* per entry of idx (or [0] for a single manifest) */
    copa__manifest last;    /* the last manifest written: a docker archive's image */
    int has_last;
    pthread_mutex_t lock;
};

int copa__index_rebuild_check(const copa_reference *to, size_t selected)
{
    if (to->transport != COPA_TRANSPORT_DOCKER_ARCHIVE || selected == 1)
        return 0;
    return copa__error_set(COPA_EUNSUPPORTED,
                           "%s: a docker archive holds one platform, and %zu platforms of the "
                           "index are selected; choose one with --platform",
                           to->string, selected);
}

int copa__index_rebuild_open(copa__index_rebuild **out, const copa_reference *from,
                             const copa_reference *to, const copa__transport_options *options)
{
    copa__index_rebuild *rb;
    size_t entries = 1;
    int error;

    *out = NULL;
    if ((rb = calloc(1, sizeof(*rb))) == NULL)
        return copa__error_oom();
    pthread_mutex_init(&rb->lock, NULL);
    if ((error = copa__source_open(&rb->src, from, options)) != 0)
        goto fail;
    if ((error = copa__dest_open(&rb->dst, to, options)) != 0)
        goto fail;
    copa__dest_set_mount_source(rb->dst, rb->src);
    if (rb->src->top_kind == COPA__DOC_INDEX) {
        if ((error = copa__index_parse(&rb->idx, rb->src->top, rb->src->top_length)) != 0) {
            error = copa__error_prefix("%s: ", rb->src->name);
            goto fail;
        }
        rb->has_index = 1;
        entries = rb->idx.manifest_count;
    }
    if ((rb->rebuilt = calloc(entries + 1, 1)) == NULL ||
        (rb->done = calloc(entries + 1, sizeof(*rb->done))) == NULL) {
        error = copa__error_oom();
        goto fail;
    }
    *out = rb;
    return 0;
fail:
    copa__index_rebuild_free(rb);
    return error;
}

const copa__index *copa__index_rebuild_index(const copa__index_rebuild *rb)
{
    return rb->has_index ? &rb->idx : NULL;
}

static int load(copa__index_rebuild *rb, size_t entry, copa__manifest *m, copa__config *c)
{
    int has_index;

    if (rb->has_index)
        return copa__source_load_entry(rb->src, &rb->idx.manifests[entry], m, c);
    return copa__source_resolve(rb->src, NULL, NULL, &has_index, m, c);
}

/* Note what entry became; m is kept as the last manifest written. */
static void record(copa__index_rebuild *rb, const char *old_digest, copa__manifest *m)
{
    copa__index_replacement *r = &rb->done[rb->done_count++];

    snprintf(r->old_digest, sizeof(r->old_digest), "%s", old_digest);
    snprintf(r->digest, sizeof(r->digest), "%s", m->doc.digest);
    snprintf(r->media_type, sizeof(r->media_type), "%s", m->media_type);
    r->size = (double)m->doc.raw_length;
    if (rb->has_last)
        copa__manifest_free(&rb->last);
    rb->last = *m;
    rb->has_last = 1;
}

static int rebuild_entry(copa__index_rebuild *rb, size_t entry, const copa__rebuild *spec)
{
    char old_digest[COPA_DIGEST_STRING_MAX];
    size_t entries = rb->has_index ? rb->idx.manifest_count : 1;
    copa__manifest m;
    copa__config c;
    int error;

    if (entry >= entries)
        return copa__error_set(COPA_EINVALID, "%s: no index entry %zu", rb->src->name, entry);
    if (rb->rebuilt[entry])
        return copa__error_set(COPA_EINVALID, "%s: index entry %zu is rebuilt twice", rb->src->name,
                               entry);
    if ((error = load(rb, entry, &m, &c)) != 0)
        return error;
    snprintf(old_digest, sizeof(old_digest), "%s", m.doc.digest);
    error = copa__rebuild_write(rb->src, rb->dst, &m, &c, spec);
    copa__config_free(&c);
    if (error != 0) {
        copa__manifest_free(&m);
        return error;
    }
    if (spec->digest_out != NULL)
        snprintf(spec->digest_out, COPA_DIGEST_STRING_MAX, "%s", m.doc.digest);
    rb->rebuilt[entry] = 1;
    record(rb, old_digest, &m);
    return 0;
}

int copa__index_rebuild_platform(copa__index_rebuild *rb, size_t entry, const copa__rebuild *spec)
{
    int error;

    pthread_mutex_lock(&rb->lock);
    error = rebuild_entry(rb, entry, spec);
    pthread_mutex_unlock(&rb->lock);
    return error;
}

static int is_new(const copa__index_rebuild *rb, const char *digest)
{
    size_t i;

    for (i = 0; i < rb->done_count; i++)
        if (strcmp(rb->done[i].digest, digest) == 0)
            return 1;
    return 0;
}

static int commit_index(copa__index_rebuild *rb, copa__index_rebuild_outcome *out)
{
    size_t i;
    int error =
        copa__index_apply(&rb->idx, rb->done, rb->done_count, &out->dropped, &out->dropped_count);

    /* What was not rebuilt is copied as it is (a registry skips what it has). */
    for (i = 0; error == 0 && i < rb->idx.manifest_count; i++)
        if (!is_new(rb, rb->idx.manifests[i].digest))
            error = copa__copy_index_child(rb->src, rb->dst, &rb->idx, i);
    if (error == 0)
        error = copa__dest_commit_index(rb->dst, &rb->idx);
    if (error == 0)
        snprintf(out->digest, sizeof(out->digest), "%s", rb->idx.doc.digest);
    return error;
}

int copa__index_rebuild_commit(copa__index_rebuild *rb, copa__index_rebuild_outcome *out)
{
    int error;

    memset(out, 0, sizeof(*out));
    if (rb->has_index && rb->dst->transport != COPA_TRANSPORT_DOCKER_ARCHIVE) {
        if ((error = commit_index(rb, out)) != 0) {
            copa__strings_free(out->dropped, out->dropped_count);
            memset(out, 0, sizeof(*out));
        }
        return error;
    }
    if (rb->has_index && rb->done_count != 1)
        return copa__index_rebuild_check(rb->dst->ref, rb->done_count);
    if (!rb->has_last)
        return copa__error_set(COPA_EINVALID, "%s: nothing was rebuilt", rb->src->name);
    if ((error = copa__dest_commit(rb->dst, &rb->last.doc, rb->last.media_type, &rb->last)) == 0)
        snprintf(out->digest, sizeof(out->digest), "%s", rb->last.doc.digest);
    return error;
}

void copa__index_rebuild_free(copa__index_rebuild *rb)
{
    if (rb == NULL)
        return;
    copa__dest_free(rb->dst);
    copa__source_free(rb->src);
    if (rb->has_index)
        copa__index_free(&rb->idx);
    if (rb->has_last)
        copa__manifest_free(&rb->last);
    free(rb->done);
    free(rb->rebuilt);
    pthread_mutex_destroy(&rb->lock);
    free(rb);
}

int copa__image_rebuild_index(const copa_reference *from, const copa_reference *to,
                              const size_t *entries, const copa__rebuild *specs, size_t n,
                              const copa__transport_options *options,
                              copa__index_rebuild_outcome *out)
{
    copa__index_rebuild *rb;
    size_t i;
    int error;

    memset(out, 0, sizeof(*out));
    if ((error = copa__index_rebuild_open(&rb, from, to, options)) != 0)
        return error;
    if (rb->has_index)
        error = copa__index_rebuild_check(to, n);
    for (i = 0; error == 0 && i < n; i++)
        error = copa__index_rebuild_platform(rb, entries[i], &specs[i]);
    if (error == 0)
        error = copa__index_rebuild_commit(rb, out);
    copa__index_rebuild_free(rb);
    return error;
}
