/*
 * The registry client: construction, URLs, the authenticated request and
 * the mapping of HTTP statuses to error codes.
 */
#include "registry/client.h"
#include "util/error.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *dup_or_null(const char *s, int *failed)
{
    char *copy;

    if (s == NULL)
        return NULL;
    if ((copy = strdup(s)) == NULL)
        *failed = 1;
    return copy;
}

int copa__registry_new(copa__registry **out, const copa__registry_options *options)
{
    copa__registry *r = calloc(1, sizeof(*r));
    size_t n = 0, i;
    int failed = 0;

    *out = NULL;
    if (r == NULL)
        return copa__error_oom();
    r->options = *options;
    r->credentials = dup_or_null(options->credentials, &failed);
    r->ca_file = dup_or_null(options->http.ca_file, &failed);
    r->ca_dir = dup_or_null(options->http.ca_dir, &failed);
    r->ca_host = dup_or_null(options->http.ca_host, &failed);
    r->options.credentials = r->credentials;
    r->options.http.ca_file = r->ca_file;
    r->options.http.ca_dir = r->ca_dir;
    r->options.http.ca_host = r->ca_host;
    while (options->insecure_registries != NULL && options->insecure_registries[n] != NULL)
        n++;
    if ((r->insecure = calloc(n + 1, sizeof(char *))) == NULL)
        failed = 1;
    for (i = 0; i < n && !failed; i++)
        r->insecure[i] = dup_or_null(options->insecure_registries[i], &failed);
    r->options.insecure_registries = (const char *const *)r->insecure;
    if (r->options.chunk_size == 0)
        r->options.chunk_size = 8 * 1024 * 1024;
    if (r->options.monolithic_max == 0)
        r->options.monolithic_max = 32 * 1024 * 1024;
    if (failed) {
        copa__registry_free(r);
        return copa__error_oom();
    }
    *out = r;
    return 0;
}

void copa__registry_free(copa__registry *r)
{
    size_t i;

    if (r == NULL)
        return;
    copa__registry_auth_free_all(r);
    if (r->credentials != NULL)
        explicit_bzero(r->credentials, strlen(r->credentials));
    free(r->credentials);
    free(r->ca_file);
    free(r->ca_dir);
    free(r->ca_host);
    for (i = 0; r->insecure != NULL && r->insecure[i] != NULL; i++)
        free(r->insecure[i]);
    free(r->insecure);
    free(r);
}

int copa__registry_is_insecure(const copa__registry *r, const char *registry)
{
    size_t i;

    for (i = 0; r->insecure[i] != NULL; i++) {
        if (strcasecmp(r->insecure[i], registry) == 0)
            return 1;
    }
    return 0;
}

int copa__registry_url(char **out, const copa__registry *r, const char *registry, const char *fmt,
                       ...)
{
    const char *host = strcasecmp(registry, "docker.io") == 0 ? "registry-1.docker.io" : registry;
    char *path = NULL;
    va_list ap;
    int n;

    *out = NULL;
    va_start(ap, fmt);
    n = vasprintf(&path, fmt, ap);
    va_end(ap);
    if (n < 0)
        return copa__error_oom();
    n = asprintf(out, "%s://%s%s", copa__registry_is_insecure(r, registry) ? "http" : "https", host,
                 path);
    free(path);
    if (n < 0) {
        *out = NULL;
        return copa__error_oom();
    }
    return 0;
}

/* A second 401, after answering the challenge: the credentials are wrong. */
static int refused(copa__registry *r, const char *registry)
{
    copa__cred_entry *c;

    for (c = r->creds; c != NULL; c = c->next) {
        if (strcasecmp(c->registry, registry) == 0 && c->credential.username != NULL)
            return copa__error_set(COPA_EAUTH,
                                   "registry %s: credentials of user '%s' refused (HTTP 401)",
                                   registry, c->credential.username);
    }
    return copa__error_set(COPA_EAUTH, "registry %s: authentication refused (HTTP 401)", registry);
}

