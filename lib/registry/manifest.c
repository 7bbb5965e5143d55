/*
 * Manifests: GET and HEAD with the Accept list for OCI and Docker schema 2,
 * digest checks on every fetch, and PUT.
 */
#include "registry/client.h"
#include "util/error.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MANIFEST_MAX = 8 * 1024 * 1024 };

static const char *const default_accept[] = {COPA_MEDIA_OCI_MANIFEST, COPA_MEDIA_OCI_INDEX,
                                             COPA_MEDIA_DOCKER_MANIFEST, COPA_MEDIA_DOCKER_LIST,
                                             NULL};

void copa__registry_manifest_free(copa__registry_manifest *manifest)
{
    if (manifest == NULL)
        return;
    free(manifest->data);
    free(manifest->media_type);
    memset(manifest, 0, sizeof(*manifest));
}

/* A reference with ':' is a digest and must be a valid one. 1, 0 or an error. */
static int reference_is_digest(const char *reference)
{
    if (strchr(reference, ':') == NULL)
        return 0;
    return copa__digest_validate(reference) == 0 ? 1 : copa_error_last_code();
}

static int accept_header(char **out, const char *const *accept)
{
    copa__buf buf = COPA__BUF_INIT;
    size_t i;
    int rc = copa__buf_append_str(&buf, "Accept: ");

    for (i = 0; rc == 0 && accept[i] != NULL; i++)
        rc = copa__buf_appendf(&buf, "%s%s", i ? ", " : "", accept[i]);
    if (rc != 0) {
        copa__buf_free(&buf);
        return copa__error_oom();
    }
    *out = copa__buf_detach(&buf);
    return 0;
}

/* Content-Type without parameters, else the manifest's own "mediaType". */
static char *media_type_of(const copa__http_response *response, const char *data, size_t length)
{
    char *type = NULL;
    cJSON *root;
    const cJSON *m;

    if (copa__http_header(&type, response, "Content-Type") == 0) {
        type[strcspn(type, "; ")] = '\0';
        if (strcmp(type, "application/json") != 0 && type[0] != '\0')
            return type;
        free(type);
        type = NULL;
    }
    root = cJSON_ParseWithLength(data, length);
    m = cJSON_GetObjectItemCaseSensitive(root, "mediaType");
    if (cJSON_IsString(m))
        type = strdup(m->valuestring);
    cJSON_Delete(root);
    return type;
}

/* The digest the bytes have must be the one asked for and the one the registry claims. */
static int check_digest(const copa__http_response *response, const char *registry, const char *what,
                        const char *reference, int by_digest)
{
    char *claimed = NULL;
    int rc = 0;

    if (by_digest && strcmp(response->digest, reference) != 0)
        return copa__error_set(COPA_EVERIFY, "registry %s: %s: content has digest %s, not %s",
                               registry, what, response->digest, reference);
    if (copa__http_header(&claimed, response, "Docker-Content-Digest") == 0 &&
        strncmp(claimed, "sha256:", 7) == 0 && strcmp(claimed, response->digest) != 0)
        rc = copa__error_set(COPA_EVERIFY,
                             "registry %s: %s: content has digest %s but the registry says %s",
                             registry, what, response->digest, claimed);
    free(claimed);
    return rc;
}

int copa__registry_manifest_get(copa__registry_manifest *out, copa__registry *r,
                                const char *registry, const char *repository, const char *reference,
                                const char *const *accept)
{
    copa__http_request request = {0};
    copa__http_response response = {0};
    char *url = NULL, *accept_line = NULL, *scope = NULL, what[512];
    const char *headers[2] = {NULL, NULL};
    int by_digest = reference_is_digest(reference), rc;

    memset(out, 0, sizeof(*out));
    if (by_digest < 0)
        return copa__error_prefix("manifest %s@%s: ", repository, reference);
    snprintf(what, sizeof(what), "manifest %s%c%s", repository, by_digest ? '@' : ':', reference);
    if ((rc = copa__registry_url(&url, r, registry, "/v2/%s/manifests/%s", repository,
                                 reference)) != 0 ||
        (rc = accept_header(&accept_line, accept ? accept : default_accept)) != 0 ||
        (rc = asprintf(&scope, "repository:%s:pull", repository) < 0 ? copa__error_oom() : 0))
        goto done;
    headers[0] = accept_line;
    request.method = "GET";
    request.url = url;
    request.headers = headers;
    request.max_body = MANIFEST_MAX;
    if ((rc = copa__registry_send(r, registry, scope, &request, &response)) != 0)
        goto done;
    if (response.status != 200) {
        rc = copa__registry_status_error(&response, registry, what);
        goto done;
    }
    if ((rc = check_digest(&response, registry, what, reference, by_digest)) != 0)
        goto done;
    memcpy(out->digest, response.digest, sizeof(out->digest));
    out->media_type = media_type_of(&response, response.body.data ? response.body.data : "",
                                    response.body.length);
    out->length = response.body.length;
    out->data = response.body.data ? copa__buf_detach(&response.body) : strdup("");
    if (out->data == NULL)
        rc = copa__error_oom();
done:
    if (rc != 0)
        copa__registry_manifest_free(out);
    copa__http_response_free(&response);
    free(url);
    free(accept_line);
    free(scope);
    return rc;
}

