/*
 * The closure: every slot whose intended version changed is checked against
 * the rest of the intended state, and each problem is fixed by moving
 * another package to its candidate (or installing one), which queues that
 * package in turn. Packages only move from installed to candidate, so the
 * loop ends; a problem no move can fix is recorded with copa__rs_fail.
 */
#include "resolve/state.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

#define FOR_NAME(s, i, nm)                                                                         \
    for (i = copa__rs_find(s, nm); i != RS_NONE;                                                   \
         i = (s)->slots[i].next ? (s)->slots[i].next - 1 : RS_NONE)

/* Whether slot j may move to its candidate. */
static int movable(const copa__rs_state *s, size_t j)
{
    const copa__rs_slot *sl = &s->slots[j];
    return sl->cand != NULL && sl->cand != sl->cur && !(sl->inst != NULL && sl->inst->held);
}

static int held(const copa__rs_state *s, size_t j)
{
    return s->slots[j].inst != NULL && s->slots[j].inst->held;
}

static const char *verb(const char *field)
{
    if (strcmp(field, "Pre-Depends") == 0)
        return "pre-depends on";
    if (strcmp(field, "Depends") == 0)
        return "depends on";
    if (strcmp(field, "Breaks") == 0)
        return "breaks";
    return "conflicts with";
}

/* "foo 2.0" or "foo:i386 2.0", plus " (installed)" for an installed version. */
static const char *desc(const copa__rs_state *s, char *buf, size_t n, const copa__rs_pkg *p)
{
    char name[300];
    int inst = p >= s->w->installed.items && p < s->w->installed.items + s->w->installed.count;
    snprintf(buf, n, "%s %s%s", copa__rs_pkg_str(s, name, sizeof(name), p), p->version,
             inst ? " (installed)" : "");
    return buf;
}

static int siblings(copa__rs_state *s, size_t i)
{
    const copa__rs_pkg *p = s->slots[i].cur;
    char d[400], sib[300];
    size_t j;

    if (p->multi_arch != COPA__MA_SAME)
        return 0;
    FOR_NAME(s, j, p->name)
    {
        const copa__rs_slot *o = &s->slots[j];
        const copa__rs_pkg *c;
        if (j == i || o->cur == NULL || copa__rs_vcmp(s, o->cur->version, p->version) == 0)
            continue;
        copa__rs_pkg_str(s, sib, sizeof(sib), o->cur);
        if (held(s, j))
            return copa__rs_fail(s, COPA__RS_HELD, i, NULL, sib,
                                 "%s is Multi-Arch: same and its sibling %s is held at %s",
                                 desc(s, d, sizeof(d), p), sib, o->inst->version);
        c = copa__rs_policy(s, p->name, o->arch);
        if (c == NULL || copa__rs_vcmp(s, c->version, p->version) != 0)
            return copa__rs_fail(
                s, COPA__RS_SIBLING, i, c ? c->version : NULL, sib,
                "%s is Multi-Arch: same and its sibling %s has no version %s in the sources (%s%s)",
                desc(s, d, sizeof(d), p), sib, p->version, c ? "best available " : "none",
                c ? c->version : "");
        if (copa__rs_set(s, j, c, COPA__RS_WHY_SIBLING, i, "Multi-Arch", p, NULL) < 0)
            return COPA_ENOMEM;
    }
    return 0;
}