int copa__registry_send(copa__registry *r, const char *registry, const char *scope,
                        copa__http_request *request, copa__http_response *response)
{
    int attempt, rc;

    /* Two attempts at most: with what is cached, then with a fresh answer to the challenge. */
    for (attempt = 0; attempt < 2; attempt++) {
        request->authorization = copa__registry_cached_auth(r, registry, scope);
        rc = copa__http_perform(&r->options.http, request, response);
        if (rc != 0)
            return copa__error_prefix("registry %s: ", registry);
        if (response->status != 401)
            return 0;
        if (attempt == 1)
            return refused(r, registry);
        copa__registry_drop_auth(r, registry, scope);
        rc = copa__registry_authenticate(r, registry, scope, response);
        if (rc != 0)
            return rc;
        copa__http_response_free(response);
    }
    return 0;
}

/* The first "message" of a registry's {"errors":[{"code","message"}]} body, or "". */
static void registry_message(char *out, size_t size, int *digest_invalid,
                             const copa__http_response *response)
{
    cJSON *root, *errors, *first, *code, *message;

    out[0] = '\0';
    if (response->body.data == NULL)
        return;
    root = cJSON_ParseWithLength(response->body.data, response->body.length);
    errors = cJSON_GetObjectItemCaseSensitive(root, "errors");
    first = cJSON_GetArrayItem(errors, 0);
    code = cJSON_GetObjectItemCaseSensitive(first, "code");
    message = cJSON_GetObjectItemCaseSensitive(first, "message");
    *digest_invalid = cJSON_IsString(code) && strcmp(code->valuestring, "DIGEST_INVALID") == 0;
    if (cJSON_IsString(code) && cJSON_IsString(message))
        snprintf(out, size, " (%s: %s)", code->valuestring, message->valuestring);
    else if (cJSON_IsString(code))
        snprintf(out, size, " (%s)", code->valuestring);
    cJSON_Delete(root);
}

int copa__registry_digest_invalid(const copa__http_response *response)
{
    char detail[512];
    int digest_invalid = 0;

    registry_message(detail, sizeof(detail), &digest_invalid, response);
    return digest_invalid;
}

int copa__registry_status_error(const copa__http_response *response, const char *registry,
                                const char *what)
{
    char detail[512];
    long status = response->status;
    int digest_invalid = 0;

    registry_message(detail, sizeof(detail), &digest_invalid, response);
    if (digest_invalid)
        return copa__error_set(COPA_EVERIFY,
                               "registry %s: %s: the registry found a digest "
                               "mismatch%s",
                               registry, what, detail);
    if (status == 401 || status == 403)
        return copa__error_set(COPA_EAUTH, "registry %s: %s: access denied (HTTP %ld)%s", registry,
                               what, status, detail);
    if (status == 404)
        return copa__error_set(COPA_ENOTFOUND, "registry %s: %s: not found%s", registry, what,
                               detail);
    if (status == 400 || status == 405 || status == 413 || status == 415 || status == 416)
        return copa__error_set(COPA_ERROR, "registry %s: %s: refused (HTTP %ld)%s", registry, what,
                               status, detail);
    return copa__error_set(COPA_ENETWORK, "registry %s: %s: unexpected HTTP status %ld%s", registry,
                           what, status, detail);
}

int copa__registry_ping(copa__registry *r, const char *registry)
{
    copa__http_request request = {0};
    copa__http_response response;
    char *url = NULL;
    int rc;

    if ((rc = copa__registry_url(&url, r, registry, "/v2/")) != 0)
        return rc;
    request.method = "GET";
    request.url = url;
    rc = copa__registry_send(r, registry, NULL, &request, &response);
    if (rc == 0 && response.status != 200)
        rc = copa__registry_status_error(&response, registry, "GET /v2/");
    copa__http_response_free(&response);
    free(url);
    return rc;
}
