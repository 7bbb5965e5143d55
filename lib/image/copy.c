/*
 * Copying an image between transports: every blob streams from the source
 * to the destination and is verified on the way; documents that do not
 * change are written byte for byte, so their digests stay.
 */
#include "image/transport.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int copy_blob(copa__source *src, copa__dest *dst, const copa__descriptor *d)
{
    copa__blob_reader *reader;
    int error = copa__dest_has_blob(dst, d);

    /* Present already (or mounted): the source need not be read at all. */
    if (error != 0)
        return error < 0 ? error : 0;
    if ((error = copa__source_blob(src, &reader, d->digest, d->size)) != 0)
        return error;
    error = copa__dest_put_blob(dst, d->digest, reader);
    copa__blob_reader_free(reader);
    return error;
}

/* Config and layers of one manifest (the manifest itself is the caller's). */
static int copy_image_blobs(copa__source *src, copa__dest *dst, const copa__manifest *m)
{
    size_t i;
    int error = copy_blob(src, dst, &m->config);

    for (i = 0; error == 0 && i < m->layer_count; i++)
        error = copy_blob(src, dst, &m->layers[i]);
    return error;
}

/* One manifest of an index with its blobs; Docker ones become OCI for an OCI
 * layout, and the index entry follows. */
int copa__copy_index_child(copa__source *src, copa__dest *dst, copa__index *idx, size_t i)
{
    char digest[COPA_DIGEST_STRING_MAX];
    copa__manifest m;
    char *bytes;
    size_t length;
    int error;

    snprintf(digest, sizeof(digest), "%s", idx->manifests[i].digest);
    if ((error = copa__source_manifest_all(src, &bytes, &length, digest)) != 0)
        return error;
    error = copa__manifest_parse_to_copy(&m, bytes, length);
    free(bytes);
    if (error != 0)
        return copa__error_prefix("manifest %s: ", digest);
    error = copy_image_blobs(src, dst, &m);
    if (error == 0 && copa__dest_wants_oci(dst) && m.family == COPA__FAMILY_DOCKER) {
        if ((error = copa__manifest_convert_oci(&m)) == 0)
            error = copa__index_replace_manifest(idx, digest, &m);
    }
    if (error == 0)
        error = copa__dest_put_manifest(dst, &m.doc, m.media_type);
    copa__manifest_free(&m);
    return error;
}

/* Every platform of an index, then the index itself (unchanged when OCI). */
static int copy_index(copa__source *src, copa__dest *dst)
{
    copa__index idx;
    size_t i;
    int error = copa__index_parse(&idx, src->top, src->top_length);

    if (error != 0)
        return copa__error_prefix("%s: ", src->name);
    for (i = 0; error == 0 && i < idx.manifest_count; i++)
        error = copa__copy_index_child(src, dst, &idx, i);
    if (error == 0)
        error = copa__dest_commit_index(dst, &idx);
    copa__index_free(&idx);
    return error;
}

int copa__dest_commit_index(copa__dest *dst, copa__index *idx)
{
    int error;

    if (copa__dest_wants_oci(dst) && idx->family == COPA__FAMILY_DOCKER) {
        if ((error = copa__json_replace_string(idx->doc.json, "mediaType", COPA_MT_OCI_INDEX)) !=
                0 ||
            (error = copa__index_refresh(idx)) != 0 ||
            (error = copa__doc_reserialize(&idx->doc)) != 0)
            return error;
    }
    return copa__dest_commit(dst, &idx->doc, idx->media_type, NULL);
}

static int copy_one(copa__source *src, copa__dest *dst, const copa__platform *want)
{
    copa__manifest m;
    copa__config c;
    int has_index, error = copa__source_resolve(src, want, NULL, &has_index, &m, &c);

    if (error != 0)
        return error;
    error = copy_image_blobs(src, dst, &m);
    if (error == 0 && copa__dest_wants_oci(dst))
        error = copa__manifest_convert_oci(&m);
    if (error == 0)
        error = copa__dest_commit(dst, &m.doc, m.media_type, &m);
    copa__manifest_free(&m);
    copa__config_free(&c);
    return error;
}

int copa__image_copy(const copa_reference *from, const copa_reference *to,
                     const copa__platform *want, const copa__transport_options *options)
{
    copa__source *src;
    copa__dest *dst;
    int error;

    if ((error = copa__source_open(&src, from, options)) != 0)
        return error;
    if ((error = copa__dest_open(&dst, to, options)) != 0) {
        copa__source_free(src);
        return error;
    }
    copa__dest_set_mount_source(dst, src);
    if (src->top_kind == COPA__DOC_INDEX && want == NULL &&
        to->transport != COPA_TRANSPORT_DOCKER_ARCHIVE)
        error = copy_index(src, dst);
    else
        error = copy_one(src, dst, want);
    copa__dest_free(dst);
    copa__source_free(src);
    return error;
}
