/*
 * Where credentials come from, in the order podman/skopeo and docker use:
 * explicit USER:PASS, $REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json,
 * $DOCKER_CONFIG/config.json or ~/.docker/config.json.
 */
#include "registry/auth.h"
#include "util/error.h"
#include "util/file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { AUTH_FILE_MAX = 1024 * 1024, HELPER_TIMEOUT_MS = 30000 };

static int from_explicit(copa__credential *out, const char *text)
{
    const char *colon = strchr(text, ':');

    if (colon == NULL || colon == text)
        return copa__error_set(COPA_EINVALID, "credentials must be USER:PASSWORD");
    out->username = strndup(text, (size_t)(colon - text));
    out->password = strdup(colon + 1);
    return out->username && out->password ? 0 : copa__error_oom();
}

/* 0 when `path` has an entry (helpers already asked), COPA_ENOTFOUND to go on. */
static int from_file(copa__credential *out, const char *path, const char *registry)
{
    copa__credential found;
    char *json = NULL;
    size_t length = 0;
    int rc = copa__file_read_all(&json, &length, path, AUTH_FILE_MAX);

    if (rc != 0)
        return rc == COPA_ENOTFOUND ? COPA_ENOTFOUND : rc;
    rc = copa__auth_file_lookup(&found, json, length, registry, path);
    explicit_bzero(json, length);
    free(json);
    if (rc != 0)
        return rc;
    if (found.helper == NULL) {
        *out = found;
        return 0;
    }
    rc = copa__cred_helper_get(out, found.helper, copa__auth_server_url(registry),
                               HELPER_TIMEOUT_MS);
    copa__credential_free(&found);
    return rc;
}

int copa__credentials_find(copa__credential *out, const char *registry, const char *explicit_auth)
{
    char paths[4][4096];
    const char *env;
    int n = 0, i, rc;

    memset(out, 0, sizeof(*out));
    if (explicit_auth != NULL)
        return from_explicit(out, explicit_auth);
    if ((env = getenv("REGISTRY_AUTH_FILE")) != NULL && *env)
        snprintf(paths[n++], sizeof(paths[0]), "%s", env);
    if ((env = getenv("XDG_RUNTIME_DIR")) != NULL && *env)
        snprintf(paths[n++], sizeof(paths[0]), "%s/containers/auth.json", env);
    if ((env = getenv("DOCKER_CONFIG")) != NULL && *env)
        snprintf(paths[n++], sizeof(paths[0]), "%s/config.json", env);
    else if ((env = getenv("HOME")) != NULL && *env)
        snprintf(paths[n++], sizeof(paths[0]), "%s/.docker/config.json", env);
    for (i = 0; i < n; i++) {
        rc = from_file(out, paths[i], registry);
        if (rc != COPA_ENOTFOUND)
            return rc;
    }
    copa_error_clear();
    return 0; /* anonymous */
}
