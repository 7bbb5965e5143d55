/*
 * Does a package satisfy a relation? Architecture rules follow dpkg's
 * multiarch spec: an unqualified dependency wants the depender's
 * architecture unless the target is Multi-Arch: foreign; `:any` wants a
 * Multi-Arch: allowed target; `:native` and explicit names want that
 * architecture; Breaks/Conflicts without a qualifier hit every architecture.
 * "all" counts as the native architecture throughout.
 */
#include "resolve/state.h"

#include <stdio.h>
#include <string.h>

const char *copa__rs_dep_str(char *buf, size_t size, const copa__apt_dep *d)
{
    int n = snprintf(buf, size, "%s%s%s", d->name, d->arch ? ":" : "", d->arch ? d->arch : "");
    if (d->rel != COPA__REL_ANY && n >= 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, " (%s %s)", copa__apt_relation_str(d->rel), d->version);
    return buf;
}

const char *copa__rs_pkg_str(const copa__rs_state *s, char *buf, size_t size, const copa__rs_pkg *p)
{
    const char *key = copa__rs_arch_key(s, p->arch);
    if (strcmp(key, s->w->native_arch) == 0)
        snprintf(buf, size, "%s", p->name);
    else
        snprintf(buf, size, "%s:%s", p->name, p->arch);
    return buf;
}

static int arch_ok(const copa__rs_state *s, const copa__rs_pkg *p, const copa__apt_dep *d,
                   const copa__rs_pkg *by, int conflict)
{
    const char *want;

    if (d->arch == NULL) {
        if (conflict || p->multi_arch == COPA__MA_FOREIGN)
            return 1;
        want = by != NULL ? copa__rs_arch_key(s, by->arch) : s->w->native_arch;
    } else if (strcmp(d->arch, "any") == 0) {
        return conflict || p->multi_arch == COPA__MA_ALLOWED;
    } else if (strcmp(d->arch, "native") == 0) {
        want = s->w->native_arch;
    } else {
        want = copa__rs_arch_key(s, d->arch);
    }
    return strcmp(copa__rs_arch_key(s, p->arch), want) == 0;
}

static int version_ok(const copa__rs_state *s, const char *have, const copa__apt_dep *d)
{
    int c;
    if (d->rel == COPA__REL_ANY)
        return 1;
    if (have == NULL) /* an unversioned Provides never meets a versioned relation */
        return 0;
    c = copa__rs_vcmp(s, have, d->version);
    switch (d->rel) {
    case COPA__REL_LT:
        return c < 0;
    case COPA__REL_LE:
        return c <= 0;
    case COPA__REL_EQ:
        return c == 0;
    case COPA__REL_GE:
        return c >= 0;
    case COPA__REL_GT:
        return c > 0;
    default:
        return 0;
    }
}

int copa__rs_matches(const copa__rs_state *s, const copa__rs_pkg *p, const copa__apt_dep *d,
                     const copa__rs_pkg *by, int conflict)
{
    size_t g;

    if (!arch_ok(s, p, d, by, conflict))
        return 0;
    if (strcmp(p->name, d->name) == 0 && version_ok(s, p->version, d))
        return 1;
    for (g = 0; g < p->provides.count; g++) {
        const copa__apt_dep *pr = &p->provides.groups[g].alts[0];
        if (strcmp(pr->name, d->name) == 0 && version_ok(s, pr->version, d))
            return 1;
    }
    return 0;
}

int copa__rs_alt_ok(const copa__rs_state *s, const copa__apt_dep *d, const copa__rs_pkg *by)
{
    size_t i, n, k;

    for (i = copa__rs_find(s, d->name); i != RS_NONE; i = s->slots[i].next - 1) {
        const copa__rs_pkg *cur = s->slots[i].cur;
        if (cur != NULL && copa__rs_matches(s, cur, d, by, 0))
            return 1;
        if (!s->slots[i].next)
            break;
    }
    /* Providers: a Provides counts only when its package is the intended one. */
    for (k = copa__rs_provs_of(s, d->name, &n), n += k; k < n; k++) {
        const copa__rs_pkg *p = s->provs[k].pkg;
        for (i = copa__rs_find(s, p->name); i != RS_NONE; i = s->slots[i].next - 1) {
            if (s->slots[i].cur == p && copa__rs_matches(s, p, d, by, 0))
                return 1;
            if (!s->slots[i].next)
                break;
        }
    }
    return 0;
}

int copa__rs_group_ok(const copa__rs_state *s, const copa__apt_dep_group *g, const copa__rs_pkg *by)
{
    size_t a;
    for (a = 0; a < g->count; a++)
        if (copa__rs_alt_ok(s, &g->alts[a], by))
            return 1;
    return 0;
}