/* Try one alternative: upgrade an installed instance, install the package, or a provider. */
static int try_alt(copa__rs_state *s, size_t i, const copa__apt_dep *a, const char *field)
{
    const copa__rs_pkg *by = s->slots[i].cur;
    const char *keys[2];
    size_t j, k, n, pass;
    int rc;

    FOR_NAME(s, j, a->name)
    {
        if (s->slots[j].cur != NULL && movable(s, j) &&
            copa__rs_matches(s, s->slots[j].cand, a, by, 0))
            return copa__rs_set(s, j, s->slots[j].cand, COPA__RS_WHY_DEPENDS, i, field, by, a) < 0
                       ? COPA_ENOMEM
                       : 1;
    }
    keys[0] = copa__rs_arch_key(s, by->arch);
    keys[1] = s->w->native_arch;
    if (a->arch != NULL && strcmp(a->arch, "any") != 0)
        keys[0] = keys[1] =
            strcmp(a->arch, "native") == 0 ? s->w->native_arch : copa__rs_arch_key(s, a->arch);
    for (k = 0; k < 2; k++) {
        const copa__rs_pkg *c = copa__rs_policy(s, a->name, keys[k]);
        if (c == NULL || !copa__rs_matches(s, c, a, by, 0))
            continue;
        if ((rc = copa__rs_slot_get(s, &j, a->name, keys[k])) < 0)
            return rc;
        if (s->slots[j].cur != NULL)
            continue;
        return copa__rs_set(s, j, c, COPA__RS_WHY_DEPENDS, i, field, by, a) < 0 ? COPA_ENOMEM : 1;
    }
    /* Providers: installed ones first, then new ones in name order. */
    for (pass = 0; pass < 2; pass++)
        for (k = copa__rs_provs_of(s, a->name, &n), n += k; k < n; k++) {
            const copa__rs_pkg *c = s->provs[k].pkg;
            const char *key = copa__rs_arch_key(s, c->arch);
            if (c != copa__rs_policy(s, c->name, key) || !copa__rs_matches(s, c, a, by, 0))
                continue;
            if ((rc = copa__rs_slot_get(s, &j, c->name, key)) < 0)
                return rc;
            if (pass == 0 ? !(s->slots[j].inst && movable(s, j) && s->slots[j].cand == c)
                          : s->slots[j].cur != NULL)
                continue;
            return copa__rs_set(s, j, c, COPA__RS_WHY_DEPENDS, i, field, by, a) < 0 ? COPA_ENOMEM
                                                                                    : 1;
        }
    return 0;
}

/* Why alternative `a` cannot be met, appended to buf; sets *cause. */
static void explain_alt(copa__rs_state *s, const copa__apt_dep *a, char *buf, size_t size,
                        copa__rs_cause *cause, const char **best)
{
    const copa__rs_pkg *c = NULL;
    size_t j, n, used = strlen(buf);

    FOR_NAME(s, j, a->name)
    {
        if (held(s, j)) {
            *cause = COPA__RS_HELD;
            snprintf(buf + used, size - used, "%s is held at %s", a->name,
                     s->slots[j].inst->version);
            return;
        }
        if (s->slots[j].cur != NULL && (c == NULL || s->slots[j].cur != s->slots[j].inst))
            c = s->slots[j].cand && s->slots[j].cand != s->slots[j].cur ? s->slots[j].cand
                                                                        : s->slots[j].cur;
    }
    if (c == NULL)
        c = copa__rs_policy(s, a->name, s->w->native_arch);
    if (c == NULL) {
        copa__rs_provs_of(s, a->name, &n);
        snprintf(buf + used, size - used, "%s is not in the sources%s", a->name,
                 n ? " (only provided by packages that do not match)" : "");
        return;
    }
    *best = c->version;
    snprintf(buf + used, size - used, "the best available %s is %s", a->name, c->version);
}

static int fix_group(copa__rs_state *s, size_t i, const copa__apt_dep_group *g, const char *field)
{
    const copa__rs_pkg *by = s->slots[i].cur;
    copa__rs_cause cause = COPA__RS_DEPENDENCY;
    const char *best = NULL;
    char text[512] = "", why[512] = "", d[400];
    size_t a;
    int rc;

    for (a = 0; a < g->count; a++)
        if ((rc = try_alt(s, i, &g->alts[a], field)) != 0)
            return rc < 0 ? rc : 0;
    for (a = 0; a < g->count; a++) {
        size_t used = strlen(text);
        char one[256];
        snprintf(text + used, sizeof(text) - used, "%s%s", a ? " | " : "",
                 copa__rs_dep_str(one, sizeof(one), &g->alts[a]));
        used = strlen(why);
        if (a)
            snprintf(why + used, sizeof(why) - used, "; ");
        explain_alt(s, &g->alts[a], why, sizeof(why), &cause, &best);
    }
    if (g->count > 1)
        cause = COPA__RS_DEPENDENCY;
    return copa__rs_fail(s, cause, i, g->count == 1 ? best : NULL, g->alts[0].name,
                         "%s %s '%s', and %s", desc(s, d, sizeof(d), by), verb(field), text, why);
}

