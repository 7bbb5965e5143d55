/*
 * Which candidates the resolver can ever look at: the versions of installed
 * packages, then transitively the packages their Depends and Pre-Depends
 * name, and the providers of those names. A Debian image has a few hundred
 * packages while the archive has ~60 000; copying only this closure into the
 * world keeps the resolver's memory proportional to the image (the plan is
 * the same: nothing outside the closure can be installed or checked).
 */
#include "engine/debian/world_scope.h"
#include "repo/relation_names.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

typedef copa__names names;

static int add_name(names *n, const char *s, size_t len)
{
    int rc = copa__names_add(n, s, len);
    return rc < 0 ? rc : 0;
}

static int add_name_cb(void *n, const char *s, size_t len)
{
    return add_name(n, s, len);
}

/* The package names of a relation field ("a (>= 1) | b:any, c [amd64]"). */
static int add_relation_names(names *n, const char *text)
{
    return copa__relation_each_name(text, add_name_cb, n);
}

/* Provided name -> the package that provides it. */
typedef struct provider {
    char *name;
    const char *package;
} provider;

static int compare_providers(const void *a, const void *b)
{
    return strcmp(((const provider *)a)->name, ((const provider *)b)->name);
}

static int index_providers(provider **out, size_t *count, const copa__apt_result *apt)
{
    size_t i, j, cap = 0;
    names tmp;
    int rc = 0;

    *out = NULL;
    *count = 0;
    for (i = 0; rc == 0 && i < apt->count; i++) {
        const copa__apt_packages *idx = &apt->repos[i].packages;
        for (j = 0; rc == 0 && j < idx->count; j++) {
            size_t k;
            if (idx->items[j].provides == NULL)
                continue;
            memset(&tmp, 0, sizeof(tmp));
            rc = add_relation_names(&tmp, idx->items[j].provides);
            for (k = 0; rc == 0 && k < tmp.count; k++) {
                if (*count == cap) {
                    provider *g = realloc(*out, (cap = cap ? cap * 2 : 256) * sizeof(*g));
                    if (g == NULL) {
                        rc = copa__error_oom();
                        break;
                    }
                    *out = g;
                }
                (*out)[*count].name = tmp.order[k];
                (*out)[*count].package = idx->items[j].name;
                tmp.order[k] = NULL;
                (*count)++;
            }
            copa__names_free(&tmp);
        }
    }
    if (*count > 1)
        qsort(*out, *count, sizeof(**out), compare_providers);
    return rc;
}

static int add_providers(names *n, const provider *prov, size_t count, const char *name)
{
    size_t lo = 0, hi = count;
    int rc = 0;

    while (lo < hi) { /* first entry >= name */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(prov[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; rc == 0 && lo < count && strcmp(prov[lo].name, name) == 0; lo++)
        rc = add_name(n, prov[lo].package, strlen(prov[lo].package));
    return rc;
}

/* Visit one name: select its candidates, queue their dependencies and its providers. */
static int visit(names *n, unsigned char **selected, const copa__apt_result *apt,
                 const provider *prov, size_t nprov, const char *name)
{
    size_t r;
    int rc = 0;

    for (r = 0; rc == 0 && r < apt->count; r++) {
        const copa__apt_packages *idx = &apt->repos[r].packages;
        const copa__apt_package *p = copa__apt_packages_find(idx, name);
        while (p != NULL && rc == 0) {
            if (selected != NULL)
                selected[r][p - idx->items] = 1;
            if ((rc = add_relation_names(n, p->depends)) == 0)
                rc = add_relation_names(n, p->pre_depends);
            p = p->next_same != 0 ? &idx->items[p->next_same - 1] : NULL;
        }
    }
    return rc != 0 ? rc : add_providers(n, prov, nprov, name);
}

/* The breadth-first walk from the installed names; `selected` may be NULL. */
static int walk(names *n, unsigned char **selected, const copa__dpkg_db *db,
                const copa__apt_result *apt)
{
    provider *prov = NULL;
    size_t nprov = 0, i;
    int rc = 0;

    for (i = 0; rc == 0 && i < db->installed_count; i++)
        rc = add_name(n, db->installed[i].pkg->name, strlen(db->installed[i].pkg->name));
    if (rc == 0)
        rc = index_providers(&prov, &nprov, apt);
    for (i = 0; rc == 0 && i < n->count; i++) /* n->count grows while we walk */
        rc = visit(n, selected, apt, prov, nprov, n->order[i]);
    for (i = 0; i < nprov; i++)
        free(prov[i].name);
    free(prov);
    return rc;
}

int copa__world_scope(unsigned char ***out, const copa__dpkg_db *db, const copa__apt_result *apt)
{
    unsigned char **selected = calloc(apt->count + 1, sizeof(*selected));
    size_t i;
    names n;
    int rc = 0;

    copa__names_init(&n);
    *out = NULL;
    if (selected == NULL)
        return copa__error_oom();
    for (i = 0; rc == 0 && i < apt->count; i++)
        if ((selected[i] = calloc(apt->repos[i].packages.count + 1, 1)) == NULL)
            rc = copa__error_oom();
    if (rc == 0)
        rc = walk(&n, selected, db, apt);
    copa__names_free(&n);
    if (rc != 0) {
        copa__world_scope_free(selected, apt->count);
        return rc;
    }
    *out = selected;
    return 0;
}

int copa__world_scope_names(copa__names *out, const copa__dpkg_db *db, const copa__apt_result *apt)
{
    int rc;

    copa__names_init(out);
    if ((rc = walk(out, NULL, db, apt)) != 0)
        copa__names_free(out);
    return rc;
}

void copa__world_scope_free(unsigned char **selected, size_t count)
{
    size_t i;
    for (i = 0; selected != NULL && i < count; i++)
        free(selected[i]);
    free(selected);
}
