/*
 * Reading images from a registry (docker://REF). The top-level document is
 * fetched by tag or digest; every other manifest, config and layer is
 * fetched by digest into the blob cache (verified while streaming) and read
 * from there, so copa__source_blob works the same for every transport and
 * a second read of the same image costs no download.
 */
#include "image/blob_cache.h"
#include "image/transport.h"
#include "registry/registry.h"
#include "util/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Content types that say nothing about the manifest: look at its bytes. */
static int generic_type(const char *media_type)
{
    return media_type == NULL || *media_type == '\0' ||
           strncmp(media_type, "application/json", 16) == 0 ||
           strncmp(media_type, "text/plain", 10) == 0 ||
           strcmp(media_type, "application/octet-stream") == 0;
}

static int top_kind(copa__source *src, const copa__registry_manifest *m)
{
    copa__family family;
    int error;

    if (!generic_type(m->media_type) &&
        (error = copa__media_type_kind(&src->top_kind, &family, m->media_type)) != 0)
        return error;
    return copa__doc_detect(&src->top_kind, m->data, m->length);
}

int copa__registry_source_open(copa__source *src, const copa_reference *ref,
                               const copa__transport_options *options)
{
    copa__registry_manifest m;
    const char *which = ref->digest != NULL ? ref->digest : ref->tag;
    int error;

    if ((src->host = strdup(ref->registry)) == NULL ||
        (src->repository = strdup(ref->repository)) == NULL)
        return copa__error_oom();
    if ((error = copa__transport_registry_new(&src->registry, &src->ca_bundle, options,
                                              ref->registry)) != 0 ||
        (error = copa__blob_cache_open(&src->cache, options ? options->cache_dir : NULL)) != 0)
        return error;
    memset(&m, 0, sizeof(m));
    if ((error = copa__registry_manifest_get(&m, src->registry, src->host, src->repository,
                                             which != NULL ? which : "latest", NULL)) != 0)
        return copa__error_prefix("%s: ", ref->string);
    if ((error = top_kind(src, &m)) != 0) {
        copa__registry_manifest_free(&m);
        return copa__error_prefix("%s: ", ref->string);
    }
    src->top = m.data;
    src->top_length = m.length;
    snprintf(src->top_digest, sizeof(src->top_digest), "%s", m.digest);
    m.data = NULL;
    copa__registry_manifest_free(&m);
    return 0;
}

void copa__registry_source_close(copa__source *src)
{
    copa__registry_free(src->registry);
    copa__transport_bundle_free(src->ca_bundle);
    copa__blob_cache_free(src->cache);
    free(src->host);
    free(src->repository);
}

typedef struct fetch {
    copa__source *src;
    const char *digest;
    int fd;
} fetch;

static int write_fd(const void *data, size_t length, void *payload)
{
    const fetch *f = payload;
    const char *p = data;

    while (length > 0) {
        ssize_t n = write(f->fd, p, length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return copa__error_set(COPA_ERROR, "blob cache: write: %s", strerror(errno));
        p += n;
        length -= (size_t)n;
    }
    return 0;
}

/* A retried download starts the file over. */
static int reset_fd(void *payload)
{
    const fetch *f = payload;

    if (ftruncate(f->fd, 0) != 0 || lseek(f->fd, 0, SEEK_SET) != 0)
        return copa__error_set(COPA_ERROR, "blob cache: truncate: %s", strerror(errno));
    return 0;
}

static int fetch_blob(void *payload, int fd)
{
    fetch *f = payload;

    f->fd = fd;
    return copa__registry_blob_get(f->src->registry, f->src->host, f->src->repository, f->digest,
                                   write_fd, reset_fd, f);
}

static int fetch_manifest(void *payload, int fd)
{
    copa__registry_manifest m;
    fetch *f = payload;
    int error;

    f->fd = fd;
    memset(&m, 0, sizeof(m));
    /* By digest, the client checks the bytes hash to it. */
    if ((error = copa__registry_manifest_get(&m, f->src->registry, f->src->host, f->src->repository,
                                             f->digest, NULL)) == 0)
        error = write_fd(m.data, m.length, f);
    copa__registry_manifest_free(&m);
    return error;
}

int copa__registry_source_path(char **out, copa__source *src, const char *digest, double size,
                               int is_manifest)
{
    fetch f;
    int error = copa__blob_cache_lookup(out, src->cache, digest, size);

    if (error != COPA_ENOTFOUND)
        return error;
    f.src = src;
    f.digest = digest;
    f.fd = -1;
    error = copa__blob_cache_fill(out, src->cache, digest,
                                  is_manifest ? fetch_manifest : fetch_blob, &f);
    return error != 0 ? copa__error_prefix("%s: ", src->name) : 0;
}