static int forward_deps(copa__rs_state *s, size_t i, const copa__apt_deps *deps, const char *field)
{
    size_t g;
    int rc;
    for (g = 0; g < deps->count; g++) {
        if (copa__rs_group_ok(s, &deps->groups[g], s->slots[i].cur))
            continue;
        if ((rc = fix_group(s, i, &deps->groups[g], field)) < 0)
            return rc;
    }
    return 0;
}

/* Slot i's package states `field: a`, which hits slot j's intended version. */
static int fix_conflict(copa__rs_state *s, size_t i, size_t j, const copa__apt_dep *a,
                        const char *field, int reverse)
{
    const copa__rs_pkg *p = s->slots[i].cur, *q = s->slots[j].cur;
    /* Forward: move j away from the relation. Reverse: j states it, move j. */
    size_t m = j;
    const copa__rs_pkg *c = s->slots[m].cand;
    char dp[400], dq[400], rel[256], name[300];
    int fixed = movable(s, m) && (reverse ? 1 : !copa__rs_matches(s, c, a, p, 1));

    if (fixed)
        return copa__rs_set(s, m, c, reverse ? COPA__RS_WHY_REVBREAKS : COPA__RS_WHY_BREAKS, i,
                            field, reverse ? q : p, a);
    copa__rs_pkg_str(s, name, sizeof(name), q);
    desc(s, dp, sizeof(dp), p);
    desc(s, dq, sizeof(dq), q);
    copa__rs_dep_str(rel, sizeof(rel), a);
    if (held(s, m))
        return copa__rs_fail(s, COPA__RS_HELD, i, NULL, name, "%s %s %s ('%s'), and %s is held",
                             reverse ? dq : dp, verb(field), reverse ? dp : dq, rel, name);
    return copa__rs_fail(s, COPA__RS_CONFLICT, i, NULL, name,
                         "%s %s %s ('%s'), and %s has no %s in the sources", reverse ? dq : dp,
                         verb(field), reverse ? dp : dq, rel, name,
                         reverse ? "newer version" : "version outside that range");
}

static int forward_conflicts(copa__rs_state *s, size_t i, const copa__apt_deps *deps,
                             const char *field)
{
    const copa__rs_pkg *p = s->slots[i].cur;
    size_t g, a, j, k, n;
    int rc;

    for (g = 0; g < deps->count; g++)
        for (a = 0; a < deps->groups[g].count; a++) {
            const copa__apt_dep *d = &deps->groups[g].alts[a];
            FOR_NAME(s, j, d->name)
            {
                const copa__rs_pkg *q = s->slots[j].cur;
                if (q != NULL && strcmp(q->name, p->name) != 0 && copa__rs_matches(s, q, d, p, 1) &&
                    (rc = fix_conflict(s, i, j, d, field, 0)) < 0)
                    return rc;
            }
            for (k = copa__rs_provs_of(s, d->name, &n), n += k; k < n; k++) {
                const copa__rs_pkg *q = s->provs[k].pkg;
                FOR_NAME(s, j, q->name)
                {
                    if (s->slots[j].cur == q && strcmp(q->name, p->name) != 0 &&
                        copa__rs_matches(s, q, d, p, 1) &&
                        (rc = fix_conflict(s, i, j, d, field, 0)) < 0)
                        return rc;
                }
            }
        }
    return 0;
}

