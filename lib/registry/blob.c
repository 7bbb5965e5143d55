/*
 * Blob reads: HEAD for existence, GET streamed through the caller's
 * callback while the net layer hashes it; the digest decides at the end.
 */
#include "registry/client.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int blob_request(copa__http_response *response, copa__registry *r, const char *registry,
                        const char *repository, const char *digest, copa__http_request *request)
{
    char *url = NULL, *scope = NULL;
    int rc;

    memset(response, 0, sizeof(*response));
    if ((rc = copa__digest_validate(digest)) != 0)
        return copa__error_prefix("blob %s@%s: ", repository, digest);
    if ((rc = copa__registry_url(&url, r, registry, "/v2/%s/blobs/%s", repository, digest)) != 0)
        return rc;
    if (asprintf(&scope, "repository:%s:pull", repository) < 0) {
        free(url);
        return copa__error_oom();
    }
    request->url = url;
    /* Blobs are often served by a storage host: follow, without our Authorization. */
    request->follow_redirects = 1;
    rc = copa__registry_send(r, registry, scope, request, response);
    free(url);
    free(scope);
    return rc;
}

int copa__registry_blob_head(uint64_t *size, copa__registry *r, const char *registry,
                             const char *repository, const char *digest)
{
    copa__http_request request = {0};
    copa__http_response response;
    char what[512], *length = NULL;
    int rc;

    request.method = "HEAD";
    rc = blob_request(&response, r, registry, repository, digest, &request);
    snprintf(what, sizeof(what), "blob %s@%s", repository, digest);
    if (rc == 0 && response.status != 200)
        rc = copa__registry_status_error(&response, registry, what);
    if (rc == 0 && size != NULL) {
        *size = 0;
        if (copa__http_header(&length, &response, "Content-Length") == 0)
            *size = strtoull(length, NULL, 10);
        free(length);
    }
    copa__http_response_free(&response);
    return rc;
}

int copa__registry_blob_get(copa__registry *r, const char *registry, const char *repository,
                            const char *digest, copa__http_write_fn write,
                            copa__http_reset_fn reset, void *payload)
{
    copa__http_request request = {0};
    copa__http_response response;
    char what[512];
    int rc;

    request.method = "GET";
    request.write = write;
    request.reset = reset;
    request.payload = payload;
    rc = blob_request(&response, r, registry, repository, digest, &request);
    snprintf(what, sizeof(what), "blob %s@%s", repository, digest);
    if (rc == 0 && response.status != 200)
        rc = copa__registry_status_error(&response, registry, what);
    if (rc == 0 && strcmp(response.digest, digest) != 0)
        rc = copa__error_set(
            COPA_EVERIFY, "registry %s: %s: content has digest %s (%llu bytes); rejected", registry,
            what, response.digest, (unsigned long long)response.body_length);
    copa__http_response_free(&response);
    return rc;
}

typedef struct memory_sink {
    copa__buf buf;
    size_t max;
} memory_sink;

static int sink_write(const void *data, size_t length, void *payload)
{
    memory_sink *sink = payload;

    if (sink->buf.length + length > sink->max)
        return copa__error_set(COPA_EINVALID, "blob larger than %zu bytes", sink->max);
    return copa__buf_append(&sink->buf, data, length);
}

static int sink_reset(void *payload)
{
    copa__buf_clear(&((memory_sink *)payload)->buf);
    return 0;
}

int copa__registry_blob_get_buffer(char **out, size_t *length, copa__registry *r,
                                   const char *registry, const char *repository, const char *digest,
                                   size_t max_size)
{
    memory_sink sink = {COPA__BUF_INIT, max_size};
    int rc =
        copa__registry_blob_get(r, registry, repository, digest, sink_write, sink_reset, &sink);

    *out = NULL;
    *length = 0;
    if (rc != 0) {
        copa__buf_free(&sink.buf);
        return rc;
    }
    *length = sink.buf.length;
    *out = sink.buf.data != NULL ? copa__buf_detach(&sink.buf) : strdup("");
    return *out != NULL ? 0 : copa__error_oom();
}
