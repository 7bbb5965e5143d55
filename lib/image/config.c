/*
 * Image configs (OCI image config / Docker container image v1): the few
 * fields we read are borrowed from the tree; everything else is kept.
 */
#include "image/model.h"
#include "util/error.h"

#include <string.h>

static const char *get_string(const cJSON *object, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

static int refresh(copa__config *c)
{
    const cJSON *rootfs = cJSON_GetObjectItemCaseSensitive(c->doc.json, "rootfs");
    const cJSON *diff_ids = cJSON_GetObjectItemCaseSensitive(rootfs, "diff_ids");
    const cJSON *item;

    c->os = get_string(c->doc.json, "os");
    c->architecture = get_string(c->doc.json, "architecture");
    c->variant = get_string(c->doc.json, "variant");
    if (c->os == NULL || c->architecture == NULL)
        return copa__error_set(COPA_EINVALID, "config: missing 'os' or 'architecture'");
    if (!cJSON_IsObject(rootfs) || !cJSON_IsArray(diff_ids))
        return copa__error_set(COPA_EINVALID, "config: missing 'rootfs.diff_ids'");
    c->diff_id_count = 0;
    cJSON_ArrayForEach(item, diff_ids)
    {
        if (!cJSON_IsString(item) || copa__digest_validate(item->valuestring) != 0)
            return copa__error_set(COPA_EINVALID, "config: diff_id %zu is not a sha256 digest",
                                   c->diff_id_count);
        c->diff_id_count++;
    }
    return 0;
}

int copa__config_parse(copa__config *out, const void *bytes, size_t length)
{
    int error;

    memset(out, 0, sizeof(*out));
    if ((error = copa__doc_load(&out->doc, bytes, length, "config")) != 0)
        return error;
    if ((error = refresh(out)) != 0)
        copa__config_free(out);
    return error;
}

void copa__config_free(copa__config *c)
{
    if (c == NULL)
        return;
    copa__doc_free(&c->doc);
    memset(c, 0, sizeof(*c));
}

/* The "config" object of an image config, created when absent. */
static cJSON *container_config(copa__config *c)
{
    cJSON *object = cJSON_GetObjectItemCaseSensitive(c->doc.json, "config");
    if (cJSON_IsObject(object))
        return object;
    cJSON_DeleteItemFromObjectCaseSensitive(c->doc.json, "config");
    return cJSON_AddObjectToObject(c->doc.json, "config");
}

int copa__config_set_label(copa__config *c, const char *key, const char *value)
{
    cJSON *config = container_config(c), *labels;

    if (config == NULL)
        return copa__error_oom();
    labels = cJSON_GetObjectItemCaseSensitive(config, "Labels");
    if (value == NULL) {
        if (cJSON_IsObject(labels))
            cJSON_DeleteItemFromObjectCaseSensitive(labels, key);
        return 0;
    }
    if (!cJSON_IsObject(labels)) {
        /* Docker writes "Labels": null for none. */
        cJSON_DeleteItemFromObjectCaseSensitive(config, "Labels");
        if ((labels = cJSON_AddObjectToObject(config, "Labels")) == NULL)
            return copa__error_oom();
    }
    return copa__json_replace_string(labels, key, value);
}

static int append_history(copa__config *c, const copa__new_layer *layer)
{
    cJSON *history = cJSON_GetObjectItemCaseSensitive(c->doc.json, "history"), *entry;

    if (!cJSON_IsArray(history)) {
        cJSON_DeleteItemFromObjectCaseSensitive(c->doc.json, "history");
        if ((history = cJSON_AddArrayToObject(c->doc.json, "history")) == NULL)
            return copa__error_oom();
    }
    if ((entry = cJSON_CreateObject()) == NULL)
        return copa__error_oom();
    cJSON_AddItemToArray(history, entry);
    if ((layer->created != NULL &&
         cJSON_AddStringToObject(entry, "created", layer->created) == NULL) ||
        (layer->created_by != NULL &&
         cJSON_AddStringToObject(entry, "created_by", layer->created_by) == NULL) ||
        (layer->comment != NULL &&
         cJSON_AddStringToObject(entry, "comment", layer->comment) == NULL))
        return copa__error_oom();
    return 0;
}

int copa__config_append_layer(copa__config *c, const copa__new_layer *layer)
{
    cJSON *rootfs = cJSON_GetObjectItemCaseSensitive(c->doc.json, "rootfs");
    cJSON *diff_ids = cJSON_GetObjectItemCaseSensitive(rootfs, "diff_ids"), *item;
    int error;

    if ((error = copa__digest_validate(layer->diff_id)) != 0)
        return copa__error_prefix("new layer diff_id: ");
    if ((item = cJSON_CreateString(layer->diff_id)) == NULL)
        return copa__error_oom();
    cJSON_AddItemToArray(diff_ids, item);
    if ((error = append_history(c, layer)) != 0)
        return error;
    if (layer->created != NULL &&
        (error = copa__json_replace_string(c->doc.json, "created", layer->created)) != 0)
        return error;
    return refresh(c);
}
