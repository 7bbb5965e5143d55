/*
 * Image indexes: OCI image index and Docker manifest list.
 */
#include "image/model.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int copa__index_refresh(copa__index *idx)
{
    cJSON *json = idx->doc.json, *list, *item;
    const cJSON *mt = cJSON_GetObjectItemCaseSensitive(json, "mediaType");
    copa__doc_kind kind;
    size_t i = 0;
    int error;

    free(idx->manifests);
    idx->manifests = NULL;
    idx->manifest_count = 0;
    if (cJSON_IsString(mt)) {
        if ((error = copa__media_type_kind(&kind, &idx->family, mt->valuestring)) != 0)
            return copa__error_prefix("index: ");
        if (kind != COPA__DOC_INDEX)
            return copa__error_set(COPA_EINVALID, "index: media type '%s' is not an index",
                                   mt->valuestring);
        idx->media_type = mt->valuestring;
    } else {
        idx->family = COPA__FAMILY_OCI;
        idx->media_type = COPA_MT_OCI_INDEX;
    }
    item = cJSON_GetObjectItemCaseSensitive(json, "schemaVersion");
    if (!cJSON_IsNumber(item) || item->valuedouble != 2)
        return copa__error_set(COPA_EINVALID, "index: schemaVersion is not 2");
    list = cJSON_GetObjectItemCaseSensitive(json, "manifests");
    if (!cJSON_IsArray(list))
        return copa__error_set(COPA_EINVALID, "index: 'manifests' is not an array");
    idx->manifest_count = (size_t)cJSON_GetArraySize(list);
    if (idx->manifest_count > 0 &&
        (idx->manifests = calloc(idx->manifest_count, sizeof(*idx->manifests))) == NULL)
        return copa__error_oom();
    cJSON_ArrayForEach(item, list)
    {
        char what[48];
        snprintf(what, sizeof(what), "index entry %zu", i);
        if ((error = copa__descriptor_parse(&idx->manifests[i], item, what)) != 0)
            return error;
        i++;
    }
    return 0;
}

int copa__index_parse(copa__index *out, const void *bytes, size_t length)
{
    int error;

    memset(out, 0, sizeof(*out));
    if ((error = copa__doc_load(&out->doc, bytes, length, "index")) != 0)
        return error;
    if ((error = copa__index_refresh(out)) != 0)
        copa__index_free(out);
    return error;
}

void copa__index_free(copa__index *idx)
{
    if (idx == NULL)
        return;
    free(idx->manifests);
    copa__doc_free(&idx->doc);
    memset(idx, 0, sizeof(*idx));
}

static int replace_string(cJSON *object, const char *key, const char *value)
{
    cJSON *item = cJSON_CreateString(value);
    if (item == NULL)
        return copa__error_oom();
    if (cJSON_GetObjectItemCaseSensitive(object, key) != NULL)
        cJSON_ReplaceItemInObjectCaseSensitive(object, key, item);
    else
        cJSON_AddItemToObject(object, key, item);
    return 0;
}

static int replace_number(cJSON *object, const char *key, double value)
{
    cJSON *item = cJSON_CreateNumber(value);
    if (item == NULL)
        return copa__error_oom();
    if (cJSON_GetObjectItemCaseSensitive(object, key) != NULL)
        cJSON_ReplaceItemInObjectCaseSensitive(object, key, item);
    else
        cJSON_AddItemToObject(object, key, item);
    return 0;
}

int copa__index_replace_manifest(copa__index *idx, const char *old_digest,
                                 const copa__manifest *replacement)
{
    size_t i;
    int error;

    for (i = 0; i < idx->manifest_count; i++) {
        cJSON *entry = idx->manifests[i].json;
        if (strcmp(idx->manifests[i].digest, old_digest) != 0)
            continue;
        /* Only digest, size and mediaType change; platform, annotations
         * and unknown fields of the entry stay. */
        if ((error = replace_string(entry, "mediaType", replacement->media_type)) != 0 ||
            (error = replace_string(entry, "digest", replacement->doc.digest)) != 0 ||
            (error = replace_number(entry, "size", (double)replacement->doc.raw_length)) != 0)
            return error;
        if ((error = copa__index_refresh(idx)) != 0)
            return error;
        return copa__doc_reserialize(&idx->doc);
    }
    return copa__error_set(COPA_ENOTFOUND, "index: no entry for manifest %s", old_digest);
}

int copa__json_replace_string(cJSON *object, const char *key, const char *value)
{
    return replace_string(object, key, value);
}

int copa__json_replace_number(cJSON *object, const char *key, double value)
{
    return replace_number(object, key, value);
}
