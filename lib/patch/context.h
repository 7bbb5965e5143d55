/*
 * The state of one patch run, shared by the pipeline's stage files:
 * load.c (image, rootfs view, OS, the engine: installed packages and
 * sources), pipeline.c (plan) and write.c (layer, image, VEX). What is
 * distribution-specific is the engine's (engine/engine.h).
 */
#ifndef COPA_LIB_PATCH_CONTEXT_H
#define COPA_LIB_PATCH_CONTEXT_H

#include "engine/engine.h"
#include "image/transport.h"
#include "layer/rootfs.h"
#include "layer/sink.h"
#include "patch/patch.h"
#include "pkg/osrelease.h"
#include "util/image_files.h"

typedef struct copa__patch_ctx {
    const copa_patch_options *opts; /* current version (copa__patch_options_copy) */
    copa__compression compression;  /* of the new layer (opts->layer_compression) */
    int compression_level;
    copa__progress progress;
    double deadline; /* monotonic seconds; 0: none */
    copa_reference *ref;
    copa_report *report;
    copa__transport_options transport;
    copa__platform platform;
    const copa__platform *want; /* NULL: the host's */
    copa__source *src;
    copa__index idx;
    int has_index, have_image;
    copa__manifest manifest;
    copa__config config;
    copa__repatch repatch;
    size_t base_layers;  /* layers the patch goes on top of */
    int read_all_layers; /* the inventory: copa's own layer is read too */
    copa__rootfs *rootfs;
    copa__image_files files;
    copa__os_release os;
    copa__mirrors mirrors;              /* --mirror rules, parsed up front */
    copa__engine_image image;           /* what the engine sees (borrows the above) */
    const copa__engine_ops *engine_ops; /* the engine that claimed the image */
    copa__engine *engine;               /* its state: installed packages, sources */
    copa__engine_net net;               /* cache, trust, mirrors, cancel */
    copa__engine_events events;         /* the engine's notes and bytes into progress */
    copa_patch_result *result;          /* where skipped scripts go (NULL: nowhere) */
    /* One platform of a multi-platform patch (multi.c): the new manifest
     * goes into this index session as entry rb_entry, and the fixes into
     * `claims` for the one VEX document written at the end. */
    struct copa__index_rebuild *rb;
    size_t rb_entry;
    copa__vex_claims *claims;
} copa__patch_ctx;

/* ctx->transport from the options (idempotent; load.c). */
void copa__patch_transport_init(copa__patch_ctx *ctx);

/* One image (one platform): load, plan, write (pipeline.c). The report, if
 * any, is ctx->report; the destination res->destination. */
int copa__patch_one(copa__patch_ctx *ctx, copa_patch_result *res);

/*
 * Whether this run patches several platforms of an index (multi.c): the
 * source is an index and --platform is absent or a list, or the report is
 * a directory. Opens the source into ctx->src (reused by the load).
 */
int copa__patch_multi_wanted(int *multi, copa__patch_ctx *ctx);
/* The multi-platform run: each selected platform patched, one index written. */
int copa__patch_multi(copa__patch_ctx *ctx, copa_patch_result *res);

/*
 * The VEX document of what was written to res->destination: the fixes of
 * `plan` (one image) and/or `claims` (a multi-platform index; write.c).
 * The product is named by the destination's repository, else the source's,
 * else the local layout's directory.
 */
int copa__patch_write_vex(copa__patch_ctx *ctx, const copa__rs_plan *plan,
                          const copa__vex_claims *claims, copa_patch_result *res);

/* Record a platform's fixes for the multi-platform VEX (multi.c). */
int copa__patch_claims_add(copa__patch_ctx *ctx, const copa__rs_plan *plan, const char *digest);

/* --run-scripts: the base layers into a scratch tree (payload: the ctx; scripts_base.c). */
struct copa__tree;
int copa__patch_apply_base(void *payload, struct copa__tree *tree);

/* Fill ctx->net and ctx->events from the options (engine_events.c). */
void copa__patch_engine_wire(copa__patch_ctx *ctx);

/* Open the image and read what the plan needs; each stage reports progress. */
int copa__patch_load(copa__patch_ctx *ctx);
/* The first stages of copa__patch_load: open, read the layers, detect and load (no sources). */
int copa__patch_load_image(copa__patch_ctx *ctx);
void copa__patch_ctx_free(copa__patch_ctx *ctx);

/* Download, build the layer, write the image, the VEX (write.c). */
int copa__patch_write(copa__patch_ctx *ctx, const copa__rs_plan *plan, copa_patch_result *res);

/* The CycloneDX SBOM of the image just written, to opts->sbom_path (sbom.c). */
int copa__patch_write_sbom(copa__patch_ctx *ctx, const copa__rs_plan *plan, const char *layer_path,
                           const copa__layer_result *layer, const copa_patch_result *res);

/* Non-zero once the deadline has passed. */
int copa__patch_timed_out(const copa__patch_ctx *ctx);
/* The cancel poll of every network transfer of the run (payload: the ctx):
 * non-zero once the deadline has passed or the progress callback cancelled. */
int copa__patch_transfer_cancel(void *payload);

#endif