/* Whether relation name `nm` may be affected by slot i changing. */
static int touches(const copa__rs_state *s, size_t i, const char *nm)
{
    const copa__rs_pkg *v[2];
    size_t k, g;
    v[0] = s->slots[i].cur;
    v[1] = s->slots[i].inst;
    if (strcmp(nm, s->slots[i].name) == 0)
        return 1;
    for (k = 0; k < 2; k++)
        for (g = 0; v[k] != NULL && g < v[k]->provides.count; g++)
            if (strcmp(v[k]->provides.groups[g].alts[0].name, nm) == 0)
                return 1;
    return 0;
}

static int reverse_deps(copa__rs_state *s, size_t i, size_t j, const copa__apt_deps *deps,
                        const char *field)
{
    const copa__rs_pkg *q = s->slots[j].cur;
    size_t g, a;
    int rc;

    for (g = 0; g < deps->count; g++) {
        const copa__apt_dep_group *grp = &deps->groups[g];
        for (a = 0; a < grp->count && !touches(s, i, grp->alts[a].name); a++)
            ;
        if (a == grp->count || copa__rs_group_ok(s, grp, q))
            continue;
        /* Lock-step: a package whose dependency broke follows to its candidate. */
        if (movable(s, j))
            return copa__rs_set(s, j, s->slots[j].cand, COPA__RS_WHY_REVDEP, i, field, q,
                                &grp->alts[a]);
        if ((rc = fix_group(s, j, grp, field)) < 0)
            return rc;
    }
    return 0;
}

static int reverse(copa__rs_state *s, size_t i)
{
    const copa__rs_pkg *p = s->slots[i].cur;
    size_t j, g, a;
    int rc;

    for (j = 0; j < s->nslots; j++) {
        const copa__rs_pkg *q = s->slots[j].cur;
        if (j == i || q == NULL)
            continue;
        if ((rc = reverse_deps(s, i, j, &q->pre_depends, "Pre-Depends")) < 0 ||
            (rc = reverse_deps(s, i, j, &q->depends, "Depends")) < 0)
            return rc;
        if (s->slots[j].cur != q || strcmp(q->name, p->name) == 0)
            continue; /* moved above; it is checked on its own */
        for (g = 0; g < q->breaks.count + q->conflicts.count; g++) {
            int brk = g < q->breaks.count;
            const copa__apt_dep_group *grp =
                brk ? &q->breaks.groups[g] : &q->conflicts.groups[g - q->breaks.count];
            for (a = 0; a < grp->count; a++)
                if (copa__rs_matches(s, p, &grp->alts[a], q, 1)) {
                    if ((rc = fix_conflict(s, i, j, &grp->alts[a], brk ? "Breaks" : "Conflicts",
                                           1)) < 0)
                        return rc;
                    break;
                }
            if (s->slots[j].cur != q)
                break;
        }
    }
    return 0;
}

static int check(copa__rs_state *s, size_t i)
{
    const copa__rs_pkg *p = s->slots[i].cur;
    int rc;

    if (p == NULL)
        return 0;
    if ((rc = siblings(s, i)) < 0 ||
        (rc = forward_deps(s, i, &p->pre_depends, "Pre-Depends")) < 0 ||
        (rc = forward_deps(s, i, &p->depends, "Depends")) < 0 ||
        (rc = forward_conflicts(s, i, &p->breaks, "Breaks")) < 0 ||
        (rc = forward_conflicts(s, i, &p->conflicts, "Conflicts")) < 0 || (rc = reverse(s, i)) < 0)
        return rc;
    return 0;
}

int copa__rs_close(copa__rs_state *s)
{
    size_t head = 0;
    int rc;

    /* FIFO: breadth-first, so "needed by" names the nearest package. */
    while (head < s->nwork) {
        if ((rc = check(s, s->work[head++])) < 0)
            return rc;
    }
    s->nwork = 0;
    return 0;
}
