/*
 * copa_patch: load (load.c) -> plan (the engine's) -> layer (the engine
 * writes it, write.c) -> rebuilt image -> VEX. Re-patching plans against the base image with the
 * packages copa upgraded before as extra requests, so the new layer is
 * cumulative and replaces the old one (docs/patch.md, "Re-patching").
 */
#include "image/rebuild.h"
#include "patch/context.h"
#include "util/error.h"
#include "util/temp.h"
#include "util/threads.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct plan_state {
    copa__rs_request *reqs;
    size_t nreqs;
    char **extra; /* re-patch: "name" and "version" strings the requests borrow */
    copa__rs_plan plan;
    int have_plan;
} plan_state;

/* Re-patch, report mode: what copa upgraded before must stay upgraded. */
static int add_repatch_requests(plan_state *ps, const copa__patch_ctx *ctx)
{
    const copa__repatch *r = &ctx->repatch;
    copa__rs_request *grown;
    size_t i;

    if (r->package_count == 0)
        return 0;
    grown = realloc(ps->reqs, (ps->nreqs + r->package_count) * sizeof(*grown));
    if (grown == NULL || (ps->extra = calloc(r->package_count + 1, sizeof(char *))) == NULL) {
        if (grown != NULL)
            ps->reqs = grown;
        return copa__error_oom();
    }
    ps->reqs = grown;
    for (i = 0; i < r->package_count; i++) {
        char *eq;
        if ((ps->extra[i] = strdup(r->packages[i])) == NULL)
            return copa__error_oom();
        if ((eq = strchr(ps->extra[i], '=')) == NULL)
            continue;
        *eq = '\0';
        /* Only packages the base has: new ones come back as dependencies. */
        if (!ctx->engine_ops->is_installed(ctx->engine, ps->extra[i]))
            continue;
        memset(&ps->reqs[ps->nreqs], 0, sizeof(ps->reqs[0]));
        ps->reqs[ps->nreqs].name = ps->extra[i];
        ps->reqs[ps->nreqs].fixed_version = eq + 1;
        ps->nreqs++;
    }
    return 0;
}

static int make_plan(plan_state *ps, copa__patch_ctx *ctx, copa_patch_result *res)
{
    int rc, resolved;

    if (ctx->report != NULL) {
        if ((rc = copa__rs_requests_from_report(&ps->reqs, &ps->nreqs, ctx->report)) != 0 ||
            (rc = add_repatch_requests(ps, ctx)) != 0)
            return rc;
    }
    resolved =
        ctx->engine_ops->plan(ctx->engine, &ps->plan, ps->reqs, ps->nreqs, ctx->report == NULL);
    if (resolved != 0 && resolved != COPA_EUNSATISFIABLE)
        return resolved;
    ps->have_plan = 1;
    if ((rc = copa__patch_result_set_plan(res, &ps->plan)) != 0 ||
        (rc = copa__patch_result_set_unfixable(res, ctx->report)) != 0 ||
        (rc = copa__rs_plan_render_text(&res->plan_text, &ps->plan)) != 0 ||
        (rc = copa__rs_plan_render_json(&res->plan_json, &ps->plan)) != 0)
        return rc;
    if (resolved != 0 && !ctx->opts->ignore_errors)
        return copa__error_set(COPA_EUNSATISFIABLE, "%s (--ignore-errors patches the rest)",
                               ps->plan.failures[0].message);
    return 0;
}

static void plan_state_free(plan_state *ps)
{
    size_t i;

    if (ps->have_plan)
        copa__rs_plan_free(&ps->plan);
    free(ps->reqs);
    for (i = 0; ps->extra != NULL && ps->extra[i] != NULL; i++)
        free(ps->extra[i]);
    free(ps->extra);
}

