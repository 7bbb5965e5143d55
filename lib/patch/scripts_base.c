/*
 * --run-scripts needs the image's files on disk: the base layers (the
 * layers the patch goes on top of) streamed again from the source, lowest
 * first, into the scratch tree (scriptrun/tree.h). The blob cache makes
 * this a local read for layers the read stage fetched.
 */
#include "patch/context.h"
#include "scriptrun/tree.h"
#include "util/error.h"

#include <string.h>

static ssize_t read_blob(void *payload, void *buf, size_t length)
{
    size_t got;
    int error = copa__blob_reader_read(payload, buf, length, &got);
    return error != 0 ? error : (ssize_t)got;
}

int copa__patch_apply_base(void *payload, struct copa__tree *tree)
{
    copa__patch_ctx *ctx = payload;
    const cJSON *rootfs = cJSON_GetObjectItemCaseSensitive(ctx->config.doc.json, "rootfs");
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(rootfs, "diff_ids");
    size_t i;
    int error = 0;

    for (i = 0; error == 0 && i < ctx->base_layers; i++) {
        const copa__descriptor *d = &ctx->manifest.layers[i];
        const cJSON *id = cJSON_GetArrayItem(ids, (int)i);
        copa__blob_reader *reader = NULL;
        copa__layer_source source;
        copa__layer_desc desc;

        desc.media_type = d->media_type;
        desc.digest = d->digest;
        desc.size = (int64_t)d->size;
        desc.diff_id = cJSON_IsString(id) ? id->valuestring : NULL;
        if ((error = copa__source_blob(ctx->src, &reader, d->digest, d->size)) != 0)
            break;
        memset(&source, 0, sizeof(source));
        source.fd = -1;
        source.read = read_blob;
        source.payload = reader;
        error = copa__tree_apply_layer(tree, &desc, &source);
        copa__blob_reader_free(reader);
        if (error == 0 && copa__patch_transfer_cancel(ctx))
            error = copa__error_set(COPA_ECANCELLED, "cancelled while preparing the scripts' tree");
    }
    return error;
}
