/*
 * The reading half of a patch: open the image (platform chosen), stream
 * the base layers once into the rootfs view, detect the OS (cross-checked
 * with the report) and the engine that patches it, and let the engine load
 * the installed packages and the image's own sources, verified against
 * its own keys.
 */
#include "patch/context.h"
#include "layer/rootfs_files.h"
#include "layercache/layer_cache.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int copa__patch_timed_out(const copa__patch_ctx *ctx)
{
    return ctx->deadline > 0 && copa__progress_now() > ctx->deadline;
}

/*
 * Polled by every network transfer of the run (registry, indexes, packages): the
 * deadline and a cancel the progress callback returned stop a download in
 * progress, not only at the next stage.
 */
int copa__patch_transfer_cancel(void *payload)
{
    const copa__patch_ctx *ctx = payload;
    return ctx->progress.cancelled != 0 || copa__patch_timed_out(ctx);
}

/* Reads a layer blob and reports the bytes. */
typedef struct layer_read {
    copa__blob_reader *reader;
    copa__patch_ctx *ctx;
    const char *item;
    double done, total, reported;
} layer_read;

static ssize_t read_layer(void *payload, void *buf, size_t length)
{
    layer_read *l = payload;
    size_t got;
    int error = copa__blob_reader_read(l->reader, buf, length, &got);

    if (error != 0)
        return error;
    l->done += (double)got;
    /* One event per MiB (and at the end) keeps bars byte-accurate and cheap. */
    if (l->done - l->reported >= 1048576.0 || (got == 0 && l->done != l->reported)) {
        l->reported = l->done;
        if (copa__progress_bytes(&l->ctx->progress, l->item, l->done, l->total) != 0)
            return COPA_ECANCELLED;
    }
    if (copa__patch_timed_out(l->ctx))
        return copa__error_set(COPA_ETIMEOUT, "timed out while reading the image's layers");
    return (ssize_t)got;
}

/*
 * Base layer `i` into the view: from the layer index cache when it holds
 * the layer (no byte of the blob is read then), else from the blob, which
 * fills the cache. *needs_bytes: the cached entry was recorded over another
 * base and the view, now unusable, must be built again (add_layers).
 */
static int add_layer(copa__patch_ctx *ctx, copa__layer_cache *cache, size_t i, int from_bytes,
                     int *needs_bytes, size_t *hits)
{
    const cJSON *rootfs = cJSON_GetObjectItemCaseSensitive(ctx->config.doc.json, "rootfs");
    const cJSON *id =
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(rootfs, "diff_ids"), (int)i);
    const copa__descriptor *d = &ctx->manifest.layers[i];
    copa__layer_source source;
    copa__layer_desc desc;
    layer_read l;
    int error;

    desc.media_type = d->media_type;
    desc.digest = d->digest;
    desc.size = (int64_t)d->size;
    desc.diff_id = cJSON_IsString(id) ? id->valuestring : NULL;
    *needs_bytes = 0;
    if (cache != NULL && !from_bytes) {
        error = copa__layer_cache_apply(cache, ctx->rootfs, &desc, needs_bytes);
        if (error == 0) {
            (*hits)++;
            return copa__progress_bytes(&ctx->progress, d->digest, d->size, d->size);
        }
        if (error != COPA_ENOTFOUND || *needs_bytes)
            return error;
    }
    memset(&l, 0, sizeof(l));
    l.ctx = ctx;
    l.item = d->digest;
    l.total = d->size;
    if ((error = copa__source_blob(ctx->src, &l.reader, d->digest, d->size)) != 0)
        return error;
    memset(&source, 0, sizeof(source));
    source.fd = -1;
    source.read = read_layer;
    source.payload = &l;
    error = copa__layer_cache_add(cache, ctx->rootfs, &desc, &source);
    copa__blob_reader_free(l.reader);
    return error;
}