/* Nothing to do: no step, or (re-patch) nothing the earlier patch did not install. */
static int up_to_date(const copa__rs_plan *plan, const copa__repatch *r)
{
    size_t i, j;

    for (i = 0; i < plan->nsteps; i++) {
        const copa__rs_step *s = &plan->steps[i];
        size_t n = strlen(s->name);
        int found = 0;
        for (j = 0; !found && j < r->package_count; j++)
            found = strncmp(r->packages[j], s->name, n) == 0 && r->packages[j][n] == '=' &&
                    strcmp(r->packages[j] + n + 1, s->to) == 0;
        if (!found)
            return 0;
    }
    return 1;
}

static int check_options(copa__patch_ctx *ctx, const copa_patch_options *o)
{
    int threads, rc;

    /* A malformed $COPA_THREADS fails now, not after the downloads. */
    if ((rc = copa__threads_count(&threads, 0)) != 0)
        return rc;
    if (o->image == NULL || o->image[0] == '\0')
        return copa__error_set(COPA_EINVALID, "no image to patch: give one with -i IMAGE");
    if (o->tag != NULL && o->tag[0] != '\0' && o->tag_suffix != NULL)
        return copa__error_set(COPA_EINVALID, "use either a tag (-t) or a tag suffix, not both");
    if ((rc = copa__mirrors_parse(&ctx->mirrors, o->mirrors, o->mirror_count)) != 0)
        return rc;
    return copa__patch_compression_parse(&ctx->compression, &ctx->compression_level,
                                         o->layer_compression);
}

/* A docker-archive's manifest.json cannot say a layer is zstd (docker load expects gzip). */
static int check_destination(const copa__patch_ctx *ctx, const char *destination)
{
    copa_reference *to = NULL;
    int rc;

    if (ctx->compression != COPA__COMPRESSION_ZSTD)
        return 0;
    if ((rc = copa_reference_parse(&to, destination)) != 0)
        return rc;
    if (copa_reference_transport(to) == COPA_TRANSPORT_DOCKER_ARCHIVE)
        rc = copa__error_set(COPA_EINVALID,
                             "layer compression '%s': a docker-archive (%s) cannot hold zstd "
                             "layers; use gzip, or write an OCI layout (--oci-dir)",
                             ctx->opts->layer_compression, destination);
    copa_reference_free(to);
    return rc;
}

int copa__patch_one(copa__patch_ctx *ctx, copa_patch_result *res)
{
    const copa_patch_options *o = ctx->opts;
    plan_state ps;
    int rc;

    if ((rc = copa__patch_load(ctx)) != 0)
        return rc;
    res->repatched = ctx->repatch.patched;
    memset(&ps, 0, sizeof(ps));
    if ((rc = copa__progress_begin(&ctx->progress, "resolve", "planning the upgrades")) == 0 &&
        (rc = make_plan(&ps, ctx, res)) == 0)
        rc = copa__progress_end(&ctx->progress);
    if (rc == 0 &&
        (ps.plan.nsteps == 0 || (ctx->repatch.patched && up_to_date(&ps.plan, &ctx->repatch))))
        res->up_to_date = 1;
    if (rc == 0 && !o->dry_run && !res->up_to_date)
        rc = copa__patch_write(ctx, &ps.plan, res);
    if (o->dry_run || res->up_to_date) {
        free(res->destination);
        res->destination = NULL;
    }
    plan_state_free(&ps);
    return rc;
}

/* Checked up front, in a dry run too: what the dry run accepts, the real
 * run accepts, and the real run fails before any download. */
static int check_outputs(copa__patch_ctx *ctx, copa_patch_result *res)
{
    char *hint = NULL;
    int rc = copa__patch_destination(&res->destination, &hint, ctx->ref, ctx->opts);

    free(hint);
    if (rc == 0)
        rc = check_destination(ctx, res->destination);
    if (rc == 0)
        rc = copa__patch_check_outputs(ctx->opts);
    return rc;
}

