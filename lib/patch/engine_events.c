/*
 * What the pipeline hands an engine besides the image: the network
 * settings of the run (cache, trust, --mirror, the cancel poll) and the
 * events through which an engine's notes, summaries, skipped scripts and
 * download bytes reach the run's progress and result.
 */
#include "patch/context.h"

static int on_note(void *payload, const char *text)
{
    copa__patch_ctx *ctx = payload;
    return copa__progress_note(&ctx->progress, text);
}

static void on_summary(void *payload, const char *text)
{
    copa__patch_ctx *ctx = payload;
    copa__progress_summary(&ctx->progress, text);
}

static int on_script(void *payload, const char *text)
{
    copa__patch_ctx *ctx = payload;
    return ctx->result != NULL ? copa__patch_result_add_script(ctx->result, text) : 0;
}

/* Download bytes: a cancel from the callback or the deadline stops the transfers. */
static int on_bytes(void *payload, const char *item, unsigned long long done,
                    unsigned long long total)
{
    copa__patch_ctx *ctx = payload;
    if (copa__progress_bytes(&ctx->progress, item, (double)done, (double)total) != 0)
        return 1;
    return copa__patch_timed_out(ctx);
}

void copa__patch_engine_wire(copa__patch_ctx *ctx)
{
    const copa_patch_options *o = ctx->opts;

    ctx->net.cache_dir = o->cache_dir;
    ctx->net.ca_file = o->ca_file;
    ctx->net.mirrors = &ctx->mirrors;
    ctx->net.insecure_allow_unsigned = o->insecure_allow_unsigned;
    ctx->net.cancel = copa__patch_transfer_cancel;
    ctx->net.cancel_payload = ctx;
    ctx->events.note = on_note;
    ctx->events.summary = on_summary;
    ctx->events.script = on_script;
    ctx->events.bytes = on_bytes;
    ctx->events.payload = ctx;
}
