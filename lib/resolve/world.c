/*
 * Filling the resolver's world: copies of the packages with their relation
 * fields parsed, from text fields, a Packages index or deb822 text.
 */
#include "resolve/world.h"
#include "repo/deb822.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int copa__rs_world_init(copa__rs_world *w, copa_pkg_format format, const char *native_arch)
{
    memset(w, 0, sizeof(*w));
    copa__arena_init(&w->arena);
    w->format = format;
    w->arch_all = format == COPA_PKG_RPM ? "noarch" : "all";
    if (native_arch == NULL || native_arch[0] == '\0')
        return copa__error_set(COPA_EINVALID, "resolver: no native architecture");
    w->native_arch = copa__arena_strndup(&w->arena, native_arch, strlen(native_arch));
    return w->native_arch == NULL ? copa__error_oom() : 0;
}

void copa__rs_world_free(copa__rs_world *w)
{
    if (w == NULL)
        return;
    free(w->installed.items);
    free(w->candidates.items);
    copa__arena_free(&w->arena);
    memset(w, 0, sizeof(*w));
}

static const char *dup_str(copa__rs_world *w, const char *s, int *rc)
{
    char *d;
    if (s == NULL)
        return NULL;
    if ((d = copa__arena_strndup(&w->arena, s, strlen(s))) == NULL)
        *rc = copa__error_oom();
    return d;
}

static int check_version(const copa__rs_world *w, const char *v)
{
    return copa_version_valid(w->format, v);
}

static int parse_rel(copa__rs_world *w, copa__apt_deps *out, const copa__rs_pkg_text *t,
                     const char *field, const char *text, unsigned flags)
{
    size_t g, a;
    int rc;

    memset(out, 0, sizeof(*out));
    if (text == NULL)
        return 0;
    if ((rc = copa__apt_deps_parse(out, &w->arena, text, strlen(text), flags)) < 0)
        return copa__error_prefix("%s %s: %s: ", t->name, t->version, field);
    for (g = 0; g < out->count; g++)
        for (a = 0; a < out->groups[g].count; a++) {
            const char *v = out->groups[g].alts[a].version;
            if (v != NULL && check_version(w, v) < 0)
                return copa__error_prefix("%s %s: %s: ", t->name, t->version, field);
        }
    return 0;
}

static int grow(copa__rs_pkgs *set)
{
    copa__rs_pkg *n;
    size_t cap;
    if (set->count < set->cap)
        return 0;
    cap = set->cap ? set->cap * 2 : 64;
    if ((n = realloc(set->items, cap * sizeof(*n))) == NULL)
        return copa__error_oom();
    set->items = n;
    set->cap = cap;
    return 0;
}

static int copy_fields(copa__rs_world *w, copa__rs_pkg *p, const copa__rs_pkg_text *t)
{
    int rc = 0;
    p->name = dup_str(w, t->name, &rc);
    p->version = dup_str(w, t->version, &rc);
    p->arch = dup_str(w, t->arch, &rc);
    p->source = dup_str(w, t->source ? t->source : t->name, &rc);
    p->source_version = dup_str(w, t->source_version ? t->source_version : t->version, &rc);
    p->sha256 = dup_str(w, t->sha256, &rc);
    p->url = dup_str(w, t->url, &rc);
    if (rc < 0)
        return rc;
    if ((rc = parse_rel(w, &p->pre_depends, t, "Pre-Depends", t->pre_depends, 0)) < 0 ||
        (rc = parse_rel(w, &p->depends, t, "Depends", t->depends, 0)) < 0 ||
        (rc = parse_rel(w, &p->provides, t, "Provides", t->provides, COPA__DEPS_PROVIDES)) < 0 ||
        (rc = parse_rel(w, &p->breaks, t, "Breaks", t->breaks, 0)) < 0 ||
        (rc = parse_rel(w, &p->conflicts, t, "Conflicts", t->conflicts, 0)) < 0)
        return rc;
    return 0;
}

