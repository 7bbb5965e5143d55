/*
 * The resolver's driver: picks the roots (report entries or every
 * upgradable package), closes each one in a transaction that is undone when
 * it fails, and turns the final state into a plan.
 */
#include "resolve/state.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What one root is asked to reach, for messages. */
typedef struct root_ctx {
    const copa__rs_request *req; /* NULL in update-all mode */
    char head[600];              /* "foo 1.0 cannot reach >= 1.2 (CVE-1)" */
} root_ctx;

typedef struct problems {
    copa__rs_problem *items;
    size_t count, cap;
} problems;

static const char *keep(copa__rs_plan *plan, const char *str, int *rc)
{
    char *d;
    if (str == NULL)
        return NULL;
    if ((d = copa__arena_strndup(&plan->arena, str, strlen(str))) == NULL)
        *rc = copa__error_oom();
    return d;
}

/* "CVE-1, CVE-2, CVE-3 and 4 more" */
static void ids_str(char *buf, size_t size, const char *const *ids, size_t n, size_t max)
{
    size_t i, used = 0;
    buf[0] = '\0';
    for (i = 0; i < n && i < max && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", ids[i]);
    if (n > max && used < size)
        snprintf(buf + used, size - used, " and %zu more", n - max);
}

static void make_head(const copa__rs_state *s, root_ctx *ctx, const char *name,
                      const copa__rs_pkg *inst, const char *target)
{
    char nm[300] = "", ids[300] = "";
    if (inst != NULL)
        copa__rs_pkg_str(s, nm, sizeof(nm), inst);
    if (ctx->req != NULL)
        ids_str(ids, sizeof(ids), ctx->req->ids, ctx->req->nids, 3);
    if (ctx->req != NULL)
        snprintf(ctx->head, sizeof(ctx->head), "%.200s%s%.100s cannot reach >= %.100s%s%.150s%s",
                 inst ? nm : name, inst ? " " : "", inst ? inst->version : "",
                 ctx->req->fixed_version, ids[0] ? " (" : "", ids, ids[0] ? ")" : "");
    else
        snprintf(ctx->head, sizeof(ctx->head), "%.200s %.100s is kept back from %.100s", nm,
                 inst->version, target);
}

static int add_problem(copa__rs_plan *plan, problems *list, const copa__rs_state *s,
                       const root_ctx *ctx, size_t slot, const char *name, copa__rs_cause cause,
                       const char *best, const char *culprit, const char *text)
{
    const copa__rs_slot *sl = slot != RS_NONE ? &s->slots[slot] : NULL;
    copa__rs_problem *p;
    char msg[2048], req[300];
    int rc = 0;

    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 16;
        copa__rs_problem *n = realloc(list->items, cap * sizeof(*n));
        if (n == NULL)
            return copa__error_oom();
        list->items = n;
        list->cap = cap;
    }
    p = &list->items[list->count];
    memset(p, 0, sizeof(*p));
    snprintf(msg, sizeof(msg), "%s: %s", ctx->head, text);
    if (ctx->req != NULL)
        snprintf(req, sizeof(req), ">= %s", ctx->req->fixed_version);
    else
        snprintf(req, sizeof(req), "%s", sl && sl->cand ? sl->cand->version : "");
    p->name = keep(plan, name, &rc);
    p->arch = sl && sl->inst ? sl->inst->arch : NULL;
    p->installed = sl && sl->inst ? sl->inst->version : NULL;
    p->required = keep(plan, req, &rc);
    p->best = keep(plan, best, &rc);
    p->cause = cause;
    p->culprit = culprit && culprit[0] ? keep(plan, culprit, &rc) : NULL;
    p->message = keep(plan, msg, &rc);
    p->ids = ctx->req ? ctx->req->ids : NULL;
    p->nids = ctx->req ? ctx->req->nids : 0;
    if (rc == 0)
        list->count++;
    return rc;
}

