/*
 * Blob pushes: skip what exists, mount across repositories of the same
 * registry, else upload in one PUT or in PATCH chunks. Every path ends with
 * a HEAD that proves the blob is there, so the manifest PUT that follows
 * never names a missing blob.
 */
#include "registry/client.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct push {
    copa__registry *r;
    const char *registry, *repository, *digest;
    const copa__blob_source *source;
    char *scope;
    char *location; /* the upload session URL, absolute */
    char what[512];
} push;

/* Resolve a Location header against the registry (it may be a path). */
static int take_location(push *p, const copa__http_response *response)
{
    char *value = NULL;
    int rc;

    if (copa__http_header(&value, response, "Location") != 0)
        return copa__error_set(COPA_ERROR, "registry %s: %s: upload answer without Location",
                               p->registry, p->what);
    free(p->location);
    p->location = NULL;
    if (strncasecmp(value, "http://", 7) == 0 || strncasecmp(value, "https://", 8) == 0) {
        p->location = value;
        return 0;
    }
    rc = copa__registry_url(&p->location, p->r, p->registry, "%s%s", value[0] == '/' ? "" : "/",
                            value);
    free(value);
    return rc;
}

static int send_upload(push *p, const char *method, const char *url, const char *const *headers,
                       uint64_t offset, uint64_t length, copa__http_response *response)
{
    copa__http_request request = {0};

    request.method = method;
    request.url = url;
    request.headers = headers;
    request.body_length = length;
    if (length > 0) {
        if (p->source->data != NULL)
            request.body = (const char *)p->source->data + offset;
        else
            request.body_fd = p->source->fd, request.body_offset = offset;
    }
    return copa__registry_send(p->r, p->registry, p->scope, &request, response);
}

/* POST .../uploads/ (with mount= and from= when mounting). 1 mounted, 0 session opened. */
static int start_upload(push *p, const char *mount_from)
{
    copa__http_response response = {0};
    char *url = NULL;
    int rc;

    if (mount_from != NULL)
        rc = copa__registry_url(&url, p->r, p->registry, "/v2/%s/blobs/uploads/?mount=%s&from=%s",
                                p->repository, p->digest, mount_from);
    else
        rc = copa__registry_url(&url, p->r, p->registry, "/v2/%s/blobs/uploads/", p->repository);
    if (rc == 0)
        rc = send_upload(p, "POST", url, NULL, 0, 0, &response);
    if (rc == 0) {
        if (response.status == 201 && mount_from != NULL)
            rc = 1;
        else if (response.status == 202)
            rc = take_location(p, &response);
        else
            rc = copa__registry_status_error(&response, p->registry, p->what);
    }
    copa__http_response_free(&response);
    free(url);
    return rc;
}

static int digest_url(char **out, const push *p)
{
    const char *sep = strchr(p->location, '?') ? "&" : "?";
    return asprintf(out, "%s%sdigest=%s", p->location, sep, p->digest) < 0 ? copa__error_oom() : 0;
}

static int finish_upload(push *p, uint64_t offset, uint64_t length)
{
    static const char *const headers[] = {"Content-Type: application/octet-stream", NULL};
    copa__http_response response = {0};
    char *url = NULL;
    int rc = digest_url(&url, p);

    if (rc == 0)
        rc = send_upload(p, "PUT", url, headers, offset, length, &response);
    if (rc == 0 && response.status != 201)
        rc = copa__registry_status_error(&response, p->registry, p->what);
    copa__http_response_free(&response);
    free(url);
    return rc;
}

static int upload_chunks(push *p)
{
    uint64_t offset = 0, size = p->source->size, chunk = p->r->options.chunk_size;
    int rc = 0;

    while (rc == 0 && offset < size) {
        copa__http_response response = {0};
        uint64_t n = size - offset < chunk ? size - offset : chunk;
        char range[96];
        const char *headers[3] = {"Content-Type: application/octet-stream", range, NULL};

        /* Content-Range is inclusive: "first-last". */
        snprintf(range, sizeof(range), "Content-Range: %llu-%llu", (unsigned long long)offset,
                 (unsigned long long)(offset + n - 1));
        rc = send_upload(p, "PATCH", p->location, headers, offset, n, &response);
        if (rc == 0 && response.status != 202)
            rc = copa__registry_status_error(&response, p->registry, p->what);
        if (rc == 0)
            rc = take_location(p, &response);
        copa__http_response_free(&response);
        offset += n;
    }
    return rc == 0 ? finish_upload(p, 0, 0) : rc;
}

static int confirm(push *p)
{
    uint64_t size = 0;
    int rc = copa__registry_blob_head(&size, p->r, p->registry, p->repository, p->digest);

    if (rc != 0)
        return copa__error_prefix("after upload: ");
    if (size != p->source->size)
        return copa__error_set(COPA_EVERIFY, "registry %s: %s: stored with %llu bytes, not %llu",
                               p->registry, p->what, (unsigned long long)size,
                               (unsigned long long)p->source->size);
    return 0;
}

