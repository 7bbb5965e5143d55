/*
 * Answering a registry's 401: Basic with the user's credentials, or a bearer
 * token from the challenge's realm (distribution token spec), cached per
 * (registry, scope) until `expires_in` runs out. Messages name the registry
 * and the user, never a password or token.
 */
#include "registry/client.h"
#include "util/error.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

enum { TOKEN_MAX = 1024 * 1024, HELPER_TIMEOUT_MS = 30000 };

static long long now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec;
}

static const char *scope_key(const char *scope)
{
    return scope != NULL ? scope : "";
}

const char *copa__registry_cached_auth(copa__registry *r, const char *registry, const char *scope)
{
    copa__auth_entry *e;
    const char *basic = NULL;

    for (e = r->auth; e != NULL; e = e->next) {
        if (strcasecmp(e->registry, registry) != 0)
            continue;
        if (e->expires != 0 && e->expires <= now_s())
            continue;
        if (strcmp(e->scope, scope_key(scope)) == 0)
            return e->authorization;
        if (strcmp(e->scope, "*") == 0)
            basic = e->authorization;
    }
    return basic;
}

static void entry_free(copa__auth_entry *e)
{
    explicit_bzero(e->authorization, strlen(e->authorization));
    free(e->authorization);
    free(e->registry);
    free(e->scope);
    free(e);
}

void copa__registry_drop_auth(copa__registry *r, const char *registry, const char *scope)
{
    copa__auth_entry **link = &r->auth;

    while (*link != NULL) {
        copa__auth_entry *e = *link;
        if (strcasecmp(e->registry, registry) == 0 &&
            (strcmp(e->scope, scope_key(scope)) == 0 || strcmp(e->scope, "*") == 0)) {
            *link = e->next;
            entry_free(e);
        } else {
            link = &e->next;
        }
    }
}

void copa__registry_auth_free_all(copa__registry *r)
{
    while (r->auth != NULL) {
        copa__auth_entry *e = r->auth;
        r->auth = e->next;
        entry_free(e);
    }
    while (r->creds != NULL) {
        copa__cred_entry *c = r->creds;
        r->creds = c->next;
        copa__credential_free(&c->credential);
        free(c->registry);
        free(c);
    }
}

/* Takes ownership of `authorization`. */
static int cache_auth(copa__registry *r, const char *registry, const char *scope,
                      char *authorization, long long expires)
{
    copa__auth_entry *e = calloc(1, sizeof(*e));

    if (e == NULL || (e->registry = strdup(registry)) == NULL ||
        (e->scope = strdup(scope)) == NULL) {
        if (e != NULL) {
            free(e->registry);
            free(e);
        }
        free(authorization);
        return copa__error_oom();
    }
    e->authorization = authorization;
    e->expires = expires;
    e->next = r->auth;
    r->auth = e;
    return 0;
}

/* Credentials for `registry`, looked up once per client. */
static int credentials_for(const copa__credential **out, copa__registry *r, const char *registry)
{
    copa__cred_entry *c;
    int rc;

    for (c = r->creds; c != NULL; c = c->next) {
        if (strcasecmp(c->registry, registry) == 0) {
            *out = &c->credential;
            return 0;
        }
    }
    if ((c = calloc(1, sizeof(*c))) == NULL || (c->registry = strdup(registry)) == NULL) {
        free(c);
        return copa__error_oom();
    }
    if ((rc = copa__credentials_find(&c->credential, registry, r->credentials)) != 0) {
        free(c->registry);
        free(c);
        return copa__error_prefix("registry %s: credentials: ", registry);
    }
    c->next = r->creds;
    r->creds = c;
    *out = &c->credential;
    return 0;
}

static int basic_value(char **out, const copa__credential *cred)
{
    size_t ulen = strlen(cred->username), plen = strlen(cred->password), n = ulen + 1 + plen;
    unsigned char *plain = malloc(n + 1);
    char *encoded = malloc(6 + 4 * ((n + 2) / 3) + 1);

    if (plain == NULL || encoded == NULL) {
        free(plain);
        free(encoded);
        return copa__error_oom();
    }
    memcpy(plain, cred->username, ulen);
    plain[ulen] = ':';
    memcpy(plain + ulen + 1, cred->password, plen);
    memcpy(encoded, "Basic ", 6);
    EVP_EncodeBlock((unsigned char *)encoded + 6, plain, (int)n);
    explicit_bzero(plain, n);
    free(plain);
    *out = encoded;
    return 0;
}

static int parse_token(char **token, long *expires_in, const copa__http_response *response,
                       const char *registry)
{
    cJSON *root = cJSON_ParseWithLength(response->body.data ? response->body.data : "",
                                        response->body.length);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "token");
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "expires_in");
    int rc = 0;

    if (!cJSON_IsString(t) || t->valuestring[0] == '\0')
        t = cJSON_GetObjectItemCaseSensitive(root, "access_token");
    /* The token spec: expires_in defaults to, and is at least, 60 seconds. */
    *expires_in = cJSON_IsNumber(e) && e->valuedouble >= 60 ? (long)e->valuedouble : 60;
    if (!cJSON_IsString(t) || t->valuestring[0] == '\0')
        rc = copa__error_set(COPA_EAUTH, "registry %s: the token server's answer has no token",
                             registry);
    else if (asprintf(token, "Bearer %s", t->valuestring) < 0)
        rc = copa__error_oom();
    if (cJSON_IsString(t))
        explicit_bzero(t->valuestring, strlen(t->valuestring));
    cJSON_Delete(root);
    return rc;
}