static int add_layers(copa__patch_ctx *ctx)
{
    copa__layer_cache *cache = NULL;
    unsigned char *from_bytes = calloc(ctx->base_layers + 1, 1);
    char summary[96];
    size_t i = 0, hits = 0;
    int error = from_bytes != NULL ? 0 : copa__error_oom(), needs_bytes = 0;

    if (error == 0)
        error = copa__layer_cache_open(&cache, ctx->opts->cache_dir);
    for (;;) {
        hits = 0;
        for (i = 0; error == 0 && i < ctx->base_layers; i++)
            error = add_layer(ctx, cache, i, from_bytes[i], &needs_bytes, &hits);
        if (error == 0 || !needs_bytes)
            break;
        /* Layer i-1's entry lacks a file this image keeps: again, reading its bytes. */
        from_bytes[i - 1] = 1;
        copa_error_clear();
        copa__rootfs_free(ctx->rootfs);
        ctx->rootfs = NULL;
        if ((error = copa__rootfs_new(&ctx->rootfs, NULL)) != 0)
            break;
    }
    if (error == 0 && cache != NULL) {
        snprintf(summary, sizeof(summary), "%zu of %zu layers from the layer index cache", hits,
                 ctx->base_layers);
        copa__progress_summary(&ctx->progress, summary);
    }
    copa__layer_cache_free(cache);
    free(from_bytes);
    return error;
}

void copa__patch_transport_init(copa__patch_ctx *ctx)
{
    const copa_patch_options *o = ctx->opts;

    ctx->transport.credentials = o->credentials;
    ctx->transport.insecure_registries = o->insecure_registries;
    ctx->transport.ca_file = o->ca_file;
    ctx->transport.cert_dir = o->cert_dir;
    ctx->transport.cache_dir = o->cache_dir;
    ctx->transport.cancel = copa__patch_transfer_cancel;
    ctx->transport.cancel_payload = ctx;
}

static int open_image(copa__patch_ctx *ctx)
{
    const copa_patch_options *o = ctx->opts;
    int rc;

    copa__patch_transport_init(ctx);
    /* A platform of a multi-platform run (multi.c) comes chosen. */
    if (ctx->want == NULL && o->platform != NULL) {
        if ((rc = copa__platform_parse(&ctx->platform, o->platform)) != 0)
            return rc;
        ctx->want = &ctx->platform;
    }
    if (ctx->src == NULL && (rc = copa__source_open(&ctx->src, ctx->ref, &ctx->transport)) != 0)
        return rc;
    if ((rc = copa__source_resolve(ctx->src, ctx->want, NULL, &ctx->has_index, &ctx->manifest,
                                   &ctx->config)) != 0)
        return rc;
    ctx->have_image = 1;
    /* Checked before the layers are read: nothing is downloaded in vain. */
    if (ctx->compression == COPA__COMPRESSION_ZSTD && !o->dry_run &&
        ctx->manifest.family == COPA__FAMILY_DOCKER)
        return copa__error_set(COPA_EINVALID,
                               "layer compression '%s': %s has a Docker schema 2 manifest, which "
                               "cannot hold zstd layers (only OCI images can); use gzip",
                               o->layer_compression, ctx->src->name);
    if ((rc = copa__repatch_detect(&ctx->repatch, ctx->config.doc.json,
                                   ctx->manifest.layer_count)) != 0)
        return rc;
    ctx->base_layers = ctx->repatch.patched && !ctx->read_all_layers ? ctx->repatch.base_layers
                                                                     : ctx->manifest.layer_count;
    return 0;
}

static int read_rootfs(copa__patch_ctx *ctx)
{
    int rc;

    if ((rc = copa__rootfs_new(&ctx->rootfs, NULL)) != 0)
        return rc;
    if ((rc = add_layers(ctx)) != 0)
        return copa__error_prefix("%s: ", ctx->src->name);
    copa__rootfs_files(&ctx->files, ctx->rootfs);
    return 0;
}

