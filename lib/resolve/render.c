/*
 * A plan as a plain-text table (for people) and as JSON (for --dry-run
 * consumers). Both list steps, kept-back packages and failures in the
 * plan's sorted order, so the same plan gives the same bytes.
 */
#include "resolve/resolve.h"
#include "util/error.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *scripts_str(copa__rs_scripts s)
{
    return s == COPA__RS_SCRIPTS_PRESENT ? "yes" : s == COPA__RS_SCRIPTS_NONE ? "no" : "unknown";
}

static const char *action_str(copa__rs_action a)
{
    return a == COPA__RS_NEW ? "new" : "upgrade";
}

/* Append printf output to a growing string. */
typedef struct text {
    char *s;
    size_t len, cap;
    int rc;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (t->rc < 0)
        return;
    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->rc = copa__error_set(COPA_ERROR, "plan: formatting failed");
            return;
        }
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        {
            size_t cap = (t->cap + (size_t)n + 1) * 2;
            char *p = realloc(t->s, cap);
            if (p == NULL) {
                t->rc = copa__error_oom();
                return;
            }
            t->s = p;
            t->cap = cap;
        }
    }
}

static int width(size_t cur, const char *s)
{
    size_t n = s ? strlen(s) : 1;
    return (int)(n > cur ? n : cur);
}

int copa__rs_plan_render_text(char **out, const copa__rs_plan *plan)
{
    text t = {NULL, 0, 0, 0};
    int wn = 7, wa = 4, wf = 9, wt = 6;
    size_t i;

    *out = NULL;
    if ((t.s = malloc(256)) == NULL)
        return copa__error_oom();
    t.cap = 256;
    t.s[0] = '\0';
    for (i = 0; i < plan->nsteps; i++) {
        const copa__rs_step *st = &plan->steps[i];
        wn = width((size_t)wn, st->name);
        wa = width((size_t)wa, st->arch);
        wf = width((size_t)wf, st->from);
        wt = width((size_t)wt, st->to);
    }
    if (plan->nsteps == 0)
        put(&t, "Nothing to update.\n");
    else
        put(&t, "%-*s  %-*s  %-*s  %-*s  %-7s  %10s  %-7s  %s\n", wn, "PACKAGE", wa, "ARCH", wf,
            "INSTALLED", wt, "TARGET", "ACTION", "SIZE", "SCRIPTS", "WHY");
    for (i = 0; i < plan->nsteps; i++) {
        const copa__rs_step *st = &plan->steps[i];
        put(&t, "%-*s  %-*s  %-*s  %-*s  %-7s  %10llu  %-7s  %s\n", wn, st->name, wa, st->arch, wf,
            st->from ? st->from : "-", wt, st->to, action_str(st->action),
            (unsigned long long)st->pkg->size, scripts_str(st->pkg->scripts), st->why_text);
    }
    if (plan->nsteps > 0)
        put(&t, "%zu package(s), %llu bytes to download.\n", plan->nsteps,
            (unsigned long long)plan->download_size);
    if (plan->nkept > 0)
        put(&t, "\nKept back:\n");
    for (i = 0; i < plan->nkept; i++)
        put(&t, "  %s\n", plan->kept[i].message);
    if (plan->nfailures > 0)
        put(&t, "\nCannot fix:\n");
    for (i = 0; i < plan->nfailures; i++)
        put(&t, "  %s\n", plan->failures[i].message);
    if (t.rc < 0) {
        free(t.s);
        return t.rc;
    }
    *out = t.s;
    return 0;
}

static int add_str(cJSON *o, const char *key, const char *v)
{
    return (v == NULL ? cJSON_AddNullToObject(o, key) : cJSON_AddStringToObject(o, key, v)) != NULL;
}

static int add_ids(cJSON *o, const char *const *ids, size_t n)
{
    cJSON *a = cJSON_AddArrayToObject(o, "vulnerabilityIDs");
    size_t i;
    if (a == NULL)
        return 0;
    for (i = 0; i < n; i++) {
        cJSON *s = cJSON_CreateString(ids[i]);
        if (s == NULL || !cJSON_AddItemToArray(a, s)) {
            cJSON_Delete(s);
            return 0;
        }
    }
    return 1;
}

static cJSON *array_item(cJSON *array)
{
    cJSON *o = cJSON_CreateObject();
    if (o != NULL && !cJSON_AddItemToArray(array, o)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int add_step(cJSON *array, const copa__rs_step *st)
{
    cJSON *o = array_item(array);
    return o != NULL && add_str(o, "name", st->name) && add_str(o, "arch", st->arch) &&
           add_str(o, "installedVersion", st->from) && add_str(o, "targetVersion", st->to) &&
           add_str(o, "action", action_str(st->action)) && add_str(o, "why", st->why_text) &&
           add_ids(o, st->ids, st->nids) &&
           cJSON_AddNumberToObject(o, "size", (double)st->pkg->size) != NULL &&
           add_str(o, "sha256", st->pkg->sha256) && add_str(o, "url", st->pkg->url) &&
           add_str(o, "maintainerScripts", scripts_str(st->pkg->scripts));
}

static int add_problem(cJSON *array, const copa__rs_problem *p)
{
    cJSON *o = array_item(array);
    return o != NULL && add_str(o, "name", p->name) && add_str(o, "arch", p->arch) &&
           add_str(o, "installedVersion", p->installed) && add_str(o, "required", p->required) &&
           add_str(o, "bestAvailable", p->best) &&
           add_str(o, "cause", copa__rs_cause_name(p->cause)) &&
           add_str(o, "culprit", p->culprit) && add_str(o, "message", p->message) &&
           add_ids(o, p->ids, p->nids);
}

int copa__rs_plan_render_json(char **out, const copa__rs_plan *plan)
{
    cJSON *root = cJSON_CreateObject(), *steps, *kept, *fails;
    size_t i;
    int ok;

    *out = NULL;
    ok = root != NULL && add_str(root, "mode", plan->update_all ? "update-all" : "report") &&
         (steps = cJSON_AddArrayToObject(root, "packages")) != NULL &&
         (kept = cJSON_AddArrayToObject(root, "keptBack")) != NULL &&
         (fails = cJSON_AddArrayToObject(root, "failures")) != NULL &&
         cJSON_AddNumberToObject(root, "downloadSize", (double)plan->download_size) != NULL;
    for (i = 0; ok && i < plan->nsteps; i++)
        ok = add_step(steps, &plan->steps[i]);
    for (i = 0; ok && i < plan->nkept; i++)
        ok = add_problem(kept, &plan->kept[i]);
    for (i = 0; ok && i < plan->nfailures; i++)
        ok = add_problem(fails, &plan->failures[i]);
    if (ok)
        *out = cJSON_Print(root);
    cJSON_Delete(root);
    return *out != NULL ? 0 : copa__error_oom();
}