int copa__registry_manifest_head(char digest[COPA_DIGEST_STRING_MAX], char **media_type,
                                 uint64_t *size, copa__registry *r, const char *registry,
                                 const char *repository, const char *reference)
{
    copa__http_request request = {0};
    copa__http_response response = {0};
    char *url = NULL, *accept_line = NULL, *scope = NULL, *value = NULL, what[512];
    const char *headers[2] = {NULL, NULL};
    int rc;

    digest[0] = '\0';
    if (media_type != NULL)
        *media_type = NULL;
    snprintf(what, sizeof(what), "manifest %s:%s", repository, reference);
    if ((rc = copa__registry_url(&url, r, registry, "/v2/%s/manifests/%s", repository,
                                 reference)) != 0 ||
        (rc = accept_header(&accept_line, default_accept)) != 0 ||
        (rc = asprintf(&scope, "repository:%s:pull", repository) < 0 ? copa__error_oom() : 0))
        goto done;
    headers[0] = accept_line;
    request.method = "HEAD";
    request.url = url;
    request.headers = headers;
    if ((rc = copa__registry_send(r, registry, scope, &request, &response)) != 0)
        goto done;
    if (response.status != 200) {
        rc = copa__registry_status_error(&response, registry, what);
        goto done;
    }
    if (copa__http_header(&value, &response, "Docker-Content-Digest") == 0 &&
        copa__digest_validate(value) == 0)
        snprintf(digest, COPA_DIGEST_STRING_MAX, "%s", value);
    free(value);
    value = NULL;
    if (size != NULL && copa__http_header(&value, &response, "Content-Length") == 0)
        *size = strtoull(value, NULL, 10);
    free(value);
    if (media_type != NULL && copa__http_header(media_type, &response, "Content-Type") == 0)
        (*media_type)[strcspn(*media_type, "; ")] = '\0';
done:
    copa__http_response_free(&response);
    free(url);
    free(accept_line);
    free(scope);
    return rc;
}

int copa__registry_manifest_put(char digest[COPA_DIGEST_STRING_MAX], copa__registry *r,
                                const char *registry, const char *repository, const char *reference,
                                const char *media_type, const void *data, size_t length)
{
    return copa__registry_manifest_put_once(digest, NULL, r, registry, repository, reference,
                                            media_type, data, length);
}

int copa__registry_manifest_put_once(char digest[COPA_DIGEST_STRING_MAX], int *digest_invalid,
                                     copa__registry *r, const char *registry,
                                     const char *repository, const char *reference,
                                     const char *media_type, const void *data, size_t length)
{
    copa__http_request request = {0};
    copa__http_response response = {0};
    unsigned char raw[COPA_SHA256_LEN];
    char *url = NULL, *type = NULL, *scope = NULL, *claimed = NULL, ours[COPA_DIGEST_STRING_MAX];
    char what[512];
    const char *headers[2] = {NULL, NULL};
    int rc;

    if (digest_invalid != NULL)
        *digest_invalid = 0;
    snprintf(what, sizeof(what), "PUT manifest %s:%s", repository, reference);
    if ((rc = copa__sha256_buffer(raw, data, length)) != 0)
        return rc;
    copa__digest_format(ours, raw);
    if (digest != NULL)
        memcpy(digest, ours, sizeof(ours));
    if ((rc = copa__registry_url(&url, r, registry, "/v2/%s/manifests/%s", repository,
                                 reference)) != 0 ||
        (rc = asprintf(&type, "Content-Type: %s", media_type) < 0 ? copa__error_oom() : 0) ||
        (rc = asprintf(&scope, "repository:%s:pull,push", repository) < 0 ? copa__error_oom() : 0))
        goto done;
    headers[0] = type;
    request.method = "PUT";
    request.url = url;
    request.headers = headers;
    request.body = data;
    request.body_length = length;
    if ((rc = copa__registry_send(r, registry, scope, &request, &response)) != 0)
        goto done;
    if (response.status != 201 && response.status != 200) {
        if (digest_invalid != NULL)
            *digest_invalid = copa__registry_digest_invalid(&response);
        rc = copa__registry_status_error(&response, registry, what);
        goto done;
    }
    if (copa__http_header(&claimed, &response, "Docker-Content-Digest") == 0 &&
        strncmp(claimed, "sha256:", 7) == 0 && strcmp(claimed, ours) != 0)
        rc = copa__error_set(COPA_EVERIFY, "registry %s: %s: stored as %s, sent %s", registry, what,
                             claimed, ours);
done:
    copa__http_response_free(&response);
    free(claimed);
    free(url);
    free(type);
    free(scope);
    return rc;
}
