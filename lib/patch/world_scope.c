/*
 * Which candidates the resolver can ever look at: the versions of installed
 * packages, then transitively the packages their Depends and Pre-Depends
 * name, and the providers of those names. A Debian image has a few hundred
 * packages while the archive has ~60 000; copying only this closure into the
 * world keeps the resolver's memory proportional to the image (the plan is
 * the same: nothing outside the closure can be installed or checked).
 */
#include "patch/world_scope.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

/* A set of names (open addressing, owned copies) that is also the BFS queue. */
typedef struct names {
    char **slots;
    size_t cap, count;
    char **order; /* insertion order: the queue */
} names;

static size_t hash(const char *s, size_t len)
{
    size_t h = 1469598103934665603u, i;
    for (i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

static int grow(names *n)
{
    size_t cap = n->cap != 0 ? n->cap * 2 : 1024, i;
    char **slots = calloc(cap, sizeof(*slots));
    char **order = realloc(n->order, cap * sizeof(*order));

    if (slots == NULL || order == NULL) {
        free(slots);
        if (order != NULL)
            n->order = order;
        return copa__error_oom();
    }
    n->order = order;
    for (i = 0; i < n->cap; i++) {
        if (n->slots[i] != NULL) {
            size_t j = hash(n->slots[i], strlen(n->slots[i])) & (cap - 1);
            while (slots[j] != NULL)
                j = (j + 1) & (cap - 1);
            slots[j] = n->slots[i];
        }
    }
    free(n->slots);
    n->slots = slots;
    n->cap = cap;
    return 0;
}

static int add_name(names *n, const char *s, size_t len)
{
    size_t j;
    int rc;

    if (len == 0)
        return 0;
    if (n->count * 2 >= n->cap && (rc = grow(n)) != 0)
        return rc;
    for (j = hash(s, len) & (n->cap - 1); n->slots[j] != NULL; j = (j + 1) & (n->cap - 1))
        if (strncmp(n->slots[j], s, len) == 0 && n->slots[j][len] == '\0')
            return 0;
    if ((n->slots[j] = strndup(s, len)) == NULL)
        return copa__error_oom();
    n->order[n->count++] = n->slots[j];
    return 0;
}

static void names_free(names *n)
{
    size_t i;
    for (i = 0; i < n->count; i++)
        free(n->order[i]);
    free(n->order);
    free(n->slots);
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '+' || c == '-';
}

/* The package names of a relation field ("a (>= 1) | b:any, c [amd64]"). */
static int add_relation_names(names *n, const char *text)
{
    const char *p = text;
    int rc = 0;

    while (p != NULL && *p != '\0' && rc == 0) {
        const char *start;
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == ',' || *p == '|')
            p++;
        start = p;
        while (is_name_char(*p))
            p++;
        rc = add_name(n, start, (size_t)(p - start));
        while (*p != '\0' && *p != ',' && *p != '|')
            p++;
    }
    return rc;
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
            for (k = 0; k < tmp.count; k++)
                free(tmp.order[k]);
            free(tmp.order);
            free(tmp.slots);
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
            selected[r][p - idx->items] = 1;
            if ((rc = add_relation_names(n, p->depends)) == 0)
                rc = add_relation_names(n, p->pre_depends);
            p = p->next_same != 0 ? &idx->items[p->next_same - 1] : NULL;
        }
    }
    return rc != 0 ? rc : add_providers(n, prov, nprov, name);
}

int copa__world_scope(unsigned char ***out, const copa__dpkg_db *db, const copa__apt_result *apt)
{
    unsigned char **selected = calloc(apt->count + 1, sizeof(*selected));
    provider *prov = NULL;
    size_t nprov = 0, i;
    names n;
    int rc = 0;

    memset(&n, 0, sizeof(n));
    *out = NULL;
    if (selected == NULL)
        return copa__error_oom();
    for (i = 0; rc == 0 && i < apt->count; i++)
        if ((selected[i] = calloc(apt->repos[i].packages.count + 1, 1)) == NULL)
            rc = copa__error_oom();
    for (i = 0; rc == 0 && i < db->installed_count; i++)
        rc = add_name(&n, db->installed[i].pkg->name, strlen(db->installed[i].pkg->name));
    if (rc == 0)
        rc = index_providers(&prov, &nprov, apt);
    for (i = 0; rc == 0 && i < n.count; i++) /* n.count grows while we walk */
        rc = visit(&n, selected, apt, prov, nprov, n.order[i]);
    for (i = 0; i < nprov; i++)
        free(prov[i].name);
    free(prov);
    names_free(&n);
    if (rc != 0) {
        copa__world_scope_free(selected, apt->count);
        return rc;
    }
    *out = selected;
    return 0;
}

void copa__world_scope_free(unsigned char **selected, size_t count)
{
    size_t i;
    for (i = 0; selected != NULL && i < count; i++)
        free(selected[i]);
    free(selected);
}
