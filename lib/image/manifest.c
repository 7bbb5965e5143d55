/*
 * Image manifests: OCI image manifest and Docker schema 2.
 */
#include "image/model.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_layer_type(const copa__descriptor *d, size_t i)
{
    static const char *const known[] = {
        COPA_MT_OCI_LAYER,
        COPA_MT_OCI_LAYER_GZIP,
        COPA_MT_OCI_LAYER_ZSTD,
        COPA_MT_DOCKER_LAYER,
        COPA_MT_DOCKER_LAYER_GZIP,
        "application/vnd.oci.image.layer.nondistributable.v1.tar",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
    };
    size_t k;

    if (d->media_type == NULL)
        return copa__error_set(COPA_EINVALID, "manifest: layer %zu has no mediaType", i);
    for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
        if (strcmp(d->media_type, known[k]) == 0)
            return 0;
    return copa__error_set(COPA_EUNSUPPORTED, "manifest: layer %zu has unsupported media type '%s'",
                           i, d->media_type);
}

/* strict: every layer must be an image layer (one copa can read). */
static int refresh(copa__manifest *m, int strict)
{
    cJSON *json = m->doc.json, *layers, *item;
    const cJSON *mt = cJSON_GetObjectItemCaseSensitive(json, "mediaType");
    copa__doc_kind kind;
    size_t i = 0;
    int error;

    free(m->layers);
    m->layers = NULL;
    m->layer_count = 0;
    if (cJSON_IsString(mt)) {
        if ((error = copa__media_type_kind(&kind, &m->family, mt->valuestring)) != 0)
            return copa__error_prefix("manifest: ");
        if (kind != COPA__DOC_MANIFEST)
            return copa__error_set(COPA_EINVALID, "manifest: media type '%s' is not a manifest",
                                   mt->valuestring);
        m->media_type = mt->valuestring;
    } else {
        /* OCI allows an absent mediaType; Docker schema 2 always has one. */
        m->family = COPA__FAMILY_OCI;
        m->media_type = COPA_MT_OCI_MANIFEST;
    }
    item = cJSON_GetObjectItemCaseSensitive(json, "schemaVersion");
    if (!cJSON_IsNumber(item) || item->valuedouble != 2)
        return copa__error_set(COPA_EINVALID, "manifest: schemaVersion is not 2");
    if ((error = copa__descriptor_parse(
             &m->config, cJSON_GetObjectItemCaseSensitive(json, "config"), "manifest config")) != 0)
        return error;
    layers = cJSON_GetObjectItemCaseSensitive(json, "layers");
    if (!cJSON_IsArray(layers))
        return copa__error_set(COPA_EINVALID, "manifest: 'layers' is not an array");
    m->layer_count = (size_t)cJSON_GetArraySize(layers);
    if (m->layer_count > 0 && (m->layers = calloc(m->layer_count, sizeof(*m->layers))) == NULL)
        return copa__error_oom();
    cJSON_ArrayForEach(item, layers)
    {
        char what[48];
        snprintf(what, sizeof(what), "manifest layer %zu", i);
        if ((error = copa__descriptor_parse(&m->layers[i], item, what)) != 0)
            return error;
        if (strict && (error = check_layer_type(&m->layers[i], i)) != 0)
            return error;
        i++;
    }
    return 0;
}

int copa__manifest_refresh(copa__manifest *m)
{
    return refresh(m, 1);
}

static int parse(copa__manifest *out, const void *bytes, size_t length, int strict)
{
    int error;

    memset(out, 0, sizeof(*out));
    if ((error = copa__doc_load(&out->doc, bytes, length, "manifest")) != 0)
        return error;
    if ((error = refresh(out, strict)) != 0)
        copa__manifest_free(out);
    return error;
}

int copa__manifest_parse(copa__manifest *out, const void *bytes, size_t length)
{
    return parse(out, bytes, length, 1);
}

int copa__manifest_parse_to_copy(copa__manifest *out, const void *bytes, size_t length)
{
    return parse(out, bytes, length, 0);
}

void copa__manifest_free(copa__manifest *m)
{
    if (m == NULL)
        return;
    free(m->layers);
    copa__doc_free(&m->doc);
    memset(m, 0, sizeof(*m));
}

int copa__manifest_set_annotation(copa__manifest *m, const char *key, const char *value)
{
    cJSON *annotations;

    if (m->family == COPA__FAMILY_DOCKER)
        return copa__error_set(COPA_EUNSUPPORTED,
                               "Docker schema 2 manifests have no annotations (set '%s' as a "
                               "label instead)",
                               key);
    annotations = cJSON_GetObjectItemCaseSensitive(m->doc.json, "annotations");
    if (value == NULL) {
        if (cJSON_IsObject(annotations))
            cJSON_DeleteItemFromObjectCaseSensitive(annotations, key);
        return 0;
    }
    if (!cJSON_IsObject(annotations)) {
        cJSON_DeleteItemFromObjectCaseSensitive(m->doc.json, "annotations");
        if ((annotations = cJSON_AddObjectToObject(m->doc.json, "annotations")) == NULL)
            return copa__error_oom();
    }
    cJSON_DeleteItemFromObjectCaseSensitive(annotations, key);
    if (cJSON_AddStringToObject(annotations, key, value) == NULL)
        return copa__error_oom();
    return copa__manifest_refresh(m);
}

static const char *oci_type_of(const char *docker_type)
{
    static const char *const map[][2] = {
        {COPA_MT_DOCKER_CONFIG, COPA_MT_OCI_CONFIG},
        {COPA_MT_DOCKER_LAYER_GZIP, COPA_MT_OCI_LAYER_GZIP},
        {COPA_MT_DOCKER_LAYER, COPA_MT_OCI_LAYER},
        {"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
         "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"},
    };
    size_t i;

    for (i = 0; docker_type != NULL && i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(docker_type, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

int copa__manifest_convert_oci(copa__manifest *m)
{
    const char *type;
    size_t i;
    int error;

    if (m->family == COPA__FAMILY_OCI)
        return 0;
    /* The blobs stay as they are; only the media types in the manifest change. */
    if ((type = oci_type_of(m->config.media_type)) != NULL &&
        (error = copa__json_replace_string(m->config.json, "mediaType", type)) != 0)
        return error;
    for (i = 0; i < m->layer_count; i++)
        if ((type = oci_type_of(m->layers[i].media_type)) != NULL &&
            (error = copa__json_replace_string(m->layers[i].json, "mediaType", type)) != 0)
            return error;
    if ((error = copa__json_replace_string(m->doc.json, "mediaType", COPA_MT_OCI_MANIFEST)) != 0 ||
        (error = copa__manifest_refresh(m)) != 0)
        return error;
    return copa__doc_reserialize(&m->doc);
}
