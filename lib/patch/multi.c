/*
 * A multi-platform patch: the source is an index and no single --platform
 * was asked for (every linux platform is patched) or a list was
 * (`--platform linux/amd64,linux/arm64`), or the report is a directory of
 * per-platform reports. Each selected platform runs the one-image pipeline
 * (copa__patch_one) with its own report; its new manifest goes into one
 * index session (image/rebuild_index.h) that is committed once at the end,
 * so nothing is visible unless every platform succeeded (with
 * --ignore-errors a failed platform is kept unpatched). Platforms without a
 * report when reports were given are kept (Copacetic's behaviour), and so
 * are the entries not selected. See docs/patch.md, "Multi-platform images".
 */
#include "copa/vex.h"
#include "image/platform_list.h"
#include "image/rebuild_index.h"
#include "patch/context.h"
#include "report/report_dir.h"
#include "util/buffer.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int is_directory(const char *path)
{
    struct stat st;
    return path != NULL && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int copa__patch_multi_wanted(int *multi, copa__patch_ctx *ctx)
{
    const copa_patch_options *o = ctx->opts;

    *multi = 0;
    if (o->platform != NULL && strchr(o->platform, ',') == NULL && !is_directory(o->report))
        return 0; /* one platform asked for: the one-image pipeline */
    copa__patch_transport_init(ctx);
    /* Unreadable here: the one-image pipeline reports it, in its usual order. */
    if (copa__source_open(&ctx->src, ctx->ref, &ctx->transport) != 0)
        return 0;
    *multi = ctx->src->top_kind == COPA__DOC_INDEX;
    if (!*multi && is_directory(o->report))
        return copa__error_set(COPA_EINVALID,
                               "%s is a directory of reports, but %s is a single-platform "
                               "image: give one report file",
                               o->report, ctx->src->name);
    return 0;
}

/* What the run decided and learned, shared by the platform runs. */
typedef struct multi_run {
    copa__index idx;
    int have_idx;
    copa__entry_plan *plans;
    copa__platform_list list;
    copa__platform_reports reports; /* -r DIR */
    copa_report *report;            /* -r FILE: for the entry it names */
    size_t report_entry;
    copa__index_rebuild *rb; /* NULL in a dry run */
    copa__vex_claims claims;
    copa__buf plan_text;
    cJSON *plan_json;
    size_t patched;
} multi_run;

static void multi_free(multi_run *m)
{
    if (m->have_idx)
        copa__index_free(&m->idx);
    free(m->plans);
    copa__platform_list_free(&m->list);
    copa__platform_reports_free(&m->reports);
    copa_report_free(m->report);
    copa__index_rebuild_free(m->rb);
    free(m->claims.items);
    copa__arena_free(&m->claims.arena);
    copa__buf_free(&m->plan_text);
    cJSON_Delete(m->plan_json);
}

static int read_reports(multi_run *m, const copa_patch_options *o)
{
    copa_report_options ro = COPA_REPORT_OPTIONS_INIT;
    int rc;

    if (o->report == NULL)
        return 0;
    ro.format = o->report_format;
    ro.scanner = o->scanner;
    ro.ignore_errors = o->ignore_errors;
    if (is_directory(o->report))
        return copa__report_dir_read(&m->reports, o->report, &ro, &m->idx, m->plans);
    if ((rc = copa_report_parse_file(&m->report, o->report, &ro)) != 0)
        return rc;
    return copa__report_match_entry(&m->report_entry, m->report, &m->idx, m->plans);
}

static size_t selected_count(const multi_run *m)
{
    size_t i, n = 0;
    for (i = 0; i < m->idx.manifest_count; i++)
        n += m->plans[i].role == COPA__ENTRY_PATCH;
    return n;
}

static int prepare(multi_run *m, copa__patch_ctx *ctx, const char *destination)
{
    const copa_patch_options *o = ctx->opts;
    copa_reference *to = NULL;
    int rc;

    if (o->sbom_path != NULL)
        return copa__error_set(COPA_EINVALID, "--sbom describes one image: with a multi-platform "
                                              "image, choose its platform with --platform");
    if ((rc = copa__index_parse(&m->idx, ctx->src->top, ctx->src->top_length)) != 0)
        return copa__error_prefix("%s: ", ctx->src->name);
    m->have_idx = 1;
    if (o->platform != NULL && (rc = copa__platform_list_parse(&m->list, o->platform)) != 0)
        return rc;
    if ((rc = copa__index_plan(&m->plans, &m->idx, o->platform != NULL ? &m->list : NULL)) != 0 ||
        (rc = read_reports(m, o)) != 0)
        return rc;
    if ((rc = copa_reference_parse(&to, destination)) == 0)
        rc = copa__index_rebuild_check(to, selected_count(m));
    if (rc == 0 && !o->dry_run)
        rc = copa__index_rebuild_open(&m->rb, ctx->ref, to, &ctx->transport);
    copa_reference_free(to);
    copa__arena_init(&m->claims.arena);
    m->plan_json = cJSON_CreateArray();
    return rc != 0 ? rc : m->plan_json == NULL ? copa__error_oom() : 0;
}

/* The report for entry i: NULL with *keep set when reports were given but none names it. */
static const copa_report *report_for(const multi_run *m, size_t i, int *keep)
{
    *keep = 0;
    if (m->report != NULL) {
        *keep = m->report_entry != i;
        return *keep ? NULL : m->report;
    }
    if (m->reports.count > 0) {
        const copa_report *r = copa__platform_reports_find(&m->reports, i);
        *keep = r == NULL;
        return r;
    }
    return NULL;
}

/* The platform run's plan into the combined text and JSON. */
static int add_plans(multi_run *m, const char *platform, const copa_patch_result *sub)
{
    cJSON *entry = cJSON_CreateObject(), *plan = NULL;
    int rc = copa__buf_appendf(&m->plan_text, "%s%s:\n%s", m->plan_text.length > 0 ? "\n" : "",
                               platform, sub->plan_text != NULL ? sub->plan_text : "");

    if (entry == NULL || !cJSON_AddItemToArray(m->plan_json, entry))
        return copa__error_oom();
    if (sub->plan_json != NULL && (plan = cJSON_Parse(sub->plan_json)) == NULL)
        return copa__error_oom();
    if (cJSON_AddStringToObject(entry, "platform", platform) == NULL ||
        (plan != NULL && !cJSON_AddItemToObject(entry, "plan", plan)))
        return copa__error_oom();
    return rc;
}

/* The child context of one platform: the run's options, reference, mirrors
 * and progress, this platform and its report; nothing it borrows is freed. */
static void child_init(copa__patch_ctx *child, copa__patch_ctx *ctx, multi_run *m, size_t i,
                       const copa_report *report, copa_patch_result *sub)
{
    memset(child, 0, sizeof(*child));
    child->opts = ctx->opts;
    child->compression = ctx->compression;
    child->compression_level = ctx->compression_level;
    child->progress = ctx->progress;
    child->deadline = ctx->deadline;
    child->ref = ctx->ref;
    child->report = (copa_report *)report;
    child->platform = m->idx.manifests[i].platform;
    child->want = &child->platform;
    child->mirrors = ctx->mirrors;
    child->result = sub;
    child->rb = m->rb;
    child->rb_entry = i;
    child->claims = &m->claims;
}

static void child_free(copa__patch_ctx *child, copa__patch_ctx *ctx)
{
    ctx->progress = child->progress; /* stage times, a cancel */
    child->ref = NULL;
    child->report = NULL;
    memset(&child->mirrors, 0, sizeof(child->mirrors));
    copa__patch_ctx_free(child);
}

/* Patch entry i; a failure is the run's unless --ignore-errors keeps the platform. */
static int patch_entry(multi_run *m, copa__patch_ctx *ctx, size_t i, const char *platform,
                       const char *destination, copa_patch_result *res)
{
    const copa__descriptor *d = &m->idx.manifests[i];
    copa__patch_ctx child;
    copa_patch_result *sub = NULL;
    const copa_report *report;
    int keep, rc;

    report = report_for(m, i, &keep);
    if (keep)
        return copa__patch_result_add_platform(res, platform, "kept", 0, d->digest,
                                               "no report for this platform");
    if ((rc = copa__patch_result_new(&sub)) != 0)
        return rc;
    if ((sub->destination = strdup(destination)) == NULL) {
        copa_patch_result_free(sub);
        return copa__error_oom();
    }
    child_init(&child, ctx, m, i, report, sub);
    rc = copa__patch_one(&child, sub);
    child_free(&child, ctx);
    if (rc != 0 && ctx->progress.cancelled == 0 && ctx->opts->ignore_errors) {
        char message[1024];
        snprintf(message, sizeof(message), "%s", copa_error_last());
        rc = copa__progress_note(&ctx->progress, message);
        if (rc == 0)
            rc = copa__patch_result_add_platform(res, platform, "error", 0, d->digest, message);
    } else if (rc == 0) {
        int patched = !sub->up_to_date;
        m->patched += patched;
        if ((rc = add_plans(m, platform, sub)) == 0 &&
            (rc = copa__patch_result_merge(res, sub)) == 0)
            rc = copa__patch_result_add_platform(res, platform, patched ? "patched" : "up-to-date",
                                                 sub->update_count,
                                                 ctx->opts->dry_run ? ""
                                                 : patched          ? sub->digest
                                                                    : d->digest,
                                                 "");
    } else {
        rc = copa__error_prefix("%s: ", platform);
    }
    copa_patch_result_free(sub);
    return rc;
}

static int patch_platforms(multi_run *m, copa__patch_ctx *ctx, const char *destination,
                           copa_patch_result *res)
{
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < m->idx.manifest_count; i++) {
        const copa__descriptor *d = &m->idx.manifests[i];
        char platform[96];
        if (m->plans[i].role == COPA__ENTRY_ATTESTATION || !d->has_platform)
            continue;
        copa__platform_format(platform, sizeof(platform), &d->platform);
        if (m->plans[i].role == COPA__ENTRY_KEEP)
            rc = copa__patch_result_add_platform(
                res, platform, "kept", 0, d->digest,
                ctx->opts->platform != NULL ? "not in --platform" : "not a linux platform");
        else
            rc = patch_entry(m, ctx, i, platform, destination, res);
    }
    return rc;
}

