/*
 * copa__resolve: check the input, order the roots, run them, and turn the
 * final state into a sorted plan with a reason for every package.
 */
#include "resolve/state.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_slot(const void *a, const void *b, void *ctx)
{
    const copa__rs_state *s = ctx;
    const copa__rs_slot *x = &s->slots[*(const size_t *)a], *y = &s->slots[*(const size_t *)b];
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->arch, y->arch);
}

static int cmp_req(const void *a, const void *b, void *ctx)
{
    const copa__rs_request *r = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(r[x].name, r[y].name);
    return c ? c : (x < y ? -1 : x > y);
}

static int cmp_step(const void *a, const void *b)
{
    const copa__rs_step *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->arch, y->arch);
}

static int cmp_problem(const void *a, const void *b)
{
    const copa__rs_problem *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    c = strcmp(x->arch ? x->arch : "", y->arch ? y->arch : "");
    return c ? c : strcmp(x->message, y->message);
}

const char *copa__rs_cause_name(copa__rs_cause cause)
{
    static const char *const names[] = {"not-installed", "not-in-sources", "too-old", "held",
                                        "conflict",      "dependency",     "sibling"};
    return (unsigned)cause < sizeof(names) / sizeof(names[0]) ? names[cause] : "unknown";
}

static void ids_join(char *buf, size_t size, const char *const *ids, size_t n)
{
    size_t i, used = 0;
    buf[0] = '\0';
    for (i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", ids[i]);
}

static void why_text(const copa__rs_state *s, const copa__rs_slot *sl, const copa__rs_request *reqs,
                     char *buf, size_t size)
{
    const copa__rs_pkg *by = sl->by != RS_NONE ? s->slots[sl->by].cur : NULL;
    char nm[300] = "", rel[256] = "";

    if (sl->root && sl->req) {
        ids_join(buf, size, reqs[sl->req - 1].ids, reqs[sl->req - 1].nids);
        return;
    }
    if (sl->root || by == NULL) {
        snprintf(buf, size, "update-all");
        return;
    }
    if (sl->why == COPA__RS_WHY_SIBLING)
        snprintf(nm, sizeof(nm), "%s:%s", by->name, by->arch);
    else
        copa__rs_pkg_str(s, nm, sizeof(nm), by);
    if (sl->rel != NULL)
        copa__rs_dep_str(rel, sizeof(rel), sl->rel);
    switch (sl->why) {
    case COPA__RS_WHY_SOURCE:
        snprintf(buf, size, "same source as %s (%s %s)", nm, by->source, by->source_version);
        break;
    case COPA__RS_WHY_SIBLING:
        snprintf(buf, size, "needed by %s (Multi-Arch: same)", nm);
        break;
    case COPA__RS_WHY_REVDEP:
        if (strcmp(sl->cur->source, by->source) == 0)
            snprintf(buf, size, "needed by %s (same source %s; %s: %s)", nm, by->source,
                     sl->rel_field, rel);
        else
            snprintf(buf, size, "needed by %s (its %s: %s)", nm, sl->rel_field, rel);
        break;
    case COPA__RS_WHY_REVBREAKS:
        snprintf(buf, size, "needed by %s (its %s: %s)", nm, sl->rel_field, rel);
        break;
    default:
        snprintf(buf, size, "needed by %s (%s: %s)", nm, sl->rel_field, rel);
    }
}

static int build_steps(copa__rs_plan *plan, const copa__rs_state *s, const copa__rs_request *reqs)
{
    size_t i, n = 0;
    char why[1024];

    for (i = 0; i < s->nslots; i++)
        n += s->slots[i].cur != NULL && s->slots[i].cur != s->slots[i].inst;
    if ((plan->steps = calloc(n + 1, sizeof(*plan->steps))) == NULL)
        return copa__error_oom();
    for (i = 0; i < s->nslots; i++) {
        const copa__rs_slot *sl = &s->slots[i];
        copa__rs_step *st = &plan->steps[plan->nsteps];
        if (sl->cur == NULL || sl->cur == sl->inst)
            continue;
        st->name = sl->cur->name;
        st->arch = sl->cur->arch;
        st->from = sl->inst ? sl->inst->version : NULL;
        st->to = sl->cur->version;
        st->action = sl->inst ? COPA__RS_UPGRADE : COPA__RS_NEW;
        st->why = sl->root ? (sl->req ? COPA__RS_WHY_REPORT : COPA__RS_WHY_UPDATE_ALL) : sl->why;
        st->pkg = sl->cur;
        if (sl->root && sl->req) {
            st->ids = reqs[sl->req - 1].ids;
            st->nids = reqs[sl->req - 1].nids;
        }
        why_text(s, sl, reqs, why, sizeof(why));
        if ((st->why_text = copa__arena_strndup(&plan->arena, why, strlen(why))) == NULL)
            return copa__error_oom();
        plan->download_size += sl->cur->size;
        plan->nsteps++;
    }
    qsort(plan->steps, plan->nsteps, sizeof(*plan->steps), cmp_step);
    return 0;
}

static int check_input(const copa__rs_world *w, const copa__rs_request *reqs, size_t nreqs,
                       int update_all)
{
    size_t i;
    if (w == NULL || (nreqs > 0 && reqs == NULL))
        return copa__error_set(COPA_EINVALID, "resolver: NULL argument");
    if (update_all && nreqs > 0)
        return copa__error_set(COPA_EINVALID, "resolver: update-all takes no requests");
    for (i = 0; i < nreqs; i++) {
        if (reqs[i].name == NULL || reqs[i].fixed_version == NULL)
            return copa__error_set(COPA_EINVALID, "resolver: request %zu without name or version",
                                   i);
        if (copa_version_valid(w->format, reqs[i].fixed_version) < 0)
            return copa__error_prefix("fixed version of %s: ", reqs[i].name);
    }
    return 0;
}

/* Roots in a fixed order: requests by name, or installed slots by name and arch. */
static int roots(size_t **out, size_t *n, copa__rs_state *s, const copa__rs_request *reqs,
                 size_t nreqs, int update_all)
{
    size_t i, count = update_all ? s->nslots : nreqs;
    if ((*out = malloc((count + 1) * sizeof(**out))) == NULL)
        return copa__error_oom();
    for (i = 0; i < count; i++)
        (*out)[i] = i;
    *n = count;
    if (update_all)
        qsort_r(*out, count, sizeof(**out), cmp_slot, s);
    else
        qsort_r(*out, count, sizeof(**out), cmp_req, (void *)reqs);
    return 0;
}

int copa__resolve(copa__rs_plan *out, const copa__rs_world *w, const copa__rs_request *reqs,
                  size_t nreqs, int update_all)
{
    copa__rs_state s;
    size_t *order = NULL, norder = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    copa__arena_init(&out->arena);
    out->update_all = update_all != 0;
    if ((rc = check_input(w, reqs, nreqs, update_all)) < 0)
        return rc;
    if ((rc = copa__rs_state_init(&s, w)) == 0 &&
        (rc = roots(&order, &norder, &s, reqs, nreqs, update_all)) == 0 &&
        (rc = copa__rs_run(out, &out->failures, &out->nfailures, &out->kept, &out->nkept, &s, reqs,
                           nreqs, order, norder)) == 0)
        rc = build_steps(out, &s, reqs);
    free(order);
    copa__rs_state_free(&s);
    if (rc < 0)
        return rc;
    if (out->failures != NULL)
        qsort(out->failures, out->nfailures, sizeof(*out->failures), cmp_problem);
    if (out->kept != NULL)
        qsort(out->kept, out->nkept, sizeof(*out->kept), cmp_problem);
    if (out->nfailures > 0) {
        if (out->nfailures == 1)
            return copa__error_set(COPA_EUNSATISFIABLE, "%s", out->failures[0].message);
        return copa__error_set(COPA_EUNSATISFIABLE, "%s (and %zu more)", out->failures[0].message,
                               out->nfailures - 1);
    }
    return 0;
}

void copa__rs_plan_free(copa__rs_plan *plan)
{
    if (plan == NULL)
        return;
    free(plan->steps);
    free(plan->failures);
    free(plan->kept);
    copa__arena_free(&plan->arena);
    memset(plan, 0, sizeof(*plan));
}
