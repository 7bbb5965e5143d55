/*
 * The state of one patch run, shared by the pipeline's stage files:
 * load.c (image, rootfs view, OS, dpkg database, apt sources) and
 * pipeline.c (plan, layer, write).
 */
#ifndef COPA_LIB_PATCH_CONTEXT_H
#define COPA_LIB_PATCH_CONTEXT_H

#include "debpatch/debpatch.h"
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
    copa__dpkg_db *db;
    copa__apt_result apt;
    int have_apt;
    copa__apt_prefs prefs; /* the image's /etc/apt/preferences(.d) */
    int have_prefs;
} copa__patch_ctx;

/* Open the image and read what the plan needs; each stage reports progress. */
int copa__patch_load(copa__patch_ctx *ctx);
/* The first stages of copa__patch_load: open, read the layers, detect (no apt sources). */
int copa__patch_load_image(copa__patch_ctx *ctx);
void copa__patch_ctx_free(copa__patch_ctx *ctx);

/* Download, build the layer, write the image, the VEX (write.c). */
int copa__patch_write(copa__patch_ctx *ctx, const copa__rs_plan *plan, copa_patch_result *res);

/* Where copa__patch_old_deb looks and how it downloads (old_deb.c). */
typedef struct copa__patch_old_deb_source {
    copa__patch_ctx *ctx;
    const copa__debpatch_fetch_options *fetch;
} copa__patch_old_deb_source;

/*
 * The debpatch old_deb callback (payload: a copa__patch_old_deb_source):
 * NAME VERSION for ARCH from the image's sources, verified and cached like
 * the plan's packages. COPA_ENOTFOUND when no source publishes it.
 */
int copa__patch_old_deb(char **path, void *payload, const char *name, const char *arch,
                        const char *version);

/* The CycloneDX SBOM of the image just written, to opts->sbom_path (sbom.c). */
int copa__patch_write_sbom(copa__patch_ctx *ctx, const copa__rs_plan *plan, const char *layer_path,
                           const copa__layer_result *layer, const copa_patch_result *res);

/* Non-zero once the deadline has passed. */
int copa__patch_timed_out(const copa__patch_ctx *ctx);
/* The cancel poll of every network transfer of the run (payload: the ctx):
 * non-zero once the deadline has passed or the progress callback cancelled. */
int copa__patch_transfer_cancel(void *payload);

#endif
