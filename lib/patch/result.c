/*
 * The result of a patch: copies of what the plan, the report and the
 * engine said, owned by the result (the world, plan and report are freed
 * before copa_patch returns), and the public accessors.
 */
#include "patch/patch.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

int copa__patch_result_new(copa_patch_result **out)
{
    if ((*out = calloc(1, sizeof(**out))) == NULL)
        return copa__error_oom();
    copa__arena_init(&(*out)->arena);
    return 0;
}

void copa_patch_result_free(copa_patch_result *r)
{
    if (r == NULL)
        return;
    free(r->destination);
    free(r->plan_text);
    free(r->plan_json);
    free(r->updates);
    free(r->skipped);
    free(r->unfixable);
    free(r->scripts);
    free(r->platforms);
    copa__arena_free(&r->arena);
    free(r);
}

/* An arena copy; "" for NULL. NULL only when memory runs out. */
static const char *dup(copa_patch_result *r, const char *s)
{
    if (s == NULL)
        return "";
    return copa__arena_strndup(&r->arena, s, strlen(s));
}

static int copy_step(copa_patch_result *r, copa_patch_update *u, const copa__rs_step *s)
{
    u->name = dup(r, s->name);
    u->arch = dup(r, s->arch);
    u->from = dup(r, s->from);
    u->to = dup(r, s->to);
    u->reason = dup(r, s->why_text);
    u->size = s->pkg != NULL ? (double)s->pkg->size : 0;
    u->is_new = s->action == COPA__RS_NEW;
    return u->name && u->arch && u->from && u->to && u->reason ? 0 : copa__error_oom();
}

static int copy_problem(copa_patch_result *r, copa_patch_skipped *k, const copa__rs_problem *p,
                        int failed)
{
    k->name = dup(r, p->name);
    k->installed = dup(r, p->installed);
    k->required = dup(r, p->required);
    k->best = dup(r, p->best);
    k->cause = copa__rs_cause_name(p->cause);
    k->message = dup(r, p->message);
    k->failed = failed;
    return k->name && k->installed && k->required && k->best && k->message ? 0 : copa__error_oom();
}

int copa__patch_result_set_plan(copa_patch_result *r, const copa__rs_plan *plan)
{
    size_t i, n = plan->nfailures + plan->nkept;
    int rc = 0;

    r->updates = calloc(plan->nsteps + 1, sizeof(*r->updates));
    r->skipped = calloc(n + 1, sizeof(*r->skipped));
    if (r->updates == NULL || r->skipped == NULL)
        return copa__error_oom();
    for (i = 0; rc == 0 && i < plan->nsteps; i++)
        rc = copy_step(r, &r->updates[i], &plan->steps[i]);
    r->update_count = plan->nsteps;
    for (i = 0; rc == 0 && i < plan->nfailures; i++)
        rc = copy_problem(r, &r->skipped[i], &plan->failures[i], 1);
    for (i = 0; rc == 0 && i < plan->nkept; i++)
        rc = copy_problem(r, &r->skipped[plan->nfailures + i], &plan->kept[i], 0);
    r->skipped_count = n;
    return rc;
}

int copa__patch_result_set_unfixable(copa_patch_result *r, const copa_report *report)
{
    size_t i, n = report != NULL ? copa_report_unfixed_count(report) : 0, k = 0;

    if ((r->unfixable = calloc(n + 1, sizeof(*r->unfixable))) == NULL)
        return copa__error_oom();
    for (i = 0; i < n; i++) {
        const copa_report_unfixed *u = copa_report_unfixed_get(report, i);
        copa_patch_unfixable *o = &r->unfixable[k];
        if (u == NULL || strcmp(u->pkg_class, "os-pkgs") != 0)
            continue;
        o->name = dup(r, u->name);
        o->installed = dup(r, u->installed_version);
        o->vulnerability_id = dup(r, u->vulnerability_id);
        o->status = dup(r, u->status);
        if (!o->name || !o->installed || !o->vulnerability_id || !o->status)
            return copa__error_oom();
        k++;
    }
    r->unfixable_count = k;
    return 0;
}

int copa__patch_result_add_script(copa_patch_result *r, const char *text)
{
    char **grown = realloc(r->scripts, (r->script_count + 1) * sizeof(*grown));
    const char *copy;

    if (grown == NULL)
        return copa__error_oom();
    r->scripts = grown;
    if ((copy = dup(r, text)) == NULL)
        return copa__error_oom();
    r->scripts[r->script_count++] = (char *)copy;
    return 0;
}

int copa_patch_result_up_to_date(const copa_patch_result *r)
{
    return r != NULL && r->up_to_date;
}

int copa_patch_result_repatched(const copa_patch_result *r)
{
    return r != NULL && r->repatched;
}

const char *copa_patch_result_digest(const copa_patch_result *r)
{
    return r != NULL ? r->digest : "";
}

const char *copa_patch_result_destination(const copa_patch_result *r)
{
    return r != NULL && r->destination != NULL ? r->destination : "";
}

const char *copa_patch_result_plan(const copa_patch_result *r, copa_plan_format format)
{
    const char *s = r == NULL ? NULL : format == COPA_PLAN_JSON ? r->plan_json : r->plan_text;
    return s != NULL ? s : "";
}

size_t copa_patch_result_update_count(const copa_patch_result *r)
{
    return r != NULL ? r->update_count : 0;
}

const copa_patch_update *copa_patch_result_update(const copa_patch_result *r, size_t i)
{
    return r != NULL && i < r->update_count ? &r->updates[i] : NULL;
}

size_t copa_patch_result_skipped_count(const copa_patch_result *r)
{
    return r != NULL ? r->skipped_count : 0;
}

const copa_patch_skipped *copa_patch_result_skipped(const copa_patch_result *r, size_t i)
{
    return r != NULL && i < r->skipped_count ? &r->skipped[i] : NULL;
}

size_t copa_patch_result_unfixable_count(const copa_patch_result *r)
{
    return r != NULL ? r->unfixable_count : 0;
}

const copa_patch_unfixable *copa_patch_result_unfixable(const copa_patch_result *r, size_t i)
{
    return r != NULL && i < r->unfixable_count ? &r->unfixable[i] : NULL;
}

size_t copa_patch_result_skipped_script_count(const copa_patch_result *r)
{
    return r != NULL ? r->script_count : 0;
}

const char *copa_patch_result_skipped_script(const copa_patch_result *r, size_t i)
{
    return r != NULL && i < r->script_count ? r->scripts[i] : NULL;
}

double copa_patch_result_layer_size(const copa_patch_result *r)
{
    return r != NULL ? r->layer_size : 0;
}

const char *copa_patch_result_layer_compression(const copa_patch_result *r)
{
    return r != NULL ? r->layer_compression : "";
}

double copa_patch_result_elapsed(const copa_patch_result *r)
{
    return r != NULL ? r->elapsed : 0;
}
