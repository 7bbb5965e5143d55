/*
 * The writing half of a patch: the engine downloads the plan's packages
 * and writes the layer's entries, finish it (gzip, digest, diff_id) into a
 * temporary file, and write the image with that one layer on top of the
 * base (an earlier copa layer is dropped), copa's labels and annotations,
 * and a history entry naming the packages. Then the VEX document.
 */
#include "image/rebuild.h"
#include "image/rebuild_index.h"
#include "patch/context.h"
#include "util/buffer.h"
#include "util/error.h"
#include "util/temp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* SOURCE_DATE_EPOCH when set (reproducible builds), else now. */
static long long patch_time(void)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    char *end;
    long long v;

    if (s != NULL && s[0] != '\0') {
        v = strtoll(s, &end, 10);
        if (*end == '\0' && v >= 0)
            return v;
    }
    return (long long)time(NULL);
}

static void rfc3339(char *out, size_t size, long long t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "copa patch: a 1 -> 2, b (new) 3" and the label "a=2 b=3". */
static int describe(char **created_by, char **packages, const copa__rs_plan *plan)
{
    copa__buf by = COPA__BUF_INIT, pk = COPA__BUF_INIT;
    size_t i;
    int rc = 0;

    rc = copa__buf_append_str(&by, "copa patch (libcopa " COPA_VERSION "):");
    for (i = 0; rc == 0 && i < plan->nsteps; i++) {
        const copa__rs_step *s = &plan->steps[i];
        rc = copa__buf_appendf(&by, "%s %s %s -> %s", i == 0 ? "" : ",", s->name,
                               s->from != NULL ? s->from : "(new)", s->to);
        if (rc == 0)
            rc = copa__buf_appendf(&pk, "%s%s=%s", i == 0 ? "" : " ", s->name, s->to);
    }
    if (rc == 0)
        rc = copa__buf_append_str(&pk, "");
    if (rc != 0) {
        copa__buf_free(&by);
        copa__buf_free(&pk);
        return rc;
    }
    *created_by = copa__buf_detach(&by);
    *packages = copa__buf_detach(&pk);
    return 0;
}

/* The finished layer in its own temporary directory (util/temp.h). */
typedef struct layer_file {
    char *dir;
    char *path;
    copa__layer_result result;
} layer_file;

/* The finished layer's file, its size and compression into the result. */
static int finish_layer(copa__patch_ctx *ctx, copa__layer_writer *writer, layer_file *lf,
                        copa_patch_result *res)
{
    int rc = copa__temp_dir(&lf->dir, "patch");

    if (rc == 0 && asprintf(&lf->path, "%s/layer.tar.%s", lf->dir,
                            ctx->compression == COPA__COMPRESSION_ZSTD ? "zst" : "gz") < 0) {
        lf->path = NULL;
        rc = copa__error_oom();
    }
    if (rc == 0)
        rc = copa__layer_writer_finish_path(writer, lf->path, &lf->result);
    if (rc == 0) {
        res->layer_size = (double)lf->result.size;
        copa__patch_compression_name(res->layer_compression, sizeof(res->layer_compression),
                                     ctx->compression, ctx->compression_level);
    }
    return rc;
}

static int build_layer(copa__patch_ctx *ctx, const copa__rs_plan *plan, layer_file *lf,
                       copa_patch_result *res)
{
    copa__engine_write_input in;
    copa__layer_writer_options wo;
    copa__layer_writer *writer = NULL;
    char **paths = NULL;
    int rc;

    if ((rc = copa__progress_begin(&ctx->progress, "download", "the packages")) != 0 ||
        (rc = ctx->engine_ops->fetch(ctx->engine, &paths, plan, &ctx->net, &ctx->events)) != 0 ||
        (rc = copa__progress_end(&ctx->progress)) != 0 ||
        (rc = copa__progress_begin(&ctx->progress, "build", "the patch layer")) != 0)
        goto out;
    copa__layer_writer_options_init(&wo);
    wo.compression = ctx->compression;
    wo.level = ctx->compression_level;
    if ((rc = copa__layer_writer_new(&writer, &wo)) != 0)
        goto out;
    memset(&in, 0, sizeof(in));
    in.rootfs = ctx->rootfs;
    in.files = &ctx->files;
    in.plan = plan;
    in.paths = (const char *const *)paths;
    in.writer = writer;
    in.net = &ctx->net;
    in.run_scripts = ctx->opts->run_scripts;
    in.ignore_errors = ctx->opts->ignore_errors;
    in.apply_base = copa__patch_apply_base;
    in.base_payload = ctx;
    if ((rc = ctx->engine_ops->write(ctx->engine, &in, &ctx->events)) == 0 &&
        (rc = finish_layer(ctx, writer, lf, res)) == 0)
        rc = copa__progress_end(&ctx->progress);
out:
    copa__layer_writer_free(writer);
    copa__engine_paths_free(paths, paths != NULL ? plan->nsteps : 0);
    return rc;
}

static int write_image(copa__patch_ctx *ctx, const copa__rs_plan *plan, const layer_file *lf,
                       copa_patch_result *res)
{
    char when[32], *created_by = NULL, *packages = NULL, *labels[5], *annotations[3];
    const char *base_digest = ctx->repatch.patched && ctx->repatch.base_digest[0] != '\0'
                                  ? ctx->repatch.base_digest
                                  : ctx->manifest.doc.digest;
    copa_reference *to = NULL;
    copa__new_layer layer;
    copa__rebuild spec;
    size_t i;
    int rc;

    rfc3339(when, sizeof(when), patch_time());
    if ((rc = describe(&created_by, &packages, plan)) != 0)
        return rc;
    memset(labels, 0, sizeof(labels));
    memset(annotations, 0, sizeof(annotations));
    if (asprintf(&labels[0], "%s=%s", COPA__LABEL_PATCHED, when) < 0 ||
        asprintf(&labels[1], "%s=%s", COPA__LABEL_BASE_DIGEST, base_digest) < 0 ||
        asprintf(&labels[2], "%s=%zu", COPA__LABEL_BASE_LAYERS, ctx->base_layers) < 0 ||
        asprintf(&labels[3], "%s=%s", COPA__LABEL_PACKAGES, packages) < 0 ||
        asprintf(&annotations[0], "%s=%s", COPA__LABEL_PATCHED, when) < 0 ||
        asprintf(&annotations[1], "%s=%s", COPA__LABEL_BASE_DIGEST, base_digest) < 0)
        rc = copa__error_oom();
    memset(&layer, 0, sizeof(layer));
    layer.digest = lf->result.digest;
    layer.size = (double)lf->result.size;
    layer.diff_id = lf->result.diff_id;
    layer.compression = ctx->compression;
    layer.created = when;
    layer.created_by = created_by;
    layer.comment = "copa: one layer with the upgraded packages";
    memset(&spec, 0, sizeof(spec));
    spec.layer = &layer;
    spec.layer_path = lf->path;
    spec.labels = (const char *const *)labels;
    /* Docker schema 2 manifests have no annotations; the labels carry the same. */
    spec.annotations =
        ctx->manifest.family == COPA__FAMILY_OCI ? (const char *const *)annotations : NULL;
    spec.drop_layers = ctx->repatch.patched ? 1 : 0;
    spec.digest_out = res->digest;
    if (rc == 0 && ctx->rb != NULL)
        rc = copa__index_rebuild_platform(ctx->rb, ctx->rb_entry, &spec);
    else if (rc == 0 && (rc = copa_reference_parse(&to, res->destination)) == 0)
        rc = copa__image_rebuild(ctx->ref, to, ctx->want, &spec, &ctx->transport);
    copa_reference_free(to);
    for (i = 0; i < 5; i++)
        free(labels[i]);
    for (i = 0; i < 3; i++)
        free(annotations[i]);
    free(created_by);
    free(packages);
    return rc;
}

/* The image's name for its purl: the destination's repository, else the
 * source's, else the local layout's directory name. */
static const char *local_name(const char *path)
{
    const char *slash = path != NULL ? strrchr(path, '/') : NULL;
    return slash != NULL && slash[1] != '\0' ? slash + 1 : path != NULL ? path : "image";
}

int copa__patch_write_vex(copa__patch_ctx *ctx, const copa__rs_plan *plan,
                          const copa__vex_claims *claims, copa_patch_result *res)
{
    copa__patch_vex_input in;
    copa_reference *dst = NULL;
    int rc, written = 0;

    if ((rc = copa_reference_parse(&dst, res->destination)) != 0)
        return rc;
    memset(&in, 0, sizeof(in));
    in.path = ctx->opts->vex_path;
    in.author = ctx->opts->vex_author;
    in.registry = copa_reference_registry(dst);
    in.repository = copa_reference_repository(dst);
    if (in.repository == NULL) {
        in.registry = copa_reference_registry(ctx->ref);
        in.repository = copa_reference_repository(ctx->ref);
    }
    if (in.repository == NULL)
        in.repository = local_name(copa_reference_path(ctx->ref));
    in.tag = copa_reference_tag(dst);
    in.digest = res->digest;
    in.distro_id = ctx->os.id;
    in.distro_version = ctx->os.version_id;
    in.format = ctx->engine_ops != NULL ? ctx->engine_ops->format : COPA_PKG_UNKNOWN;
    in.plan = plan;
    in.claims = claims;
    rc = patch_write_vex(&written, &in);
    if (rc == 0 && !written)
        rc = copa__progress_note(&ctx->progress, "no VEX document written: nothing fixed has a "
                                                 "vulnerability ID (give a report with -r)");
    copa_reference_free(dst);
    return rc;
}

/* After the image: its SBOM, read back from the layer file still on disk. */
static int write_sbom(copa__patch_ctx *ctx, const copa__rs_plan *plan, const layer_file *lf,
                      copa_patch_result *res)
{
    int rc = copa__progress_begin(&ctx->progress, "sbom", ctx->opts->sbom_path);

    if (rc == 0 && (rc = copa__patch_write_sbom(ctx, plan, lf->path, &lf->result, res)) != 0)
        return copa__error_prefix("the patched image was written to %s (%s), but not the "
                                  "SBOM: ",
                                  res->destination, res->digest);
    return rc == 0 ? copa__progress_end(&ctx->progress) : rc;
}

int copa__patch_write(copa__patch_ctx *ctx, const copa__rs_plan *plan, copa_patch_result *res)
{
    layer_file lf;
    int rc;

    memset(&lf, 0, sizeof(lf));
    rc = build_layer(ctx, plan, &lf, res);
    if (rc == 0 && (rc = copa__progress_begin(&ctx->progress, "write", res->destination)) == 0 &&
        (rc = write_image(ctx, plan, &lf, res)) == 0)
        rc = copa__progress_end(&ctx->progress);
    if (rc == 0 && ctx->opts->sbom_path != NULL)
        rc = write_sbom(ctx, plan, &lf, res);
    if (lf.path != NULL)
        unlink(lf.path);
    if (lf.dir != NULL)
        rmdir(lf.dir);
    free(lf.path);
    free(lf.dir);
    if (rc == 0 && ctx->claims != NULL) /* multi.c writes one VEX for every platform */
        return copa__patch_claims_add(ctx, plan, res->digest);
    if (rc == 0 && ctx->opts->vex_path != NULL &&
        (rc = copa__progress_begin(&ctx->progress, "vex", ctx->opts->vex_path)) == 0) {
        /* The image is there: say so, or a retry would patch it again. */
        if ((rc = copa__patch_write_vex(ctx, plan, NULL, res)) != 0)
            return copa__error_prefix("the patched image was written to %s (%s), but not the "
                                      "VEX document: ",
                                      res->destination, res->digest);
        rc = copa__progress_end(&ctx->progress);
    }
    return rc;
}