/* The closure's problem text, with the chain from the failing package to the root. */
static void closure_text(const copa__rs_state *s, size_t root, char *buf, size_t size)
{
    size_t used, k = s->fail_slot, hops = 0;
    char nm[300];

    snprintf(buf, size, "%s", s->fail_text);
    for (; k != RS_NONE && k != root && hops < 8; k = s->slots[k].by, hops++) {
        const copa__rs_slot *sl = &s->slots[k];
        used = strlen(buf);
        if (sl->by == RS_NONE || s->slots[sl->by].cur == NULL)
            break;
        snprintf(buf + used, size - used, "%s%s %s is needed by %s", hops ? ", " : " (",
                 copa__rs_pkg_str(s, nm, sizeof(nm), sl->cur), sl->cur->version,
                 s->slots[sl->by].cur->name);
    }
    if (hops > 0 && (used = strlen(buf)) < size)
        snprintf(buf + used, size - used, ")");
}

/* Move root slot i to `to` with its closure; on a problem undo everything. */
static int attempt(copa__rs_plan *plan, problems *list, copa__rs_state *s, const root_ctx *ctx,
                   size_t i, const copa__rs_pkg *to, copa__rs_why why)
{
    size_t mark = s->nundo;
    char text[1500];
    int rc;

    s->failed = 0;
    if ((rc = copa__rs_set(s, i, to, why, RS_NONE, NULL, NULL, NULL)) < 0)
        return rc;
    s->slots[i].root = 1;
    rc = copa__rs_close(s);
    if (rc == 0)
        return 0;
    if (rc != COPA_EUNSATISFIABLE)
        return rc;
    closure_text(s, i, text, sizeof(text));
    rc = add_problem(plan, list, s, ctx, i, s->slots[i].name, s->fail_cause, s->fail_best,
                     s->fail_culprit, text);
    copa__rs_rollback(s, mark);
    return rc;
}

/* The best version anywhere for a package with no usable candidate. */
static const copa__rs_pkg *best_any(const copa__rs_state *s, const char *name)
{
    const copa__rs_pkg *best = NULL;
    size_t n, k = copa__rs_cands_of(s, name, &n), end = k + n;
    for (; k < end; k++)
        if (best == NULL || copa__rs_vcmp(s, s->cands[k]->version, best->version) > 0)
            best = s->cands[k];
    return best;
}

/*
 * apt's Upgrade-By-Source-Package (on by default since apt 2.x): installed
 * packages of the same source move along with a requested one when their
 * candidate is built from the same source version as its target. They are
 * a bonus, not a requirement: one that cannot move is left alone.
 */
static int follow_source(copa__rs_state *s, size_t i)
{
    const copa__rs_pkg *t = s->slots[i].cur, *old = s->slots[i].inst;
    size_t j, mark;
    int rc;

    for (j = 0; j < s->nslots; j++) {
        const copa__rs_slot *q = &s->slots[j];
        if (q->inst == NULL || q->cur != q->inst || q->cand == NULL || q->inst->held ||
            strcmp(q->inst->source, old->source) != 0 || strcmp(q->cand->source, t->source) != 0 ||
            copa__rs_vcmp(s, q->cand->source_version, t->source_version) != 0)
            continue;
        mark = s->nundo;
        s->failed = 0;
        if ((rc = copa__rs_set(s, j, q->cand, COPA__RS_WHY_SOURCE, i, NULL, t, NULL)) < 0)
            return rc;
        if ((rc = copa__rs_close(s)) == COPA_EUNSATISFIABLE)
            copa__rs_rollback(s, mark);
        else if (rc < 0)
            return rc;
    }
    s->failed = 0;
    return 0;
}