/* The report's OS family must be one an engine patches, and the image's engine. */
static int check_report_engine(const copa__patch_ctx *ctx, const char *family)
{
    const copa__engine_ops *by_report;

    if (family == NULL || family[0] == '\0')
        return 0;
    by_report = copa__engine_for_family(family);
    if (by_report == ctx->engine_ops)
        return 0;
    if (by_report == NULL) {
        char supported[256];
        copa__engine_supported(supported, sizeof(supported));
        return copa__error_set(
            COPA_EUNSUPPORTED,
            "the report is for %s, which no copa engine patches (copa supports %s)", family,
            supported);
    }
    return copa__error_set(COPA_EINVALID,
                           "the report is for %s (%s), but %s is patched with %s: the report is "
                           "not for this image",
                           family, by_report->name, ctx->src->name, ctx->engine_ops->name);
}

static int detect(copa__patch_ctx *ctx)
{
    const copa_report_metadata *md =
        ctx->report != NULL ? copa_report_metadata_get(ctx->report) : NULL;
    char supported[256];
    int rc = copa__os_release_load(&ctx->os, &ctx->files);

    copa__engine_supported(supported, sizeof(supported));
    if (rc == COPA_ENOTFOUND)
        return copa__error_set(COPA_EUNSUPPORTED,
                               "%s has no /etc/os-release: copa cannot tell which OS it is "
                               "(copa supports %s)",
                               ctx->src->name, supported);
    if (rc != 0)
        return rc;
    if (md != NULL &&
        (rc = copa__os_release_check_report(&ctx->os, md->os_family, md->os_version)) != 0)
        return rc;
    ctx->image.name = ctx->src->name;
    ctx->image.files = &ctx->files;
    ctx->image.os = &ctx->os;
    ctx->image.arch = ctx->config.architecture;
    ctx->image.variant = ctx->config.variant;
    if ((rc = copa__engine_find(&ctx->engine_ops, &ctx->image)) != 0 ||
        (md != NULL && (rc = check_report_engine(ctx, md->os_family)) != 0))
        return rc;
    return ctx->engine_ops->load(&ctx->engine, &ctx->image);
}

static int load_sources(copa__patch_ctx *ctx)
{
    return ctx->engine_ops->sources(ctx->engine, &ctx->image, &ctx->net, &ctx->events);
}

/* Run one stage between progress events. */
static int stage(copa__patch_ctx *ctx, const char *name, const char *message,
                 int (*fn)(copa__patch_ctx *))
{
    int rc;

    if ((rc = copa__progress_begin(&ctx->progress, name, message)) != 0)
        return rc;
    if ((rc = fn(ctx)) != 0)
        return ctx->progress.cancelled != 0 ? ctx->progress.cancelled : rc;
    return copa__progress_end(&ctx->progress);
}

int copa__patch_load_image(copa__patch_ctx *ctx)
{
    int rc;

    copa__patch_engine_wire(ctx);
    if ((rc = stage(ctx, "open", ctx->opts->image, open_image)) != 0 ||
        (rc = stage(ctx, "read", "reading the image's layers", read_rootfs)) != 0 ||
        (rc = stage(ctx, "detect", "OS and installed packages", detect)) != 0)
        return rc;
    return 0;
}

int copa__patch_load(copa__patch_ctx *ctx)
{
    int rc;

    if ((rc = copa__patch_load_image(ctx)) != 0 ||
        (rc = stage(ctx, "sources", ctx->engine_ops->sources_message, load_sources)) != 0)
        return rc;
    return 0;
}

void copa__patch_ctx_free(copa__patch_ctx *ctx)
{
    if (ctx->engine != NULL)
        ctx->engine_ops->free(ctx->engine);
    copa__mirrors_free(&ctx->mirrors);
    copa__os_release_free(&ctx->os);
    copa__rootfs_free(ctx->rootfs);
    copa__repatch_free(&ctx->repatch);
    if (ctx->have_image) {
        copa__manifest_free(&ctx->manifest);
        copa__config_free(&ctx->config);
    }
    copa__source_free(ctx->src);
    copa_report_free(ctx->report);
    copa_reference_free(ctx->ref);
}
