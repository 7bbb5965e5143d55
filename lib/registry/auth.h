/*
 * Registry authentication pieces that need no network: the
 * WWW-Authenticate challenge parser, credential lookup in auth files and
 * credential helpers, and the redaction of secrets.
 */
#ifndef COPA_LIB_REGISTRY_AUTH_H
#define COPA_LIB_REGISTRY_AUTH_H

#include <stddef.h>

/* The challenge a client should answer, picked from a WWW-Authenticate value. */
typedef struct copa__auth_challenge {
    char *scheme;  /* "Bearer" or "Basic" (as sent) */
    char *realm;   /* NULL when absent */
    char *service; /* NULL when absent */
    char *scope;   /* NULL when absent */
} copa__auth_challenge;

/*
 * Parse a WWW-Authenticate header value (RFC 9110 §11.6.1: several
 * challenges separated by commas, auth-params as token or quoted-string with
 * backslash escapes). Bearer is preferred over Basic; other schemes are
 * skipped. 0, COPA_EINVALID for malformed input, COPA_EUNSUPPORTED when no
 * Bearer or Basic challenge is offered, COPA_ENOMEM.
 */
int copa__auth_challenge_parse(copa__auth_challenge *out, const char *header);
void copa__auth_challenge_free(copa__auth_challenge *challenge);

typedef struct copa__credential {
    char *username; /* NULL for anonymous */
    char *password;
    char *helper; /* set by copa__auth_file_lookup when a helper must be asked */
} copa__credential;

void copa__credential_free(copa__credential *credential);

/*
 * Find the entry for `registry` (host[:port], "docker.io" for Docker Hub)
 * in the text of a containers auth.json / docker config.json:
 * credHelpers[registry], then auths[key] (base64 "auth" or
 * username/password; keys match with or without scheme and path), then
 * credsStore. 0 with username/password or helper set, COPA_ENOTFOUND, or
 * COPA_EINVALID naming `origin` (the file) when the JSON is malformed.
 */
int copa__auth_file_lookup(copa__credential *out, const char *json, size_t length,
                           const char *registry, const char *origin);

/* The server URL a credential helper expects for `registry`. Static or malloc'd into *buf. */
const char *copa__auth_server_url(const char *registry);

/*
 * Run `docker-credential-<helper> get` (found on PATH, no shell), write
 * `server_url` to its stdin and parse {"Username","Secret"} from stdout,
 * within `timeout_ms`. 0, COPA_ENOTFOUND (helper has no entry),
 * COPA_EEXTERNAL (helper missing, failed or wrote nonsense), COPA_ETIMEOUT.
 */
int copa__cred_helper_get(copa__credential *out, const char *helper, const char *server_url,
                          int timeout_ms);

/*
 * Credentials for `registry`: the explicit "USER:PASS" when given, else
 * the first of $REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json,
 * $DOCKER_CONFIG/config.json or ~/.docker/config.json with an entry
 * (helpers are run). 0 (anonymous: username NULL) or an error.
 */
int copa__credentials_find(copa__credential *out, const char *registry, const char *explicit_auth);

#endif
