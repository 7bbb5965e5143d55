/*
 * Is this image one copa patched before? copa records the base image's
 * manifest digest and layer count in labels; when the image has exactly
 * one layer more than its base, that layer is copa's and a new patch
 * replaces it. Anything else (labels missing or odd, more layers added on
 * top by a user) makes the image a new base: nothing is ever dropped that
 * copa did not write.
 */
#include "patch/patch.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *label(const cJSON *config, const char *key)
{
    const cJSON *inner = cJSON_GetObjectItemCaseSensitive(config, "config");
    const cJSON *labels = cJSON_GetObjectItemCaseSensitive(inner, "Labels");
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(labels, key);
    return cJSON_IsString(value) ? value->valuestring : NULL;
}

/* A decimal count without sign, spaces or overflow. */
static int parse_count(size_t *out, const char *text)
{
    size_t n = 0;
    const char *p;

    if (text == NULL || text[0] == '\0' || strlen(text) > 6)
        return -1;
    for (p = text; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        n = n * 10 + (size_t)(*p - '0');
    }
    *out = n;
    return 0;
}

/* "a=1 b=2" -> ["a=1", "b=2"]. */
static int split_packages(copa__repatch *r, const char *text)
{
    char *copy, *word, *save = NULL;

    if (text == NULL)
        return 0;
    if ((copy = strdup(text)) == NULL)
        return copa__error_oom();
    for (word = strtok_r(copy, " ", &save); word != NULL; word = strtok_r(NULL, " ", &save)) {
        char **grown = realloc(r->packages, (r->package_count + 1) * sizeof(*grown));
        if (grown == NULL || (grown[r->package_count] = strdup(word)) == NULL) {
            if (grown != NULL)
                r->packages = grown;
            free(copy);
            return copa__error_oom();
        }
        r->packages = grown;
        r->package_count++;
    }
    free(copy);
    return 0;
}

int copa__repatch_detect(copa__repatch *out, const cJSON *config, size_t layer_count)
{
    const char *digest = label(config, COPA__LABEL_BASE_DIGEST);
    size_t base;

    memset(out, 0, sizeof(*out));
    if (label(config, COPA__LABEL_PATCHED) == NULL ||
        parse_count(&base, label(config, COPA__LABEL_BASE_LAYERS)) != 0 || base == 0 ||
        base + 1 != layer_count)
        return 0;
    out->patched = 1;
    out->base_layers = base;
    if (digest != NULL && strlen(digest) < sizeof(out->base_digest))
        snprintf(out->base_digest, sizeof(out->base_digest), "%s", digest);
    return split_packages(out, label(config, COPA__LABEL_PACKAGES));
}

void copa__repatch_free(copa__repatch *r)
{
    size_t i;

    if (r == NULL)
        return;
    for (i = 0; i < r->package_count; i++)
        free(r->packages[i]);
    free(r->packages);
    r->packages = NULL;
    r->package_count = 0;
}
