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
#include "util/threads.h"

#include <pthread.h>
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
    int have_claims_lock;
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
    if (m->have_claims_lock)
        pthread_mutex_destroy(&m->claims.lock);
    copa__buf_free(&m->plan_text);
    cJSON_Delete(m->plan_json);
}

/*
 * The entry a single report file is for: the platform it names; a report
 * that names none (a native report without metadata) stays with this
 * host's platform, as before multi-platform patching.
 */
static int match_report_file(multi_run *m, const char *path)
{
    copa__platform named, host;
    int has_variant;

    if (copa__report_platform(&named, &has_variant, m->report) == 0)
        return copa__report_match_entry(&m->report_entry, m->report, &m->idx, m->plans);
    copa_error_clear();
    copa__platform_host(&host);
    if (copa__index_select(&m->report_entry, &m->idx, &host) != 0)
        return copa__error_set(COPA_EINVALID,
                               "%s names no platform and the image has none for this host: "
                               "give --platform",
                               path);
    return 0;
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
    return match_report_file(m, o->report);
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
    pthread_mutex_init(&m->claims.lock, NULL);
    m->have_claims_lock = 1;
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

/* Progress events of platforms patched at once reach the caller one at a time. */
typedef struct shared_progress {
    pthread_mutex_t lock;
    copa_progress_cb cb;
    void *payload;
} shared_progress;

static int locked_progress(const copa_progress *event, void *payload)
{
    shared_progress *sp = payload;
    int rc;

    pthread_mutex_lock(&sp->lock);
    rc = sp->cb(event, sp->payload);
    pthread_mutex_unlock(&sp->lock);
    return rc;
}

/* One platform's run (phase one, possibly on a worker thread). */
typedef struct platform_run {
    size_t entry;
    char platform[96];
    const copa_report *report;
    copa_patch_result *sub;
    int rc, cancelled;
    char message[1024]; /* the failure's, read on the thread that failed */
} platform_run;

typedef struct run_queue {
    multi_run *m;
    copa__patch_ctx *ctx;
    const char *destination;
    shared_progress *progress;
    platform_run *runs;
    size_t count, next;
    pthread_mutex_t lock;
} run_queue;

/* The child context of one platform: the run's options, reference, mirrors
 * and deadline, this platform and its report; nothing it borrows is freed. */
static void child_init(copa__patch_ctx *child, const run_queue *q, const platform_run *r)
{
    const copa__patch_ctx *ctx = q->ctx;

    memset(child, 0, sizeof(*child));
    child->opts = ctx->opts;
    child->compression = ctx->compression;
    child->compression_level = ctx->compression_level;
    child->progress = ctx->progress;
    if (ctx->progress.cb != NULL) {
        child->progress.cb = locked_progress;
        child->progress.payload = q->progress;
    }
    child->progress.platform = r->platform; /* its events say which platform */
    child->deadline = ctx->deadline;
    child->ref = ctx->ref;
    child->report = (copa_report *)r->report;
    child->platform = q->m->idx.manifests[r->entry].platform;
    child->want = &child->platform;
    child->mirrors = ctx->mirrors;
    child->result = r->sub;
    child->rb = q->m->rb;
    child->rb_entry = r->entry;
    child->claims = &q->m->claims;
}

static void run_one(run_queue *q, platform_run *r)
{
    copa__patch_ctx child;

    if ((r->rc = copa__patch_result_new(&r->sub)) != 0 ||
        (r->sub->destination = strdup(q->destination)) == NULL) {
        r->rc = copa__error_oom();
        snprintf(r->message, sizeof(r->message), "%s", copa_error_last());
        return;
    }
    child_init(&child, q, r);
    r->rc = copa__patch_one(&child, r->sub);
    if (r->rc != 0)
        snprintf(r->message, sizeof(r->message), "%s", copa_error_last());
    r->cancelled = child.progress.cancelled;
    child.ref = NULL;
    child.report = NULL;
    memset(&child.mirrors, 0, sizeof(child.mirrors));
    copa__patch_ctx_free(&child);
}

static void *worker(void *arg)
{
    run_queue *q = arg;

    for (;;) {
        platform_run *r = NULL;
        pthread_mutex_lock(&q->lock);
        if (q->next < q->count)
            r = &q->runs[q->next++];
        pthread_mutex_unlock(&q->lock);
        if (r == NULL)
            return NULL;
        run_one(q, r);
    }
}

/*
 * Phase one: every platform to patch, up to COPA_THREADS at once (each
 * within the one-image memory bound; their writes into the index session
 * are serialized there).
 */
static int run_all(run_queue *q)
{
    pthread_t threads[8];
    size_t n, i, started = 0;
    int wanted, rc;

    if ((rc = copa__threads_count(&wanted, 0)) != 0)
        return rc;
    n = wanted < 1 ? 1 : (size_t)wanted;
    n = n > q->count ? q->count : n;
    n = n > sizeof(threads) / sizeof(threads[0]) ? sizeof(threads) / sizeof(threads[0]) : n;
    for (i = 1; i < n; i++)
        if (pthread_create(&threads[started], NULL, worker, q) == 0)
            started++;
    worker(q); /* this thread works too */
    for (i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    return 0;
}

/* Phase two, in index order: a platform's outcome into the result. */
static int record(multi_run *m, copa__patch_ctx *ctx, platform_run *r, copa_patch_result *res)
{
    const copa__descriptor *d = &m->idx.manifests[r->entry];
    int patched, rc;

    if (r->cancelled != 0 && ctx->progress.cancelled == 0)
        ctx->progress.cancelled = r->cancelled;
    if (r->rc != 0 && r->cancelled == 0 && r->rc != COPA_ECANCELLED && ctx->opts->ignore_errors) {
        if ((rc = copa__progress_note(&ctx->progress, r->message)) != 0)
            return rc;
        return copa__patch_result_add_platform(res, r->platform, "error", 0, d->digest, r->message);
    }
    if (r->rc != 0)
        return copa__error_set(r->rc, "%s: %s", r->platform, r->message);
    patched = !r->sub->up_to_date;
    m->patched += (size_t)patched;
    if ((rc = add_plans(m, r->platform, r->sub)) != 0 ||
        (rc = copa__patch_result_merge(res, r->sub)) != 0)
        return rc;
    return copa__patch_result_add_platform(res, r->platform, patched ? "patched" : "up-to-date",
                                           r->sub->update_count,
                                           ctx->opts->dry_run ? ""
                                           : patched          ? r->sub->digest
                                                              : d->digest,
                                           "");
}

/* What each entry becomes: kept (with why) or a run for phase one. */
static int classify(multi_run *m, copa__patch_ctx *ctx, run_queue *q, copa_patch_result *res,
                    size_t i)
{
    const copa__descriptor *d = &m->idx.manifests[i];
    platform_run *r = &q->runs[q->count];
    char platform[96];
    int keep;

    if (m->plans[i].role == COPA__ENTRY_ATTESTATION || !d->has_platform)
        return 0;
    copa__platform_format(platform, sizeof(platform), &d->platform);
    if (m->plans[i].role == COPA__ENTRY_KEEP)
        return copa__patch_result_add_platform(
            res, platform, "kept", 0, d->digest,
            ctx->opts->platform != NULL ? "not in --platform" : "not a linux platform");
    memset(r, 0, sizeof(*r));
    r->entry = i;
    snprintf(r->platform, sizeof(r->platform), "%s", platform);
    r->report = report_for(m, i, &keep);
    if (keep)
        return copa__patch_result_add_platform(res, platform, "kept", 0, d->digest,
                                               "no report for this platform");
    q->count++;
    return 0;
}

static int patch_platforms(multi_run *m, copa__patch_ctx *ctx, const char *destination,
                           copa_patch_result *res)
{
    shared_progress sp;
    run_queue q;
    size_t i;
    int rc = 0;

    memset(&q, 0, sizeof(q));
    q.m = m;
    q.ctx = ctx;
    q.destination = destination;
    q.progress = &sp;
    sp.cb = ctx->progress.cb;
    sp.payload = ctx->progress.payload;
    pthread_mutex_init(&sp.lock, NULL);
    pthread_mutex_init(&q.lock, NULL);
    if ((q.runs = calloc(m->idx.manifest_count + 1, sizeof(*q.runs))) == NULL)
        rc = copa__error_oom();
    for (i = 0; rc == 0 && i < m->idx.manifest_count; i++)
        rc = classify(m, ctx, &q, res, i);
    if (rc == 0)
        rc = run_all(&q);
    /* Outcomes in the index's order, whatever order the platforms finished in. */
    for (i = 0; rc == 0 && i < q.count; i++)
        rc = record(m, ctx, &q.runs[i], res);
    for (i = 0; q.runs != NULL && i < q.count; i++)
        copa_patch_result_free(q.runs[i].sub);
    free(q.runs);
    pthread_mutex_destroy(&q.lock);
    pthread_mutex_destroy(&sp.lock);
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
        rc = copa__patch_write_vex(ctx, NULL, &m->claims, res);
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

/* One claim: `id` fixed by `purl` in the platform manifest `digest`. */
static int push_claim(copa__vex_claims *c, const char *id, const char *purl, const char *digest)
{
    copa__vex_claim *item;

    if (c->count == c->capacity) {
        size_t cap = c->capacity != 0 ? c->capacity * 2 : 16;
        copa__vex_claim *grown = realloc(c->items, cap * sizeof(*grown));
        if (grown == NULL)
            return copa__error_oom();
        c->items = grown;
        c->capacity = cap;
    }
    item = &c->items[c->count];
    item->id = copa__arena_strdup(&c->arena, id);
    item->package_purl = copa__arena_strdup(&c->arena, purl);
    item->platform_digest = copa__arena_strdup(&c->arena, digest);
    if (item->id == NULL || item->package_purl == NULL || item->platform_digest == NULL)
        return copa__error_oom();
    c->count++;
    return 0;
}

static int add_step_claims(copa__patch_ctx *ctx, const copa__rs_step *s, const char *digest)
{
    char *purl = NULL;
    size_t j;
    int rc;

    if (s->nids == 0)
        return 0;
    if ((rc = copa_vex_purl_package(&purl, ctx->engine_ops->format, ctx->os.id, ctx->os.version_id,
                                    s->name, s->to, s->arch)) != 0)
        return rc;
    for (j = 0; rc == 0 && j < s->nids; j++)
        rc = push_claim(ctx->claims, s->ids[j], purl, digest);
    copa_vex_string_free(purl);
    return rc;
}

int copa__patch_claims_add(copa__patch_ctx *ctx, const copa__rs_plan *plan, const char *digest)
{
    copa__vex_claims *c = ctx->claims;
    size_t i;
    int rc = 0;

    pthread_mutex_lock(&c->lock); /* platforms are written from several threads */
    for (i = 0; rc == 0 && i < plan->nsteps; i++)
        rc = add_step_claims(ctx, &plan->steps[i], digest);
    pthread_mutex_unlock(&c->lock);
    return rc;
}
