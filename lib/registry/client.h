/*
 * Internal to lib/registry: the client's state and the authenticated
 * request that manifest.c, blob.c and upload.c build on.
 */
#ifndef COPA_LIB_REGISTRY_CLIENT_H
#define COPA_LIB_REGISTRY_CLIENT_H

#include "registry/auth.h"
#include "registry/registry.h"

typedef struct copa__auth_entry {
    struct copa__auth_entry *next;
    char *registry;
    char *scope;         /* "*" for Basic, which covers every scope */
    char *authorization; /* "Bearer ..." or "Basic ..." */
    long long expires;   /* monotonic seconds; 0 = never */
} copa__auth_entry;

typedef struct copa__cred_entry {
    struct copa__cred_entry *next;
    char *registry;
    copa__credential credential;
} copa__cred_entry;

struct copa__registry {
    copa__registry_options options;
    char *credentials;
    char **insecure;
    char *ca_file, *ca_dir, *ca_host;
    copa__auth_entry *auth;
    copa__cred_entry *creds;
};

/* 1 when a registry's error body names DIGEST_INVALID first. */
int copa__registry_digest_invalid(const copa__http_response *response);

/* "http(s)://<api host>" + formatted path. */
int copa__registry_url(char **out, const copa__registry *r, const char *registry, const char *fmt,
                       ...) __attribute__((format(printf, 4, 5)));

/* 1 when `registry` was named insecure (plain HTTP). */
int copa__registry_is_insecure(const copa__registry *r, const char *registry);

/*
 * Send `request` with the cached authorization for (registry, scope);
 * on 401 answer the challenge (token or basic) and send once more.
 * `scope` is one or more space-separated "repository:NAME:ACTIONS" or NULL.
 * The response (any status) is the caller's; 0 or a transport/auth error.
 */
int copa__registry_send(copa__registry *r, const char *registry, const char *scope,
                        copa__http_request *request, copa__http_response *response);

/*
 * Turn an unexpected status into a code and a message naming `what`
 * (e.g. "manifest alpine:3"): 401/403 COPA_EAUTH, 404 COPA_ENOTFOUND,
 * others COPA_ENETWORK, with the registry's own error text when it sent one.
 */
int copa__registry_status_error(const copa__http_response *response, const char *registry,
                                const char *what);

/* Answer a 401 for (registry, scope): fetch and cache an authorization. */
int copa__registry_authenticate(copa__registry *r, const char *registry, const char *scope,
                                const copa__http_response *unauthorized);

/* The cached authorization for (registry, scope), or NULL. */
const char *copa__registry_cached_auth(copa__registry *r, const char *registry, const char *scope);

/* Forget cached authorizations for (registry, scope) (after a 401). */
void copa__registry_drop_auth(copa__registry *r, const char *registry, const char *scope);

void copa__registry_auth_free_all(copa__registry *r);

#endif