static int do_push(copa__push_outcome *outcome, push *p, const char *mount_from)
{
    int rc = copa__registry_blob_head(NULL, p->r, p->registry, p->repository, p->digest);

    if (rc == 0) {
        *outcome = COPA__PUSH_EXISTED;
        return 0;
    }
    if (rc != COPA_ENOTFOUND)
        return rc;
    rc = start_upload(p, mount_from);
    if (rc == 1) {
        *outcome = COPA__PUSH_MOUNTED;
        return confirm(p);
    }
    if (rc != 0)
        return rc;
    if (p->source->size <= p->r->options.monolithic_max) {
        *outcome = COPA__PUSH_MONOLITHIC;
        rc = finish_upload(p, 0, p->source->size);
    } else {
        *outcome = COPA__PUSH_CHUNKED;
        rc = upload_chunks(p);
    }
    return rc == 0 ? confirm(p) : rc;
}

int copa__registry_blob_push(copa__push_outcome *outcome, copa__registry *r, const char *registry,
                             const char *repository, const char *digest,
                             const copa__blob_source *source, const char *mount_from)
{
    copa__push_outcome ignored;
    push p = {r, registry, repository, digest, source, NULL, NULL, {0}};
    int rc;

    if (outcome == NULL)
        outcome = &ignored;
    if ((rc = copa__digest_validate(digest)) != 0)
        return copa__error_prefix("push blob %s: ", digest);
    if (mount_from != NULL && strcmp(mount_from, repository) == 0)
        mount_from = NULL;
    snprintf(p.what, sizeof(p.what), "push blob %s@%s", repository, digest);
    /* A mount needs pull on the source repository in the same token. */
    rc = mount_from != NULL ? asprintf(&p.scope, "repository:%s:pull,push repository:%s:pull",
                                       repository, mount_from)
                            : asprintf(&p.scope, "repository:%s:pull,push", repository);
    if (rc < 0)
        return copa__error_oom();
    rc = do_push(outcome, &p, mount_from);
    free(p.scope);
    free(p.location);
    return rc;
}

int copa__registry_blob_mount(copa__registry *r, const char *registry, const char *repository,
                              const char *digest, const char *mount_from)
{
    copa__blob_source unknown = {NULL, -1, 0};
    push p = {r, registry, repository, digest, &unknown, NULL, NULL, {0}};
    uint64_t size = 0;
    int rc;

    if ((rc = copa__digest_validate(digest)) != 0)
        return copa__error_prefix("mount blob %s: ", digest);
    snprintf(p.what, sizeof(p.what), "mount blob %s@%s from %s", repository, digest, mount_from);
    if (asprintf(&p.scope, "repository:%s:pull,push repository:%s:pull", repository, mount_from) <
        0)
        return copa__error_oom();
    rc = start_upload(&p, mount_from);
    if (rc == 1)
        rc = copa__registry_blob_head(&size, r, registry, repository, digest);
    else if (rc == 0)
        rc = COPA_ENOTFOUND;
    free(p.scope);
    free(p.location);
    return rc;
}

typedef struct image_push {
    copa__registry *r;
    const char *registry, *repository;
    const copa__push_blob *blobs;
    size_t count;
} image_push;

/* A blob the registry lost between its upload and the manifest PUT: push it again. */
static int reupload_blob(void *payload, const char *digest)
{
    const image_push *p = payload;
    size_t i;

    for (i = 0; i < p->count; i++)
        if (strcmp(p->blobs[i].digest, digest) == 0)
            return copa__registry_blob_push(NULL, p->r, p->registry, p->repository, digest,
                                            &p->blobs[i].source, p->blobs[i].mount_from);
    return copa__error_set(COPA_ENOTFOUND,
                           "registry %s: blob %s@%s is gone and is not one of "
                           "this push's",
                           p->registry, p->repository, digest);
}

int copa__registry_push_image(char digest[COPA_DIGEST_STRING_MAX], copa__registry *r,
                              const char *registry, const char *repository, const char *tag,
                              const copa__push_blob *blobs, size_t count, const char *media_type,
                              const void *manifest, size_t length)
{
    image_push self = {r, registry, repository, blobs, count};
    size_t i;
    int rc;

    for (i = 0; i < count; i++) {
        rc = copa__registry_blob_push(NULL, r, registry, repository, blobs[i].digest,
                                      &blobs[i].source, blobs[i].mount_from);
        if (rc != 0)
            return copa__error_prefix("push %s:%s: manifest not written: ", repository, tag);
    }
    return copa__registry_manifest_put_retrying(digest, r, registry, repository, tag, media_type,
                                                manifest, length, reupload_blob, &self);
}
