/*
 * Resolver state: slots by name, candidate and Provides indexes, apt's
 * candidate policy, and the undo log.
 */
#include "resolve/state.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int copa__rs_vcmp(const copa__rs_state *s, const char *a, const char *b)
{
    int c = 0;
    /* Every version was checked when the world was filled. */
    (void)copa_version_compare(&c, s->w->format, a, b);
    return c;
}

const char *copa__rs_arch_key(const copa__rs_state *s, const char *arch)
{
    return strcmp(arch, s->w->arch_all) == 0 ? s->w->native_arch : arch;
}

static size_t hash_str(const char *p)
{
    size_t h = 1469598103934665603u;
    while (*p)
        h = (h ^ (unsigned char)*p++) * 1099511628211u;
    return h;
}

/* The hash bucket of `name`: its head slot or an empty bucket. */
static size_t bucket(const copa__rs_state *s, const char *name)
{
    size_t b = hash_str(name) & (s->hash_cap - 1);
    while (s->hash[b] != 0 && strcmp(s->slots[s->hash[b] - 1].name, name) != 0)
        b = (b + 1) & (s->hash_cap - 1);
    return b;
}

size_t copa__rs_find(const copa__rs_state *s, const char *name)
{
    size_t b = bucket(s, name);
    return s->hash[b] ? s->hash[b] - 1 : RS_NONE;
}

static int rehash(copa__rs_state *s, size_t cap)
{
    size_t i;
    free(s->hash);
    if ((s->hash = calloc(cap, sizeof(*s->hash))) == NULL)
        return copa__error_oom();
    s->hash_cap = cap;
    for (i = 0; i < s->nslots; i++) {
        size_t b = bucket(s, s->slots[i].name);
        if (s->hash[b] == 0)
            s->hash[b] = i + 1;
    }
    return 0;
}

/* Append a slot and chain it after the other slots of its name. */
static int add_slot(copa__rs_state *s, size_t *out, const char *name, const char *arch_key)
{
    copa__rs_slot *sl;
    size_t b;
    int rc;

    if (s->nslots == s->slots_cap) {
        size_t cap = s->slots_cap ? s->slots_cap * 2 : 64;
        copa__rs_slot *n = realloc(s->slots, cap * sizeof(*n));
        if (n == NULL)
            return copa__error_oom();
        s->slots = n;
        s->slots_cap = cap;
    }
    if (s->nslots * 2 >= s->hash_cap && (rc = rehash(s, s->hash_cap ? s->hash_cap * 2 : 128)) < 0)
        return rc;
    sl = &s->slots[s->nslots];
    memset(sl, 0, sizeof(*sl));
    sl->name = name;
    sl->arch = arch_key;
    sl->by = RS_NONE;
    b = bucket(s, name);
    if (s->hash[b] == 0) {
        s->hash[b] = s->nslots + 1;
    } else {
        size_t i = s->hash[b] - 1;
        while (s->slots[i].next)
            i = s->slots[i].next - 1;
        s->slots[i].next = s->nslots + 1;
    }
    *out = s->nslots++;
    return 0;
}

int copa__rs_slot_get(copa__rs_state *s, size_t *out, const char *name, const char *arch_key)
{
    size_t i;
    for (i = copa__rs_find(s, name); i != RS_NONE; i = s->slots[i].next - 1) {
        if (strcmp(s->slots[i].arch, arch_key) == 0) {
            *out = i;
            return 0;
        }
        if (!s->slots[i].next)
            break;
    }
    return add_slot(s, out, name, arch_key);
}

static int cmp_cand(const void *a, const void *b)
{
    const copa__rs_pkg *x = *(const copa__rs_pkg *const *)a, *y = *(const copa__rs_pkg *const *)b;
    int c = strcmp(x->name, y->name);
    /* Same name: keep input order so ties between sources stay deterministic. */
    return c ? c : (x < y ? -1 : x > y);
}

static int cmp_prov(const void *a, const void *b)
{
    const copa__rs_provide *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    c = strcmp(x->pkg->name, y->pkg->name);
    return c ? c : (x->pkg < y->pkg ? -1 : x->pkg > y->pkg);
}

static int add_provides(copa__rs_state *s, const copa__rs_pkgs *set, size_t *n)
{
    size_t i, g;
    for (i = 0; i < set->count; i++)
        for (g = 0; g < set->items[i].provides.count; g++) {
            const copa__apt_dep *d = &set->items[i].provides.groups[g].alts[0];
            if (s->provs != NULL) {
                s->provs[*n].name = d->name;
                s->provs[*n].pkg = &set->items[i];
                s->provs[*n].dep = d;
            }
            (*n)++;
        }
    return 0;
}

static int build_indexes(copa__rs_state *s)
{
    const copa__rs_world *w = s->w;
    size_t i, n = 0;

    s->ncands = w->candidates.count;
    if ((s->cands = malloc((s->ncands + 1) * sizeof(*s->cands))) == NULL)
        return copa__error_oom();
    for (i = 0; i < s->ncands; i++)
        s->cands[i] = &w->candidates.items[i];
    qsort(s->cands, s->ncands, sizeof(*s->cands), cmp_cand);
    add_provides(s, &w->installed, &n);
    add_provides(s, &w->candidates, &n);
    if ((s->provs = malloc((n + 1) * sizeof(*s->provs))) == NULL)
        return copa__error_oom();
    s->nprovs = 0;
    add_provides(s, &w->installed, &s->nprovs);
    add_provides(s, &w->candidates, &s->nprovs);
    qsort(s->provs, s->nprovs, sizeof(*s->provs), cmp_prov);
    return 0;
}