static int run(copa__patch_ctx *ctx, copa_patch_result *res)
{
    const copa_patch_options *o = ctx->opts;
    copa_report_options ro = COPA_REPORT_OPTIONS_INIT;
    int rc, multi = 0;

    if ((rc = copa_reference_parse(&ctx->ref, o->image)) != 0 ||
        (rc = copa__patch_multi_wanted(&multi, ctx)) != 0)
        return rc;
    if (multi)
        return (rc = check_outputs(ctx, res)) != 0 ? rc : copa__patch_multi(ctx, res);
    if (o->report != NULL) {
        ro.format = o->report_format;
        ro.scanner = o->scanner;
        ro.ignore_errors = o->ignore_errors;
        if ((rc = copa_report_parse_file(&ctx->report, o->report, &ro)) != 0)
            return rc;
    }
    if ((rc = check_outputs(ctx, res)) != 0)
        return rc;
    return copa__patch_one(ctx, res);
}

/* A failure before the plan was made leaves nothing worth returning. */
static int learned_nothing(const copa_patch_result *r)
{
    return r->plan_text == NULL && r->plan_json == NULL && r->update_count == 0 &&
           r->skipped_count == 0 && r->unfixable_count == 0 && r->digest[0] == '\0';
}

int copa_patch(copa_patch_result **out, const copa_patch_options *options)
{
    copa_patch_options opts; /* the caller's, at the current version */
    copa__patch_ctx ctx;
    copa_patch_result *res;
    int rc;

    if (out != NULL)
        *out = NULL;
    if (out == NULL)
        return copa__error_set(COPA_EINVALID, "copa_patch: out is NULL");
    memset(&ctx, 0, sizeof(ctx));
    if ((rc = copa__patch_options_copy(&opts, options)) != 0 ||
        (rc = check_options(&ctx, &opts)) != 0 || (rc = copa__patch_result_new(&res)) != 0) {
        copa__mirrors_free(&ctx.mirrors);
        return rc;
    }
    ctx.opts = &opts;
    ctx.result = res;
    if (!opts.dry_run) /* what killed runs left in TMPDIR (a dry run writes nothing) */
        copa__temp_reap_stale();
    copa__progress_init(&ctx.progress, opts.progress, opts.progress_payload);
    if (opts.timeout_ms > 0)
        ctx.deadline = ctx.progress.start + (double)opts.timeout_ms / 1000.0;
    rc = run(&ctx, res);
    if (rc != 0 && ctx.progress.cancelled != 0)
        rc = ctx.progress.cancelled;
    else if (rc != 0 && copa__patch_timed_out(&ctx))
        rc = copa__error_set(COPA_ETIMEOUT, "timed out after %.0f s (during %s); raise --timeout",
                             (double)opts.timeout_ms / 1000.0, ctx.progress.stage);
    copa__patch_ctx_free(&ctx);
    res->elapsed = copa__progress_now() - ctx.progress.start;
    if (rc != 0 && learned_nothing(res)) {
        copa_patch_result_free(res); /* as documented: NULL when nothing was learned */
        res = NULL;
    }
    *out = res;
    return rc;
}

int copa_plan(char **out, const copa_patch_options *options, copa_plan_format format)
{
    copa_patch_options dry;
    copa_patch_result *res = NULL;
    const char *text;
    int rc;

    if (out == NULL || options == NULL)
        return copa__error_set(COPA_EINVALID, "copa_plan: out and options are required");
    *out = NULL;
    /* Not `*options`: a version-1 caller's struct is shorter than ours. */
    if ((rc = copa__patch_options_copy(&dry, options)) != 0)
        return rc;
    dry.dry_run = 1;
    rc = copa_patch(&res, &dry);
    text = copa_patch_result_plan(res, format);
    if (res != NULL && (rc == 0 || text[0] != '\0') && (*out = strdup(text)) == NULL)
        rc = copa__error_oom();
    copa_patch_result_free(res);
    return rc;
}

void copa_plan_free(char *plan)
{
    free(plan);
}