int copa__rs_world_add(copa__rs_world *w, copa__rs_pkg **out, int installed,
                       const copa__rs_pkg_text *t)
{
    copa__rs_pkgs *set = installed ? &w->installed : &w->candidates;
    copa__rs_pkg *p;
    int rc;

    if (t->name == NULL || t->version == NULL || t->arch == NULL || !t->name[0] || !t->arch[0])
        return copa__error_set(COPA_EINVALID, "resolver: package without name, version or arch");
    if (check_version(w, t->version) < 0)
        return copa__error_prefix("%s: ", t->name);
    if ((rc = grow(set)) < 0)
        return rc;
    p = &set->items[set->count];
    memset(p, 0, sizeof(*p));
    if ((rc = copy_fields(w, p, t)) < 0)
        return rc;
    p->multi_arch = t->multi_arch;
    p->held = installed ? t->held : 0;
    p->repo = t->repo;
    p->priority = t->priority != 0 ? t->priority : COPA__RS_PRIORITY_DEFAULT;
    p->size = t->size;
    p->scripts = t->scripts;
    set->count++;
    if (out != NULL)
        *out = p;
    return 0;
}

/* The Packages record as a text package; the URL is built in `url_buf`. */
static int from_apt(copa__rs_pkg_text *t, const copa__apt_package *a, const char *base_url,
                    char **url_buf)
{
    memset(t, 0, sizeof(*t));
    t->name = a->name;
    t->version = a->version;
    t->arch = a->arch;
    t->multi_arch = a->multi_arch;
    t->source = a->source;
    t->source_version = a->source_version;
    t->pre_depends = a->pre_depends;
    t->depends = a->depends;
    t->provides = a->provides;
    t->breaks = a->breaks;
    t->conflicts = a->conflicts;
    t->size = a->size;
    t->sha256 = a->sha256;
    *url_buf = NULL;
    if (base_url != NULL && a->filename != NULL) {
        size_t n = strlen(base_url) + strlen(a->filename) + 2;
        if ((*url_buf = malloc(n)) == NULL)
            return copa__error_oom();
        snprintf(*url_buf, n, "%s/%s", base_url, a->filename);
        t->url = *url_buf;
    }
    return 0;
}

int copa__rs_world_add_index(copa__rs_world *w, const copa__apt_packages *idx, int repo,
                             int priority, const char *base_url)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < idx->count && rc == 0; i++) {
        copa__rs_pkg_text t;
        char *url;
        if ((rc = from_apt(&t, &idx->items[i], base_url, &url)) < 0)
            break;
        t.repo = repo;
        t.priority = priority;
        rc = copa__rs_world_add(w, NULL, 0, &t);
        free(url);
    }
    return rc;
}

/* 0: not installed, 1: installed, 2: installed and held (dpkg Status). */
static int status_of(const copa__deb822_stanza *st)
{
    const copa__deb822_field *f = copa__deb822_get(st, "Status");
    static const char tail[] = " ok installed";
    size_t n = sizeof(tail) - 1;

    if (f == NULL || f->value_len < n || memcmp(f->value + f->value_len - n, tail, n) != 0)
        return 0;
    return f->value_len == 4 + n && memcmp(f->value, "hold", 4) == 0 ? 2 : 1;
}

int copa__rs_world_add_deb822(copa__rs_world *w, int installed, const char *name, const char *text,
                              size_t len, int repo, int priority, const char *base_url)
{
    copa__apt_packages idx;
    copa__deb822_parser p;
    copa__deb822_stanza st;
    unsigned char *held = NULL;
    size_t nheld = 0, i;
    int rc;

    if ((rc = copa__apt_packages_init(&idx, NULL)) < 0)
        return rc;
    copa__deb822_init(&p, name, 0);
    copa__deb822_feed(&p, text, len, 1);
    while ((rc = copa__deb822_next(&p, &st)) == 1) {
        int state = installed ? status_of(&st) : 1;
        unsigned char *n;
        if (state == 0)
            continue;
        if ((rc = copa__apt_packages_add_stanza(&idx, name, &st)) < 0)
            break;
        if ((n = realloc(held, nheld + 1)) == NULL) {
            rc = copa__error_oom();
            break;
        }
        held = n;
        held[nheld++] = state == 2;
    }
    copa__deb822_free(&p);
    if (rc == 0 && !installed)
        rc = copa__rs_world_add_index(w, &idx, repo, priority, base_url);
    for (i = 0; rc == 0 && installed && i < idx.count; i++) {
        copa__rs_pkg_text t;
        char *url;
        if ((rc = from_apt(&t, &idx.items[i], NULL, &url)) < 0)
            break;
        t.held = held[i];
        rc = copa__rs_world_add(w, NULL, 1, &t);
    }
    free(held);
    copa__apt_packages_free(&idx);
    return rc;
}
