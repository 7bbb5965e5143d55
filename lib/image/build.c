/*
 * A new image from an old one: append a layer, change labels and
 * annotations, and keep everything else, including the media-type family
 * of the source (Docker stays Docker, OCI stays OCI).
 */
#include "image/model.h"
#include "util/error.h"

int copa__image_finish(copa__manifest *m, copa__config *c)
{
    cJSON *config = cJSON_GetObjectItemCaseSensitive(m->doc.json, "config");
    int error;

    if ((error = copa__doc_reserialize(&c->doc)) != 0)
        return error;
    if ((error = copa__json_replace_string(config, "digest", c->doc.digest)) != 0 ||
        (error = copa__json_replace_number(config, "size", (double)c->doc.raw_length)) != 0)
        return error;
    if ((error = copa__manifest_refresh(m)) != 0)
        return error;
    return copa__doc_reserialize(&m->doc);
}

int copa__image_append_layer(copa__manifest *m, copa__config *c, const copa__new_layer *layer)
{
    cJSON *layers = cJSON_GetObjectItemCaseSensitive(m->doc.json, "layers"), *entry;
    int error;

    if (m->layer_count != c->diff_id_count)
        return copa__error_set(COPA_EINVALID,
                               "image has %zu layers but its config lists %zu diff_ids",
                               m->layer_count, c->diff_id_count);
    if ((error = copa__digest_validate(layer->digest)) != 0)
        return copa__error_prefix("new layer digest: ");
    if (layer->compression == COPA__COMPRESSION_ZSTD && m->family == COPA__FAMILY_DOCKER)
        return copa__error_set(COPA_EUNSUPPORTED,
                               "Docker schema 2 images cannot hold zstd layers; use gzip");
    if ((error = copa__config_append_layer(c, layer)) != 0)
        return error;
    if ((entry = cJSON_CreateObject()) == NULL)
        return copa__error_oom();
    cJSON_AddItemToArray(layers, entry);
    /* Key order as Docker and the OCI tools write it. */
    if (cJSON_AddStringToObject(entry, "mediaType",
                                copa__layer_media_type(m->family, layer->compression)) == NULL ||
        cJSON_AddNumberToObject(entry, "size", layer->size) == NULL ||
        cJSON_AddStringToObject(entry, "digest", layer->digest) == NULL)
        return copa__error_oom();
    return copa__image_finish(m, c);
}