/* The index, committed once every platform is written; the dropped attestations said. */
static int commit(multi_run *m, copa__patch_ctx *ctx, copa_patch_result *res)
{
    copa__index_rebuild_outcome out;
    size_t i;
    int rc;

    memset(&out, 0, sizeof(out));
    if ((rc = copa__progress_begin(&ctx->progress, "write", res->destination)) != 0 ||
        (rc = copa__index_rebuild_commit(m->rb, &out)) != 0)
        return rc;
    snprintf(res->digest, sizeof(res->digest), "%s", out.digest);
    for (i = 0; rc == 0 && i < out.dropped_count; i++) {
        char note[256];
        snprintf(note, sizeof(note),
                 "attestation manifest %s left out: it described a platform image that was "
                 "patched",
                 out.dropped[i]);
        rc = copa__progress_note(&ctx->progress, note);
    }
    copa__strings_free(out.dropped, out.dropped_count);
    return rc == 0 ? copa__progress_end(&ctx->progress) : rc;
}

static int write_vex(multi_run *m, copa__patch_ctx *ctx, copa_patch_result *res)
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
        const char *path = copa_reference_path(dst), *slash = path ? strrchr(path, '/') : NULL;
        in.repository = slash != NULL && slash[1] != '\0' ? slash + 1 : "image";
    }
    in.tag = copa_reference_tag(dst);
    in.digest = res->digest;
    in.claims = &m->claims;
    rc = patch_write_vex(&written, &in);
    if (rc == 0 && !written)
        rc = copa__progress_note(&ctx->progress, "no VEX document written: nothing fixed has a "
                                                 "vulnerability ID (give a report with -r)");
    copa_reference_free(dst);
    return rc;
}

