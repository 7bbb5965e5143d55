/*
 * JSON documents of the image model: bytes + digest + tree, media types and
 * descriptors.
 */
#include "image/model.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_digest(copa__doc *doc)
{
    unsigned char raw[COPA_SHA256_LEN];
    copa__sha256_buffer(raw, doc->raw, doc->raw_length);
    copa__digest_format(doc->digest, raw);
}

int copa__doc_load(copa__doc *doc, const void *bytes, size_t length, const char *what)
{
    const char *end = NULL;

    memset(doc, 0, sizeof(*doc));
    if (length > COPA_JSON_DOC_MAX)
        return copa__error_set(COPA_EINVALID, "%s: larger than %d bytes", what, COPA_JSON_DOC_MAX);
    if ((doc->raw = malloc(length + 1)) == NULL)
        return copa__error_oom();
    memcpy(doc->raw, bytes, length);
    doc->raw[length] = '\0';
    doc->raw_length = length;
    if (strlen(doc->raw) != length) {
        copa__doc_free(doc);
        return copa__error_set(COPA_EINVALID, "%s: malformed JSON (NUL byte)", what);
    }
    /* length + 1: the NUL is what "nothing after the value" is checked against. */
    doc->json = cJSON_ParseWithLengthOpts(doc->raw, length + 1, &end, 1);
    if (doc->json == NULL || !cJSON_IsObject(doc->json)) {
        size_t at = end != NULL && end >= doc->raw ? (size_t)(end - doc->raw) : 0;
        copa__doc_free(doc);
        return copa__error_set(COPA_EINVALID, "%s: malformed JSON (not an object, near byte %zu)",
                               what, at);
    }
    set_digest(doc);
    return 0;
}

int copa__doc_reserialize(copa__doc *doc)
{
    char *text = cJSON_PrintUnformatted(doc->json);
    if (text == NULL)
        return copa__error_oom();
    free(doc->raw);
    doc->raw = text;
    doc->raw_length = strlen(text);
    set_digest(doc);
    return 0;
}

void copa__doc_free(copa__doc *doc)
{
    free(doc->raw);
    cJSON_Delete(doc->json);
    memset(doc, 0, sizeof(*doc));
}

int copa__media_type_kind(copa__doc_kind *kind, copa__family *family, const char *media_type)
{
    static const struct {
        const char *type;
        copa__doc_kind kind;
        copa__family family;
    } known[] = {
        {COPA_MT_OCI_MANIFEST, COPA__DOC_MANIFEST, COPA__FAMILY_OCI},
        {COPA_MT_OCI_INDEX, COPA__DOC_INDEX, COPA__FAMILY_OCI},
        {COPA_MT_DOCKER_MANIFEST, COPA__DOC_MANIFEST, COPA__FAMILY_DOCKER},
        {COPA_MT_DOCKER_LIST, COPA__DOC_INDEX, COPA__FAMILY_DOCKER},
    };
    size_t i;

    *kind = COPA__DOC_UNKNOWN;
    *family = COPA__FAMILY_OCI;
    if (media_type == NULL)
        return copa__error_set(COPA_EINVALID, "no media type");
    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (strcmp(media_type, known[i].type) == 0) {
            *kind = known[i].kind;
            *family = known[i].family;
            return 0;
        }
    }
    if (strncmp(media_type, "application/vnd.docker.distribution.manifest.v1", 47) == 0)
        return copa__error_set(COPA_EUNSUPPORTED,
                               "Docker schema 1 manifests (%s) are not supported; convert the "
                               "image to schema 2 or OCI",
                               media_type);
    return copa__error_set(COPA_EUNSUPPORTED, "unsupported manifest media type '%s'", media_type);
}

int copa__doc_detect(copa__doc_kind *kind, const void *bytes, size_t length)
{
    cJSON *json = cJSON_ParseWithLength(bytes, length);
    const cJSON *mt, *version;
    copa__family family;
    int error = 0;

    *kind = COPA__DOC_UNKNOWN;
    if (json == NULL || !cJSON_IsObject(json)) {
        cJSON_Delete(json);
        return copa__error_set(COPA_EINVALID, "manifest: malformed JSON");
    }
    mt = cJSON_GetObjectItemCaseSensitive(json, "mediaType");
    version = cJSON_GetObjectItemCaseSensitive(json, "schemaVersion");
    if (cJSON_IsString(mt))
        error = copa__media_type_kind(kind, &family, mt->valuestring);
    else if (cJSON_IsNumber(version) && version->valuedouble == 1)
        error = copa__error_set(COPA_EUNSUPPORTED, "Docker schema 1 manifests are not supported");
    else if (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(json, "manifests")))
        *kind = COPA__DOC_INDEX;
    else if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(json, "config")))
        *kind = COPA__DOC_MANIFEST;
    else
        error = copa__error_set(COPA_EINVALID, "manifest: neither a manifest nor an index");
    cJSON_Delete(json);
    return error;
}

static const char *get_string(const cJSON *object, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

static int parse_platform(copa__platform *out, const cJSON *json, const char *what)
{
    const char *os = get_string(json, "os"), *arch = get_string(json, "architecture");
    const char *variant = get_string(json, "variant");

    if (os == NULL || arch == NULL)
        return copa__error_set(COPA_EINVALID, "%s: platform without os or architecture", what);
    memset(out, 0, sizeof(*out));
    snprintf(out->os, sizeof(out->os), "%s", os);
    snprintf(out->architecture, sizeof(out->architecture), "%s", arch);
    if (variant != NULL)
        snprintf(out->variant, sizeof(out->variant), "%s", variant);
    copa__platform_normalize(out);
    return 0;
}

int copa__descriptor_parse(copa__descriptor *out, cJSON *json, const char *what)
{
    const cJSON *size, *platform;
    int error;

    memset(out, 0, sizeof(*out));
    if (!cJSON_IsObject(json))
        return copa__error_set(COPA_EINVALID, "%s: descriptor is not an object", what);
    out->json = json;
    out->media_type = get_string(json, "mediaType");
    out->digest = get_string(json, "digest");
    size = cJSON_GetObjectItemCaseSensitive(json, "size");
    if (out->digest == NULL)
        return copa__error_set(COPA_EINVALID, "%s: descriptor without a digest", what);
    if ((error = copa__digest_validate(out->digest)) != 0)
        return copa__error_prefix("%s: ", what);
    if (!cJSON_IsNumber(size) || size->valuedouble < 0 || size->valuedouble > 9007199254740992.0 ||
        (double)(long long)size->valuedouble != size->valuedouble)
        return copa__error_set(COPA_EINVALID, "%s: descriptor %s has no valid size", what,
                               out->digest);
    out->size = size->valuedouble;
    platform = cJSON_GetObjectItemCaseSensitive(json, "platform");
    if (cJSON_IsObject(platform)) {
        if ((error = parse_platform(&out->platform, platform, what)) != 0)
            return error;
        out->has_platform = 1;
    }
    return 0;
}

const char *copa__layer_media_type(copa__family family, copa__compression compression)
{
    if (family == COPA__FAMILY_DOCKER)
        return compression == COPA__COMPRESSION_NONE ? COPA_MT_DOCKER_LAYER
                                                     : COPA_MT_DOCKER_LAYER_GZIP;
    switch (compression) {
    case COPA__COMPRESSION_GZIP:
        return COPA_MT_OCI_LAYER_GZIP;
    case COPA__COMPRESSION_ZSTD:
        return COPA_MT_OCI_LAYER_ZSTD;
    default:
        return COPA_MT_OCI_LAYER;
    }
}