/* realm?service=...&scope=...&scope=... with every value escaped. */
static int token_url(char **out, const copa__auth_challenge *c, const char *scope)
{
    copa__buf url = COPA__BUF_INIT;
    char sep = strchr(c->realm, '?') ? '&' : '?';
    int rc = copa__buf_append_str(&url, c->realm);

    if (rc == 0 && c->service != NULL) {
        char *v = curl_easy_escape(NULL, c->service, 0);
        rc = v ? copa__buf_appendf(&url, "%cservice=%s", sep, v) : COPA_ENOMEM;
        curl_free(v);
        sep = '&';
    }
    while (rc == 0 && scope != NULL && *scope != '\0') {
        size_t n = strcspn(scope, " ");
        char *v = curl_easy_escape(NULL, scope, (int)n);
        rc = v ? copa__buf_appendf(&url, "%cscope=%s", sep, v) : COPA_ENOMEM;
        curl_free(v);
        sep = '&';
        scope += n;
        while (*scope == ' ')
            scope++;
    }
    if (rc != 0) {
        copa__buf_free(&url);
        return copa__error_oom();
    }
    *out = copa__buf_detach(&url);
    return 0;
}

static int fetch_token(copa__registry *r, const char *registry, const char *scope,
                       const copa__auth_challenge *c, const copa__credential *cred)
{
    copa__http_request request = {0};
    copa__http_response response;
    char *url = NULL, *basic = NULL, *token = NULL;
    long expires_in = 60;
    int rc;

    if (c->realm == NULL ||
        (strncasecmp(c->realm, "https://", 8) != 0 && strncasecmp(c->realm, "http://", 7) != 0))
        return copa__error_set(COPA_EAUTH, "registry %s: bearer challenge without an http(s) realm",
                               registry);
    /* Credentials travel to a plain-HTTP realm only for a registry named insecure. */
    if (strncasecmp(c->realm, "http://", 7) == 0 && !copa__registry_is_insecure(r, registry))
        return copa__error_set(COPA_EAUTH, "registry %s: token realm is not HTTPS", registry);
    if ((rc = token_url(&url, c, scope)) != 0)
        return rc;
    if (cred->username != NULL && (rc = basic_value(&basic, cred)) != 0) {
        free(url);
        return rc;
    }
    request.method = "GET";
    request.url = url;
    request.authorization = basic;
    rc = copa__http_perform(&r->options.http, &request, &response);
    if (rc != 0)
        rc = copa__error_prefix("registry %s: token: ", registry);
    else if ((response.status == 401 || response.status == 403) && cred->username != NULL)
        rc = copa__error_set(COPA_EAUTH,
                             "registry %s: token server refused the credentials of user '%s' "
                             "(HTTP %ld)",
                             registry, cred->username, response.status);
    else if (response.status == 401 || response.status == 403)
        rc = copa__error_set(COPA_EAUTH,
                             "registry %s: token server refused anonymous access (HTTP %ld); "
                             "log in first",
                             registry, response.status);
    else if (response.status != 200)
        rc = copa__registry_status_error(&response, registry, "token");
    else if ((rc = parse_token(&token, &expires_in, &response, registry)) == 0)
        rc = cache_auth(r, registry, scope_key(scope), token, now_s() + expires_in - 5);
    if (basic != NULL)
        explicit_bzero(basic, strlen(basic));
    free(basic);
    free(url);
    copa__http_response_free(&response);
    return rc;
}

int copa__registry_authenticate(copa__registry *r, const char *registry, const char *scope,
                                const copa__http_response *unauthorized)
{
    copa__auth_challenge challenge;
    const copa__credential *cred = NULL;
    char *header = NULL, *basic = NULL;
    int rc;

    if (copa__http_header(&header, unauthorized, "WWW-Authenticate") != 0)
        return copa__error_set(COPA_EAUTH, "registry %s: HTTP 401 without a challenge", registry);
    rc = copa__auth_challenge_parse(&challenge, header);
    free(header);
    if (rc != 0)
        return copa__error_prefix("registry %s: ", registry);
    if ((rc = credentials_for(&cred, r, registry)) != 0) {
        copa__auth_challenge_free(&challenge);
        return rc;
    }
    if (strcasecmp(challenge.scheme, "Bearer") == 0) {
        rc = fetch_token(r, registry, scope, &challenge, cred);
    } else if (cred->username == NULL) {
        rc = copa__error_set(COPA_EAUTH, "registry %s: requires credentials (none configured)",
                             registry);
    } else if ((rc = basic_value(&basic, cred)) == 0) {
        rc = cache_auth(r, registry, "*", basic, 0);
    }
    copa__auth_challenge_free(&challenge);
    return rc;
}