static int finish(multi_run *m, copa__patch_ctx *ctx, copa_patch_result *res)
{
    int rc = 0;

    res->plan_text = copa__buf_detach(&m->plan_text);
    if ((res->plan_json = cJSON_Print(m->plan_json)) == NULL || res->plan_text == NULL)
        return copa__error_oom();
    res->up_to_date = m->patched == 0;
    if (ctx->opts->dry_run || res->up_to_date) {
        free(res->destination);
        res->destination = NULL;
        return 0;
    }
    if ((rc = commit(m, ctx, res)) == 0 && ctx->opts->vex_path != NULL)
        rc = write_vex(m, ctx, res);
    return rc;
}

int copa__patch_multi(copa__patch_ctx *ctx, copa_patch_result *res)
{
    multi_run m;
    int rc;

    memset(&m, 0, sizeof(m));
    if ((rc = prepare(&m, ctx, res->destination)) == 0 &&
        (rc = patch_platforms(&m, ctx, res->destination, res)) == 0)
        rc = finish(&m, ctx, res);
    multi_free(&m);
    return rc;
}

int copa__patch_claims_add(copa__patch_ctx *ctx, const copa__rs_plan *plan, const char *digest)
{
    copa__vex_claims *c = ctx->claims;
    size_t i, j;
    int rc = 0;

    for (i = 0; rc == 0 && i < plan->nsteps; i++) {
        const copa__rs_step *s = &plan->steps[i];
        char *purl = NULL;
        if (s->nids == 0)
            continue;
        if ((rc = copa_vex_purl_package(&purl, ctx->engine_ops->format, ctx->os.id,
                                        ctx->os.version_id, s->name, s->to, s->arch)) != 0)
            return rc;
        for (j = 0; rc == 0 && j < s->nids; j++) {
            copa__vex_claim *grown;
            if (c->count == c->capacity) {
                size_t cap = c->capacity != 0 ? c->capacity * 2 : 16;
                if ((grown = realloc(c->items, cap * sizeof(*grown))) == NULL) {
                    rc = copa__error_oom();
                    break;
                }
                c->items = grown;
                c->capacity = cap;
            }
            c->items[c->count].id = copa__arena_strdup(&c->arena, s->ids[j]);
            c->items[c->count].package_purl = copa__arena_strdup(&c->arena, purl);
            c->items[c->count].platform_digest = copa__arena_strdup(&c->arena, digest);
            if (c->items[c->count].id == NULL || c->items[c->count].package_purl == NULL ||
                c->items[c->count].platform_digest == NULL)
                rc = copa__error_oom();
            else
                c->count++;
        }
        copa_vex_string_free(purl);
    }
    return rc;
}
