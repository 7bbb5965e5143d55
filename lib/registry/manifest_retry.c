/*
 * The manifest PUT retried on DIGEST_INVALID (see registry.h for the
 * registry-side race it answers): before each new attempt every blob and
 * child manifest the document names is checked with HEAD, missing blobs are
 * uploaded again through the caller, and the PUT is repeated after a pause
 * that doubles. Bounded: a registry that keeps answering DIGEST_INVALID
 * fails the push with its own message.
 */
#include "registry/client.h"
#include "util/error.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { FIRST_PAUSE_MS = 25 };

static void pause_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&t, &t) != 0)
        ;
}

/* Layers a registry never holds (Docker foreign layers, OCI non-distributable ones). */
static int distributable(const cJSON *descriptor)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(descriptor, "mediaType");

    return !cJSON_IsString(type) || (strstr(type->valuestring, "foreign") == NULL &&
                                     strstr(type->valuestring, "nondistributable") == NULL);
}

typedef struct settle {
    copa__registry *r;
    const char *registry, *repository;
    copa__registry_reupload_fn reupload;
    void *payload;
} settle;

/* A blob named by the manifest: present, or uploaded again. */
static int settle_blob(const settle *s, const cJSON *descriptor)
{
    const cJSON *digest = cJSON_GetObjectItemCaseSensitive(descriptor, "digest");
    int rc;

    if (!cJSON_IsString(digest) || !distributable(descriptor))
        return 0;
    rc = copa__registry_blob_head(NULL, s->r, s->registry, s->repository, digest->valuestring);
    if (rc != COPA_ENOTFOUND)
        return rc;
    if (s->reupload == NULL)
        return copa__error_set(COPA_ENOTFOUND,
                               "registry %s: blob %s@%s is gone and cannot be uploaded again",
                               s->registry, s->repository, digest->valuestring);
    return s->reupload(s->payload, digest->valuestring);
}

/* A child manifest of an index: it must still be there (it was PUT by digest before). */
static int settle_child(const settle *s, const cJSON *descriptor)
{
    const cJSON *digest = cJSON_GetObjectItemCaseSensitive(descriptor, "digest");
    char found[COPA_DIGEST_STRING_MAX];
    char *media_type = NULL;
    int rc;

    if (!cJSON_IsString(digest))
        return 0;
    rc = copa__registry_manifest_head(found, &media_type, NULL, s->r, s->registry, s->repository,
                                      digest->valuestring);
    free(media_type);
    return rc;
}

/* HEAD (and if need be upload again) everything the document names. */
static int settle_references(const settle *s, const void *data, size_t length)
{
    cJSON *root = cJSON_ParseWithLength(data, length);
    const cJSON *item;
    int rc = 0;

    if (root == NULL)
        return 0; /* the registry judged the bytes; nothing to check here */
    if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(root, "config")))
        rc = settle_blob(s, cJSON_GetObjectItemCaseSensitive(root, "config"));
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(root, "layers"))
    {
        if (rc == 0)
            rc = settle_blob(s, item);
    }
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(root, "manifests"))
    {
        if (rc == 0)
            rc = settle_child(s, item);
    }
    cJSON_Delete(root);
    return rc;
}

int copa__registry_manifest_put_retrying(char digest[COPA_DIGEST_STRING_MAX], copa__registry *r,
                                         const char *registry, const char *repository,
                                         const char *reference, const char *media_type,
                                         const void *data, size_t length,
                                         copa__registry_reupload_fn reupload, void *payload)
{
    settle s = {r, registry, repository, reupload, payload};
    long pause = FIRST_PAUSE_MS;
    int attempt, digest_invalid = 0, rc = 0;

    for (attempt = 1; attempt <= COPA__MANIFEST_PUT_ATTEMPTS; attempt++) {
        if (attempt > 1) {
            pause_ms(pause);
            pause *= 2;
            /* A HEAD can trip over the same rewrite: only a missing blob that
             * cannot be given back, or a hard failure, ends the retries. */
            rc = settle_references(&s, data, length);
            if (rc != 0 && rc != COPA_ENETWORK && rc != COPA_ERROR)
                return rc;
        }
        rc = copa__registry_manifest_put_once(digest, &digest_invalid, r, registry, repository,
                                              reference, media_type, data, length);
        if (rc == 0 || !digest_invalid)
            return rc;
    }
    return copa__error_prefix("after %d attempts: ", COPA__MANIFEST_PUT_ATTEMPTS);
}