int copa__rs_state_init(copa__rs_state *s, const copa__rs_world *w)
{
    size_t i;
    int rc;

    memset(s, 0, sizeof(*s));
    s->w = w;
    s->fail_slot = RS_NONE;
    if ((rc = build_indexes(s)) < 0 || (rc = rehash(s, 128)) < 0)
        return rc;
    for (i = 0; i < w->installed.count; i++) {
        const copa__rs_pkg *p = &w->installed.items[i];
        const copa__rs_pkg *c;
        size_t k;
        if ((rc = copa__rs_slot_get(s, &k, p->name, copa__rs_arch_key(s, p->arch))) < 0)
            return rc;
        if (s->slots[k].inst != NULL)
            continue; /* a duplicate record: the first one counts */
        s->slots[k].inst = s->slots[k].cur = p;
        c = copa__rs_policy(s, p->name, s->slots[k].arch);
        /* apt keeps the installed version unless the candidate is newer and
         * pinned at least as high as an installed version (100). */
        if (c != NULL && c->priority >= COPA__RS_PRIORITY_INSTALLED &&
            copa__rs_vcmp(s, c->version, p->version) > 0)
            s->slots[k].cand = c;
    }
    return 0;
}

void copa__rs_state_free(copa__rs_state *s)
{
    free(s->slots);
    free(s->hash);
    free(s->cands);
    free(s->provs);
    free(s->undo);
    free(s->undo_idx);
    free(s->work);
    memset(s, 0, sizeof(*s));
}

size_t copa__rs_cands_of(const copa__rs_state *s, const char *name, size_t *count)
{
    size_t lo = 0, hi = s->ncands, first;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(s->cands[mid]->name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    first = lo;
    while (lo < s->ncands && strcmp(s->cands[lo]->name, name) == 0)
        lo++;
    *count = lo - first;
    return first;
}

size_t copa__rs_provs_of(const copa__rs_state *s, const char *name, size_t *count)
{
    size_t lo = 0, hi = s->nprovs, first;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(s->provs[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    first = lo;
    while (lo < s->nprovs && strcmp(s->provs[lo].name, name) == 0)
        lo++;
    *count = lo - first;
    return first;
}

const copa__rs_pkg *copa__rs_policy(const copa__rs_state *s, const char *name, const char *arch_key)
{
    const copa__rs_pkg *best = NULL;
    size_t n, i = copa__rs_cands_of(s, name, &n), end = i + n;

    for (; i < end; i++) {
        const copa__rs_pkg *c = s->cands[i];
        if (c->priority <= 0 || strcmp(copa__rs_arch_key(s, c->arch), arch_key) != 0)
            continue;
        if (best == NULL || c->priority > best->priority ||
            (c->priority == best->priority && copa__rs_vcmp(s, c->version, best->version) > 0))
            best = c;
    }
    return best;
}

int copa__rs_set(copa__rs_state *s, size_t i, const copa__rs_pkg *pkg, copa__rs_why why, size_t by,
                 const char *field, const copa__rs_pkg *of, const copa__apt_dep *rel)
{
    copa__rs_slot *sl;

    if (s->nundo == s->undo_cap) {
        size_t cap = s->undo_cap ? s->undo_cap * 2 : 64;
        copa__rs_slot *u = realloc(s->undo, cap * sizeof(*u));
        size_t *ui;
        if (u == NULL)
            return copa__error_oom();
        s->undo = u;
        if ((ui = realloc(s->undo_idx, cap * sizeof(*ui))) == NULL)
            return copa__error_oom();
        s->undo_idx = ui;
        s->undo_cap = cap;
    }
    if (s->nwork == s->work_cap) {
        size_t cap = s->work_cap ? s->work_cap * 2 : 64;
        size_t *n = realloc(s->work, cap * sizeof(*n));
        if (n == NULL)
            return copa__error_oom();
        s->work = n;
        s->work_cap = cap;
    }
    s->undo[s->nundo] = s->slots[i];
    s->undo_idx[s->nundo++] = i;
    sl = &s->slots[i];
    sl->cur = pkg;
    sl->why = why;
    sl->by = by;
    sl->rel = rel;
    sl->rel_field = field;
    sl->rel_of = of;
    if (sl->inst == NULL)
        sl->cand = pkg;
    s->work[s->nwork++] = i;
    return 0;
}

void copa__rs_rollback(copa__rs_state *s, size_t mark)
{
    while (s->nundo > mark) {
        size_t i = s->undo_idx[--s->nundo];
        size_t next = s->slots[i].next; /* the chain may have grown since */
        s->slots[i] = s->undo[s->nundo];
        s->slots[i].next = next;
    }
    s->nwork = 0;
}

int copa__rs_fail(copa__rs_state *s, copa__rs_cause cause, size_t slot, const char *best,
                  const char *culprit, const char *fmt, ...)
{
    va_list ap;
    if (s->failed)
        return COPA_EUNSATISFIABLE;
    s->failed = 1;
    s->fail_cause = cause;
    s->fail_slot = slot;
    s->fail_best = best;
    snprintf(s->fail_culprit, sizeof(s->fail_culprit), "%s", culprit ? culprit : "");
    va_start(ap, fmt);
    vsnprintf(s->fail_text, sizeof(s->fail_text), fmt, ap);
    va_end(ap);
    return COPA_EUNSATISFIABLE;
}
