/*
 * Drop the top layers of an image: the manifest's descriptors, the
 * config's diff_ids and their history entries. Re-patching uses it to
 * replace copa's earlier layer with a new cumulative one, so a patched
 * image stays "base + 1 layer" however often it is patched.
 */
#include "image/rebuild.h"
#include "util/error.h"

/* Remove history entries from the end until `n` layer entries are gone. */
static void drop_history(cJSON *history, size_t n)
{
    int i;

    for (i = cJSON_GetArraySize(history) - 1; i >= 0 && n > 0; i--) {
        cJSON *entry = cJSON_GetArrayItem(history, i);
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(entry, "empty_layer")))
            n--;
        cJSON_DeleteItemFromArray(history, i);
    }
}

int copa__image_drop_layers(copa__manifest *m, copa__config *c, size_t n)
{
    cJSON *layers = cJSON_GetObjectItemCaseSensitive(m->doc.json, "layers");
    cJSON *rootfs = cJSON_GetObjectItemCaseSensitive(c->doc.json, "rootfs");
    cJSON *ids = cJSON_GetObjectItemCaseSensitive(rootfs, "diff_ids");
    size_t i;

    if (n == 0)
        return 0;
    if (n > m->layer_count || n > c->diff_id_count || !cJSON_IsArray(layers) || !cJSON_IsArray(ids))
        return copa__error_set(COPA_EINVALID, "cannot drop %zu of the image's %zu layers", n,
                               m->layer_count);
    for (i = 0; i < n; i++) {
        cJSON_DeleteItemFromArray(layers, cJSON_GetArraySize(layers) - 1);
        cJSON_DeleteItemFromArray(ids, cJSON_GetArraySize(ids) - 1);
    }
    c->diff_id_count -= n;
    drop_history(cJSON_GetObjectItemCaseSensitive(c->doc.json, "history"), n);
    return copa__manifest_refresh(m);
}
