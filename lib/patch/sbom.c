/*
 * --sbom: the CycloneDX document of the image a patch has just written.
 * The new layer is streamed onto the rootfs view the base was read through,
 * and the engine reads the package database back from that view: the SBOM describes
 * what was written, not what the plan meant to write, and is the same
 * document `copa packages --format cyclonedx` gives for the written image.
 */
#include "inventory/inventory.h"
#include "patch/context.h"
#include "util/buffer.h"
#include "util/error.h"
#include "util/file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int add_new_layer(copa__patch_ctx *ctx, const char *path, const copa__layer_result *layer)
{
    copa__layer_source source;
    copa__layer_desc desc;
    int rc;

    memset(&source, 0, sizeof(source));
    if ((source.fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return copa__error_set(COPA_ERROR, "the new layer %s: cannot open it again", path);
    desc.media_type = layer->media_type;
    desc.digest = layer->digest;
    desc.size = layer->size;
    desc.diff_id = layer->diff_id;
    rc = copa__rootfs_add_layer(ctx->rootfs, &desc, &source);
    close(source.fd);
    return rc;
}

/* "name=version" of every step: what copa's layer installed. */
static int installed_by_patch(char ***out, const copa__rs_plan *plan)
{
    char **list = calloc(plan->nsteps + 1, sizeof(*list));
    size_t i;

    *out = list;
    if (list == NULL)
        return copa__error_oom();
    for (i = 0; i < plan->nsteps; i++)
        if (asprintf(&list[i], "%s=%s", plan->steps[i].name, plan->steps[i].to) < 0) {
            list[i] = NULL;
            return copa__error_oom();
        }
    return 0;
}

static void free_list(char **list)
{
    size_t i;
    for (i = 0; list != NULL && list[i] != NULL; i++)
        free(list[i]);
    free(list);
}

static int write_document(const copa__patch_ctx *ctx, const copa__engine *engine, char **patched,
                          size_t npatched, const copa_patch_result *res)
{
    copa__inventory_input in;
    copa_inventory *inv = NULL;
    copa_reference *dst = NULL;
    char *text = NULL;
    int rc = copa_reference_parse(&dst, res->destination);

    memset(&in, 0, sizeof(in));
    in.image = res->destination;
    in.ref = dst;
    in.digest = res->digest;
    in.os = &ctx->os;
    in.engine = engine;
    in.patched = patched;
    in.patched_count = npatched;
    if (rc == 0)
        rc = copa__inventory_build(&inv, &in);
    if (rc == 0)
        rc = copa__inventory_cyclonedx(&text, inv);
    if (rc == 0)
        rc = copa__file_write_atomic(ctx->opts->sbom_path, text, strlen(text));
    free(text);
    copa_inventory_free(inv);
    copa_reference_free(dst);
    return rc;
}

int copa__patch_write_sbom(copa__patch_ctx *ctx, const copa__rs_plan *plan, const char *layer_path,
                           const copa__layer_result *layer, const copa_patch_result *res)
{
    copa__engine *written = NULL;
    char **patched = NULL;
    int rc = add_new_layer(ctx, layer_path, layer);

    if (rc == 0)
        rc = ctx->engine_ops->load(&written, &ctx->image);
    if (rc == 0)
        rc = installed_by_patch(&patched, plan);
    if (rc == 0)
        rc = write_document(ctx, written, patched, plan->nsteps, res);
    free_list(patched);
    if (written != NULL)
        ctx->engine_ops->free(written);
    return rc;
}