static int request_slot(copa__rs_plan *plan, problems *fails, copa__rs_state *s,
                        const copa__rs_request *r, size_t ri, size_t i)
{
    copa__rs_slot *sl = &s->slots[i];
    const copa__rs_pkg *c = sl->cand;
    root_ctx ctx;
    char text[600];
    int rc;

    if (copa__rs_vcmp(s, sl->inst->version, r->fixed_version) >= 0)
        return 0; /* already fixed */
    ctx.req = r;
    make_head(s, &ctx, r->name, sl->inst, NULL);
    if (sl->cur != sl->inst && copa__rs_vcmp(s, sl->cur->version, r->fixed_version) >= 0) {
        sl->req = ri + 1; /* already pulled in by an earlier request */
        sl->root = 1;
        return 0;
    }
    if (sl->inst->held) {
        snprintf(text, sizeof(text), "%s is held%s%s%s", sl->name, c ? " (the sources have " : "",
                 c ? c->version : "", c ? ")" : "");
        return add_problem(plan, fails, s, &ctx, i, sl->name, COPA__RS_HELD, c ? c->version : NULL,
                           NULL, text);
    }
    if (c == NULL || copa__rs_vcmp(s, c->version, r->fixed_version) < 0) {
        const copa__rs_pkg *b = c ? c : copa__rs_policy(s, sl->name, sl->arch);
        if (b == NULL)
            b = best_any(s, sl->name);
        if (b == NULL)
            return add_problem(plan, fails, s, &ctx, i, sl->name, COPA__RS_NOT_IN_SOURCES, NULL,
                               NULL, "it is not in the sources");
        snprintf(text, sizeof(text), "the best available version is %s%s", b->version,
                 copa__rs_vcmp(s, b->version, sl->inst->version) == 0 ? " (the installed one)"
                 : strcmp(copa__rs_arch_key(s, b->arch), sl->arch) != 0
                     ? " (for another architecture)"
                     : "");
        return add_problem(plan, fails, s, &ctx, i, sl->name, COPA__RS_TOO_OLD, b->version, NULL,
                           text);
    }
    sl->req = ri + 1;
    if ((rc = attempt(plan, fails, s, &ctx, i, c, COPA__RS_WHY_REPORT)) < 0)
        return rc;
    return s->slots[i].cur == c ? follow_source(s, i) : 0;
}

static int report_mode(copa__rs_plan *plan, problems *fails, copa__rs_state *s,
                       const copa__rs_request *reqs, size_t nreqs, const size_t *order)
{
    size_t k, i, n;
    int rc;

    for (k = 0; k < nreqs; k++) {
        const copa__rs_request *r = &reqs[order[k]];
        root_ctx ctx;
        size_t first = copa__rs_find(s, r->name);
        for (n = 0, i = first; i != RS_NONE; i = s->slots[i].next ? s->slots[i].next - 1 : RS_NONE)
            if (s->slots[i].inst != NULL) {
                n++;
                if ((rc = request_slot(plan, fails, s, r, order[k], i)) < 0)
                    return rc;
            }
        if (n > 0)
            continue;
        ctx.req = r;
        make_head(s, &ctx, r->name, NULL, NULL);
        if ((rc = add_problem(plan, fails, s, &ctx, RS_NONE, r->name, COPA__RS_NOT_INSTALLED, NULL,
                              NULL, "it is not installed")) < 0)
            return rc;
    }
    return 0;
}

static int update_all(copa__rs_plan *plan, problems *kept, copa__rs_state *s, const size_t *order,
                      size_t n)
{
    size_t k;
    int rc;

    for (k = 0; k < n; k++) {
        size_t i = order[k];
        copa__rs_slot *sl = &s->slots[i];
        root_ctx ctx;
        if (sl->cand == NULL)
            continue;
        if (sl->cur == sl->cand) {
            sl->root = 1;
            continue;
        }
        ctx.req = NULL;
        make_head(s, &ctx, sl->name, sl->inst, sl->cand->version);
        if (sl->inst->held) {
            if ((rc = add_problem(plan, kept, s, &ctx, i, sl->name, COPA__RS_HELD,
                                  sl->cand->version, NULL, "it is held")) < 0)
                return rc;
            continue;
        }
        if ((rc = attempt(plan, kept, s, &ctx, i, sl->cand, COPA__RS_WHY_UPDATE_ALL)) < 0)
            return rc;
    }
    return 0;
}

int copa__rs_run(copa__rs_plan *plan, copa__rs_problem **fails, size_t *nfails,
                 copa__rs_problem **kept, size_t *nkept, copa__rs_state *s,
                 const copa__rs_request *reqs, size_t nreqs, const size_t *order, size_t norder)
{
    problems f = {NULL, 0, 0}, k = {NULL, 0, 0};
    int rc = plan->update_all ? update_all(plan, &k, s, order, norder)
                              : report_mode(plan, &f, s, reqs, nreqs, order);
    *fails = f.items;
    *nfails = f.count;
    *kept = k.items;
    *nkept = k.count;
    return rc;
}
