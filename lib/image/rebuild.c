/*
 * Write a new image made from an old one: one platform gets a new layer,
 * labels and annotations; every other blob and document is copied
 * unchanged, so an index keeps its other platforms byte-identical.
 */
#include "image/rebuild.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int copy_blob(copa__source *src, copa__dest *dst, const copa__descriptor *d)
{
    copa__blob_reader *reader = NULL;
    int error = copa__dest_has_blob(dst, d);

    if (error != 0)
        return error < 0 ? error : 0;
    error = copa__source_blob(src, &reader, d->digest, d->size);
    if (error == 0)
        error = copa__dest_put_blob(dst, d->digest, reader);
    copa__blob_reader_free(reader);
    return error;
}

static int apply_pairs(const char *const *pairs, copa__manifest *m, copa__config *c, int labels)
{
    size_t i;
    int error = 0;

    for (i = 0; error == 0 && pairs != NULL && pairs[i] != NULL; i++) {
        const char *eq = strchr(pairs[i], '=');
        char *key;
        if (eq == NULL)
            return copa__error_set(COPA_EINVALID, "'%s' is not KEY=VALUE", pairs[i]);
        if ((key = strndup(pairs[i], (size_t)(eq - pairs[i]))) == NULL)
            return copa__error_oom();
        error = labels ? copa__config_set_label(c, key, eq + 1)
                       : copa__manifest_set_annotation(m, key, eq + 1);
        free(key);
    }
    return error;
}

int copa__rebuild_write(copa__source *src, copa__dest *dst, copa__manifest *m, copa__config *c,
                        const copa__rebuild *spec)
{
    copa__blob_reader *reader;
    size_t i;
    int error = copa__image_drop_layers(m, c, spec->drop_layers);

    for (i = 0; error == 0 && i < m->layer_count; i++)
        error = copy_blob(src, dst, &m->layers[i]);
    if (error == 0)
        error = apply_pairs(spec->labels, m, c, 1);
    if (error == 0)
        error = apply_pairs(spec->annotations, m, c, 0);
    if (error == 0)
        error = spec->layer != NULL ? copa__image_append_layer(m, c, spec->layer)
                                    : copa__image_finish(m, c);
    if (error != 0)
        return error;
    if (spec->layer != NULL) {
        if ((error = copa__blob_reader_open(&reader, spec->layer_path, spec->layer->digest,
                                            spec->layer->size)) != 0)
            return error;
        error = copa__dest_put_blob(dst, spec->layer->digest, reader);
        copa__blob_reader_free(reader);
        if (error != 0)
            return error;
    }
    if ((error = copa__dest_put_buffer(dst, c->doc.digest, c->doc.raw, c->doc.raw_length)) != 0)
        return error;
    /* Docker stays Docker, except where only OCI manifests can be read. */
    if (copa__dest_wants_oci(dst) && (error = copa__manifest_convert_oci(m)) != 0)
        return error;
    return copa__dest_put_manifest(dst, &m->doc, m->media_type);
}

static int rebuild(copa__source *src, copa__dest *dst, const copa__platform *want,
                   const copa__rebuild *spec, int keep_index)
{
    copa__index idx;
    copa__manifest m;
    copa__config c;
    char old_digest[COPA_DIGEST_STRING_MAX];
    int has_index, error;
    size_t i;

    if ((error = copa__source_resolve(src, want, &idx, &has_index, &m, &c)) != 0)
        return error;
    snprintf(old_digest, sizeof(old_digest), "%s", m.doc.digest);
    error = copa__rebuild_write(src, dst, &m, &c, spec);
    if (error == 0 && spec->digest_out != NULL)
        snprintf(spec->digest_out, COPA_DIGEST_STRING_MAX, "%s", m.doc.digest);
    if (error == 0 && has_index && keep_index) {
        for (i = 0; error == 0 && i < idx.manifest_count; i++)
            if (strcmp(idx.manifests[i].digest, old_digest) != 0)
                error = copa__copy_index_child(src, dst, &idx, i);
        if (error == 0)
            error = copa__index_replace_manifest(&idx, old_digest, &m);
        if (error == 0)
            error = copa__dest_commit_index(dst, &idx);
    } else if (error == 0) {
        error = copa__dest_commit(dst, &m.doc, m.media_type, &m);
    }
    if (has_index)
        copa__index_free(&idx);
    copa__manifest_free(&m);
    copa__config_free(&c);
    return error;
}

int copa__image_rebuild(const copa_reference *from, const copa_reference *to,
                        const copa__platform *want, const copa__rebuild *spec,
                        const copa__transport_options *options)
{
    copa__source *src;
    copa__dest *dst;
    int error;

    if ((error = copa__source_open(&src, from, options)) != 0)
        return error;
    if ((error = copa__dest_open(&dst, to, options)) == 0) {
        copa__dest_set_mount_source(dst, src);
        error = rebuild(src, dst, want, spec, to->transport != COPA_TRANSPORT_DOCKER_ARCHIVE);
        copa__dest_free(dst);
    }
    copa__source_free(src);
    return error;
}
