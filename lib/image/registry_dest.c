/*
 * Writing images to a registry (docker://REF). Blobs first (skipped when
 * the repository has them, mounted from the source repository when it is
 * on the same registry, uploaded otherwise: in one PUT or in chunks), then
 * the manifests an index names, by digest, and last the top-level document
 * under the tag. Until that last PUT the tag is untouched, so a failed push
 * leaves it as it was. A manifest PUT refused with DIGEST_INVALID is
 * retried (copa__registry_manifest_put_retrying), with the blobs this push
 * uploaded at hand in case the registry lost one.
 */
#include "image/transport.h"
#include "registry/registry.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A blob this push uploaded: where its bytes are (a file, or a copy of a small buffer). */
typedef struct copa__pushed_blob {
    char digest[COPA_DIGEST_STRING_MAX];
    char *path;
    void *data;
    size_t length;
} copa__pushed_blob;

enum { REMEMBERED_BUFFER_MAX = 4 * 1024 * 1024 };

/* Note an uploaded blob; forgetting one (no memory) only loses the re-upload. */
static void remember(copa__dest *dst, const char *digest, const char *path, const void *data,
                     size_t length)
{
    copa__pushed_blob *grown, *b;

    if (data != NULL && length > REMEMBERED_BUFFER_MAX)
        return;
    grown = realloc(dst->pushed, (dst->pushed_count + 1) * sizeof(*grown));
    if (grown == NULL)
        return;
    dst->pushed = grown;
    b = &grown[dst->pushed_count];
    memset(b, 0, sizeof(*b));
    snprintf(b->digest, sizeof(b->digest), "%s", digest);
    b->path = path != NULL ? strdup(path) : NULL;
    b->data = data != NULL ? malloc(length ? length : 1) : NULL;
    if ((path != NULL && b->path == NULL) || (data != NULL && b->data == NULL)) {
        free(b->path);
        free(b->data);
        return;
    }
    if (data != NULL)
        memcpy(b->data, data, length);
    b->length = length;
    dst->pushed_count++;
}

static int push_file(copa__dest *dst, const char *digest, const char *path)
{
    copa__blob_source source;
    struct stat st;
    int error, fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0) {
        error = copa__error_set(COPA_ERROR, "blob %s: %s: %s", digest, path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return error;
    }
    memset(&source, 0, sizeof(source));
    source.fd = fd;
    source.size = (uint64_t)st.st_size;
    error = copa__registry_blob_push(NULL, dst->registry, dst->ref->registry, dst->ref->repository,
                                     digest, &source, dst->mount_from);
    close(fd);
    return error;
}

static int push_buffer(copa__dest *dst, const char *digest, const void *data, size_t length)
{
    copa__blob_source source;

    memset(&source, 0, sizeof(source));
    source.data = data;
    source.fd = -1;
    source.size = length;
    return copa__registry_blob_push(NULL, dst->registry, dst->ref->registry, dst->ref->repository,
                                    digest, &source, NULL);
}

/*
 * The manifest PUT's retry found `digest` missing: upload it again from
 * where this push took it, or mount it again from the source repository.
 */
static int reupload(void *payload, const char *digest)
{
    copa__dest *dst = payload;
    size_t i;

    for (i = 0; i < dst->pushed_count; i++) {
        const copa__pushed_blob *b = &dst->pushed[i];

        if (strcmp(b->digest, digest) != 0)
            continue;
        return b->path != NULL ? push_file(dst, digest, b->path)
                               : push_buffer(dst, digest, b->data, b->length);
    }
    if (dst->mount_from != NULL)
        return copa__registry_blob_mount(dst->registry, dst->ref->registry, dst->ref->repository,
                                         digest, dst->mount_from);
    return copa__error_set(COPA_ENOTFOUND,
                           "%s: blob %s vanished from the repository before the "
                           "manifest was written",
                           dst->ref->string, digest);
}

int copa__registry_dest_open(copa__dest *dst, const copa__transport_options *options)
{
    int error =
        copa__transport_registry_new(&dst->registry, &dst->ca_bundle, options, dst->ref->registry);

    if (error != 0)
        return error;
    /* Fail on TLS or credentials before any blob is read from the source. */
    if ((error = copa__registry_ping(dst->registry, dst->ref->registry)) != 0)
        return copa__error_prefix("%s: ", dst->ref->string);
    return 0;
}

void copa__registry_dest_close(copa__dest *dst)
{
    size_t i;

    for (i = 0; i < dst->pushed_count; i++) {
        free(dst->pushed[i].path);
        free(dst->pushed[i].data);
    }
    free(dst->pushed);
    copa__registry_free(dst->registry);
    copa__transport_bundle_free(dst->ca_bundle);
    free(dst->mount_from);
}

int copa__registry_dest_has_blob(copa__dest *dst, const copa__descriptor *d)
{
    const char *registry = dst->ref->registry, *repository = dst->ref->repository;
    int error = copa__registry_blob_head(NULL, dst->registry, registry, repository, d->digest);

    if (error == 0)
        return 1;
    if (error != COPA_ENOTFOUND)
        return copa__error_prefix("%s: ", dst->ref->string);
    if (dst->mount_from == NULL)
        return 0;
    /* Mounted: the source's bytes are not needed. Refused: they are. */
    error =
        copa__registry_blob_mount(dst->registry, registry, repository, d->digest, dst->mount_from);
    return error == 0 ? 1 : error == COPA_ENOTFOUND ? 0 : error;
}

int copa__registry_dest_put_blob(copa__dest *dst, const char *digest, copa__blob_reader *reader)
{
    const char *path = copa__blob_reader_path(reader);
    int error;

    /* Never upload bytes that do not match their digest. */
    if ((error = copa__blob_reader_verify(reader)) != 0)
        return error;
    if ((error = push_file(dst, digest, path)) != 0)
        return copa__error_prefix("%s: ", dst->ref->string);
    remember(dst, digest, path, NULL, 0);
    return 0;
}

int copa__registry_dest_put_buffer(copa__dest *dst, const char *digest, const void *data,
                                   size_t length)
{
    int error = copa__digest_verify_buffer(digest, data, length);

    if (error != 0)
        return error;
    if ((error = push_buffer(dst, digest, data, length)) != 0)
        return copa__error_prefix("%s: ", dst->ref->string);
    remember(dst, digest, NULL, data, length);
    return 0;
}

int copa__registry_dest_put_manifest(copa__dest *dst, const copa__doc *doc, const char *media_type,
                                     int tagged)
{
    char digest[COPA_DIGEST_STRING_MAX];
    const char *reference = doc->digest;
    int error;

    if (tagged && dst->ref->tag != NULL)
        reference = dst->ref->tag;
    else if (tagged && dst->ref->digest != NULL && strcmp(dst->ref->digest, doc->digest) != 0)
        return copa__error_set(COPA_EINVALID, "%s: the image has digest %s, not the one named",
                               dst->ref->string, doc->digest);
    error = copa__registry_manifest_put_retrying(digest, dst->registry, dst->ref->registry,
                                                 dst->ref->repository, reference, media_type,
                                                 doc->raw, doc->raw_length, reupload, dst);
    if (error != 0)
        return copa__error_prefix("%s: ", dst->ref->string);
    if (strcmp(digest, doc->digest) != 0)
        return copa__error_set(COPA_EVERIFY, "%s: manifest pushed as %s, expected %s",
                               dst->ref->string, digest, doc->digest);
    return 0;
}
