/*
 * Credentials stored in containers-auth.json(5) / docker config.json files.
 * Keys are written many ways ("host", "https://host", "https://host/v1/"),
 * so keys and the registry are compared as bare host[:port].
 */
#include "registry/auth.h"
#include "util/error.h"

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void copa__credential_free(copa__credential *credential)
{
    if (credential == NULL)
        return;
    if (credential->password != NULL)
        explicit_bzero(credential->password, strlen(credential->password));
    free(credential->username);
    free(credential->password);
    free(credential->helper);
    memset(credential, 0, sizeof(*credential));
}

/* "https://Host:5000/v1/" -> "host:5000" compared against `registry`. */
static int key_matches(const char *key, const char *registry)
{
    static const char *const hub[] = {"docker.io", "index.docker.io", "registry-1.docker.io"};
    const char *p = strstr(key, "://");
    size_t length, i;
    int key_is_hub = 0, registry_is_hub = 0;

    p = p ? p + 3 : key;
    length = strcspn(p, "/");
    for (i = 0; i < sizeof(hub) / sizeof(hub[0]); i++) {
        if (strlen(hub[i]) == length && strncasecmp(p, hub[i], length) == 0)
            key_is_hub = 1;
        if (strcasecmp(registry, hub[i]) == 0)
            registry_is_hub = 1;
    }
    if (key_is_hub || registry_is_hub)
        return key_is_hub && registry_is_hub;
    return strlen(registry) == length && strncasecmp(p, registry, length) == 0;
}

const char *copa__auth_server_url(const char *registry)
{
    if (key_matches("docker.io", registry))
        return "https://index.docker.io/v1/";
    return registry;
}

static int decode_auth(copa__credential *out, const char *b64, const char *origin)
{
    size_t length = strlen(b64), padding = 0;
    unsigned char *raw;
    char *colon;
    int n;

    if (length == 0 || length % 4 != 0)
        return copa__error_set(COPA_EINVALID, "%s: \"auth\" is not base64", origin);
    if ((raw = malloc(length / 4 * 3 + 1)) == NULL)
        return copa__error_oom();
    n = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)length);
    if (n < 0) {
        free(raw);
        return copa__error_set(COPA_EINVALID, "%s: \"auth\" is not base64", origin);
    }
    padding = (b64[length - 1] == '=') + (b64[length - 2] == '=');
    raw[(size_t)n - padding] = '\0';
    colon = memchr(raw, ':', (size_t)n - padding);
    if (colon == NULL || strlen((char *)raw) != (size_t)n - padding) {
        explicit_bzero(raw, (size_t)n);
        free(raw);
        return copa__error_set(COPA_EINVALID, "%s: \"auth\" is not base64 of user:password",
                               origin);
    }
    *colon = '\0';
    out->username = strdup((char *)raw);
    out->password = strdup(colon + 1);
    explicit_bzero(raw, (size_t)n);
    free(raw);
    return out->username && out->password ? 0 : copa__error_oom();
}

static int from_auths(copa__credential *out, const cJSON *auths, const char *registry,
                      const char *origin)
{
    const cJSON *entry;

    cJSON_ArrayForEach(entry, auths)
    {
        const cJSON *auth, *user, *pass;
        if (entry->string == NULL || !key_matches(entry->string, registry) ||
            !cJSON_IsObject(entry))
            continue;
        auth = cJSON_GetObjectItemCaseSensitive(entry, "auth");
        user = cJSON_GetObjectItemCaseSensitive(entry, "username");
        pass = cJSON_GetObjectItemCaseSensitive(entry, "password");
        if (cJSON_IsString(auth) && auth->valuestring[0] != '\0')
            return decode_auth(out, auth->valuestring, origin);
        if (cJSON_IsString(user) && cJSON_IsString(pass)) {
            out->username = strdup(user->valuestring);
            out->password = strdup(pass->valuestring);
            return out->username && out->password ? 0 : copa__error_oom();
        }
    }
    return COPA_ENOTFOUND;
}

static int set_helper(copa__credential *out, const char *name)
{
    return (out->helper = strdup(name)) != NULL ? 0 : copa__error_oom();
}

int copa__auth_file_lookup(copa__credential *out, const char *json, size_t length,
                           const char *registry, const char *origin)
{
    const cJSON *helpers, *helper, *store;
    cJSON *root;
    int rc = COPA_ENOTFOUND;

    memset(out, 0, sizeof(*out));
    root = cJSON_ParseWithLength(json, length);
    if (root == NULL || !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return copa__error_set(COPA_EINVALID, "%s: not a JSON object", origin);
    }
    helpers = cJSON_GetObjectItemCaseSensitive(root, "credHelpers");
    cJSON_ArrayForEach(helper, helpers)
    {
        if (helper->string != NULL && cJSON_IsString(helper) &&
            key_matches(helper->string, registry)) {
            rc = set_helper(out, helper->valuestring);
            break;
        }
    }
    if (rc == COPA_ENOTFOUND)
        rc = from_auths(out, cJSON_GetObjectItemCaseSensitive(root, "auths"), registry, origin);
    store = cJSON_GetObjectItemCaseSensitive(root, "credsStore");
    if (rc == COPA_ENOTFOUND && cJSON_IsString(store) && store->valuestring[0] != '\0')
        rc = set_helper(out, store->valuestring);
    cJSON_Delete(root);
    if (rc != 0)
        copa__credential_free(out);
    return rc;
}
