/*
 * copa_patch_options across versions, and the layer compression option.
 *
 * A caller built against an older header passes a smaller struct: the
 * library reads and writes only the bytes that version has. copa_patch
 * works on a private copy at the current version (the newer fields at
 * their defaults), so no later stage needs to check the version again.
 */
#include "patch/patch.h"
#include "util/error.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of copa_patch_options that a caller of `version` has. */
static size_t options_size(unsigned int version)
{
    switch (version) {
    case 1:
        return offsetof(copa_patch_options, layer_compression);
    case 2:
        return offsetof(copa_patch_options, sbom_path);
    case 3:
        return offsetof(copa_patch_options, run_scripts);
    default:
        return sizeof(copa_patch_options);
    }
}

int copa_patch_options_init(copa_patch_options *options, unsigned int version)
{
    copa_patch_options defaults = COPA_PATCH_OPTIONS_INIT;

    if (options == NULL || version < 1 || version > COPA_PATCH_OPTIONS_VERSION)
        return copa__error_set(COPA_EINVALID, "copa_patch_options_init: unknown version %u",
                               version);
    /* An older caller's struct ends before the fields it does not know. */
    defaults.version = version;
    memcpy(options, &defaults, options_size(version));
    return 0;
}

int copa__patch_options_copy(copa_patch_options *out, const copa_patch_options *in)
{
    static const copa_patch_options defaults = COPA_PATCH_OPTIONS_INIT;

    if (in == NULL || in->version < 1 || in->version > COPA_PATCH_OPTIONS_VERSION)
        return copa__error_set(COPA_EINVALID, "copa_patch: unknown options version %u",
                               in != NULL ? in->version : 0);
    *out = defaults;
    memcpy(out, in, options_size(in->version));
    out->version = COPA_PATCH_OPTIONS_VERSION;
    return 0;
}

/* "N" within [1, max]: the level; -1 otherwise (empty, signs, junk, range). */
static int parse_level(const char *text, int max)
{
    int level = 0;

    if (*text == '\0' || strlen(text) > 2)
        return -1;
    for (; *text != '\0'; text++) {
        if (*text < '0' || *text > '9')
            return -1;
        level = level * 10 + (*text - '0');
    }
    return level >= 1 && level <= max ? level : -1;
}

int copa__patch_compression_parse(copa__compression *compression, int *level, const char *text)
{
    const char *colon;
    size_t name_length;
    int max;

    *compression = COPA__COMPRESSION_GZIP;
    *level = COPA__PATCH_GZIP_DEFAULT_LEVEL;
    if (text == NULL)
        return 0;
    colon = strchr(text, ':');
    name_length = colon != NULL ? (size_t)(colon - text) : strlen(text);
    if (name_length == 4 && strncmp(text, "gzip", 4) == 0) {
        max = 9;
    } else if (name_length == 4 && strncmp(text, "zstd", 4) == 0) {
        *compression = COPA__COMPRESSION_ZSTD;
        *level = COPA__PATCH_ZSTD_DEFAULT_LEVEL;
        max = 19;
    } else {
        goto bad;
    }
    if (colon == NULL)
        return 0;
    if ((*level = parse_level(colon + 1, max)) > 0)
        return 0;
bad:
    return copa__error_set(COPA_EINVALID,
                           "layer compression '%s' is not one of gzip, gzip:N (N 1-9), zstd, "
                           "zstd:N (N 1-19)",
                           text);
}

void copa__patch_compression_name(char *out, size_t size, copa__compression compression, int level)
{
    snprintf(out, size, "%s:%d", compression == COPA__COMPRESSION_ZSTD ? "zstd" : "gzip", level);
}
