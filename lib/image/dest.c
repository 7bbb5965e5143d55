/*
 * Writing images to the local transports. Nothing becomes visible before
 * the commit: oci writes blobs (harmless alone) and then, under the
 * layout's lock, puts its tag into index.json as it is then; the archives
 * are staged in a temporary directory and the finished tar renamed into
 * place. An aborted write removes what it made, and only that.
 */
#include "image/archive.h"
#include "image/transport.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static int clone_reference(copa_reference **out, const copa_reference *ref)
{
    return copa_reference_parse(out, ref->string);
}

int copa__dest_open(copa__dest **out, const copa_reference *ref,
                    const copa__transport_options *options)
{
    copa__dest *dst;
    int error;

    *out = NULL;
    if ((dst = calloc(1, sizeof(*dst))) == NULL)
        return copa__error_oom();
    dst->transport = ref->transport;
    if ((error = clone_reference(&dst->ref, ref)) != 0)
        goto fail;
    if (ref->transport == COPA_TRANSPORT_REGISTRY) {
        if ((error = copa__registry_dest_open(dst, options)) != 0)
            goto fail;
    } else if (ref->transport == COPA_TRANSPORT_OCI) {
        /* The layout's lock may be held by another writer: wait no longer
         * than the caller's deadline (options->cancel). */
        if ((error = copa__oci_layout_init_until(&dst->layout, ref->path, options->cancel,
                                                 options->cancel_payload)) != 0)
            goto fail;
        dst->has_layout = 1;
    } else {
        if ((error = copa__tempdir_create(&dst->stage)) != 0)
            goto fail;
        if (ref->transport == COPA_TRANSPORT_OCI_ARCHIVE) {
            if ((error = copa__oci_layout_init(&dst->layout, dst->stage)) != 0)
                goto fail;
            dst->has_layout = 1;
        }
    }
    *out = dst;
    return 0;
fail:
    copa__dest_free(dst);
    return error;
}

static const char *blob_root(const copa__dest *dst)
{
    return dst->has_layout ? dst->layout.dir : dst->stage;
}

void copa__dest_set_mount_source(copa__dest *dst, const copa__source *src)
{
    if (dst->transport != COPA_TRANSPORT_REGISTRY || src->transport != COPA_TRANSPORT_REGISTRY ||
        strcmp(src->host, dst->ref->registry) != 0 ||
        strcmp(src->repository, dst->ref->repository) == 0)
        return;
    free(dst->mount_from);
    dst->mount_from = strdup(src->repository); /* NULL on OOM: no mount, still correct */
}

int copa__dest_has_blob(copa__dest *dst, const copa__descriptor *d)
{
    /* Local stores check for a verified copy themselves when writing. */
    if (dst->transport != COPA_TRANSPORT_REGISTRY)
        return 0;
    return copa__registry_dest_has_blob(dst, d);
}

/* An oci: layout may be shared: what this write stored is noted for its commit or abort. */
static int noted(copa__dest *dst, const char *digest, int error, int created)
{
    if (error != 0 || dst->transport != COPA_TRANSPORT_OCI)
        return error;
    return copa__oci_layout_note_blob(&dst->layout, digest, created);
}

int copa__dest_put_blob(copa__dest *dst, const char *digest, copa__blob_reader *reader)
{
    int created, error;

    if (dst->transport == COPA_TRANSPORT_REGISTRY)
        return copa__registry_dest_put_blob(dst, digest, reader);
    error = copa__blob_store_reader(blob_root(dst), digest, reader, &created);
    return noted(dst, digest, error, created);
}

int copa__dest_put_buffer(copa__dest *dst, const char *digest, const void *data, size_t length)
{
    int created, error;

    if (dst->transport == COPA_TRANSPORT_REGISTRY)
        return copa__registry_dest_put_buffer(dst, digest, data, length);
    error = copa__blob_store_buffer(blob_root(dst), digest, data, length, &created);
    return noted(dst, digest, error, created);
}

int copa__dest_put_manifest(copa__dest *dst, const copa__doc *doc, const char *media_type)
{
    if (dst->transport == COPA_TRANSPORT_REGISTRY)
        return copa__registry_dest_put_manifest(dst, doc, media_type, 0);
    return copa__dest_put_buffer(dst, doc->digest, doc->raw, doc->raw_length);
}

int copa__dest_commit(copa__dest *dst, const copa__doc *top, const char *media_type,
                      const copa__manifest *manifest)
{
    int error;

    if (dst->transport == COPA_TRANSPORT_REGISTRY) {
        /* The tag moves only now, after every blob and child manifest is there. */
        if ((error = copa__registry_dest_put_manifest(dst, top, media_type, 1)) == 0)
            dst->committed = 1;
        return error;
    }
    if (dst->transport == COPA_TRANSPORT_DOCKER_ARCHIVE) {
        if (manifest == NULL)
            return copa__error_set(COPA_EUNSUPPORTED,
                                   "%s: a docker archive holds one platform; choose one with "
                                   "--platform",
                                   dst->ref->path);
        if ((error = copa__docker_archive_write_meta(dst->stage, dst->ref, manifest)) != 0)
            return error;
    } else {
        if ((error = copa__dest_put_buffer(dst, top->digest, top->raw, top->raw_length)) != 0)
            return error;
        if ((error = copa__oci_layout_set_tag(&dst->layout, dst->ref->tag, media_type, top->digest,
                                              (double)top->raw_length)) != 0 ||
            (error = copa__oci_layout_commit(&dst->layout)) != 0)
            return error;
    }
    if (dst->stage != NULL && (error = copa__archive_create(dst->ref->path, dst->stage)) != 0)
        return error;
    dst->committed = 1;
    return 0;
}

int copa__dest_wants_oci(const copa__dest *dst)
{
    return dst->transport == COPA_TRANSPORT_OCI || dst->transport == COPA_TRANSPORT_OCI_ARCHIVE;
}

void copa__dest_free(copa__dest *dst)
{
    if (dst == NULL)
        return;
    /* A failed oci: write takes back only what it made (others may share the layout). */
    if (dst->has_layout && !dst->committed && dst->transport == COPA_TRANSPORT_OCI)
        copa__oci_layout_abort(&dst->layout);
    if (dst->has_layout)
        copa__oci_layout_free(&dst->layout);
    if (dst->transport == COPA_TRANSPORT_REGISTRY)
        copa__registry_dest_close(dst);
    if (dst->stage != NULL)
        copa__remove_tree(dst->stage);
    free(dst->stage);
    copa_reference_free(dst->ref);
    free(dst);
}
