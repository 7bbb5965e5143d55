/*
 * What the CA store effect reads: certificate files of the image as the
 * layer changes them (the new package's certificates are captured while
 * they are unpacked, since the layer writer keeps no contents to read
 * back), directory listings through both levels, and /etc/ssl/certs as an
 * editable table of entries.
 */
#include "debpatch/effect_ca.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_DEPTH = 40 };
/* Directories one certificate walk may enter: symlinked directories that
 * form no loop can still make 2^depth paths to the same few directories. */
enum { MAX_WALK_DIRS = 4096 };

int copa__dp_ca_capture_wanted(const char *canon)
{
    return strncmp(canon, &COPA__CA_CERTSDIR[1], strlen(COPA__CA_CERTSDIR) - 1) == 0 ||
           strncmp(canon, &COPA__CA_LOCALDIR[1], strlen(COPA__CA_LOCALDIR) - 1) == 0;
}

int copa__dp_ca_capture(copa__dp_ctx *c, const char *canon, const void *data, size_t len)
{
    copa__dp_capture *grown = realloc(c->captured, (c->ncaptured + 1) * sizeof(*grown));
    if (grown == NULL)
        return copa__error_oom();
    c->captured = grown;
    memset(&grown[c->ncaptured], 0, sizeof(*grown));
    if ((grown[c->ncaptured].path = strdup(canon)) == NULL)
        return copa__error_oom();
    c->ncaptured++;
    return copa__buf_append(&grown[c->ncaptured - 1].data, data, len);
}

void copa__dp_ca_capture_free(copa__dp_ctx *c)
{
    size_t i;
    for (i = 0; i < c->ncaptured; i++) {
        free(c->captured[i].path);
        copa__buf_free(&c->captured[i].data);
    }
    free(c->captured);
    c->captured = NULL;
    c->ncaptured = 0;
}

copa__dp_kind copa__ca_kind(copa__dp_ctx *c, const char *path)
{
    char *canon = NULL;
    const char *link;
    copa__dp_kind k = COPA__DP_MISSING;
    if (copa__dp_canonical(&canon, &c->view, path, 1) == 0)
        k = copa__dp_view_kind(&c->view, canon, &link, NULL);
    copa_error_clear();
    free(canon);
    return k == COPA__DP_SYMLINK ? COPA__DP_MISSING : k;
}

static int read_abs(const copa__image_files *f, const char *canon, char **text, size_t *len)
{
    char *abs = malloc(strlen(canon) + 2);
    int rc;
    if (abs == NULL)
        return copa__error_oom();
    abs[0] = '/';
    strcpy(abs + 1, canon);
    rc = f->read(text, len, abs, f->payload);
    free(abs);
    return rc;
}

int copa__ca_read(copa__dp_ctx *c, const char *path, copa__buf *out)
{
    const copa__image_files *f = c->in->files;
    char *canon = NULL, *text = NULL;
    const char *link;
    size_t i, len;
    int layer = 0, rc = copa__dp_canonical(&canon, &c->view, path, 1), found = 0;

    out->length = 0;
    if (rc != 0) {
        copa_error_clear(); /* a symlink loop: nothing to read, as for the script */
        return 0;
    }
    if (copa__dp_view_kind(&c->view, canon, &link, &layer) != COPA__DP_OTHER)
        rc = 0;
    else if (layer == 1) {
        for (i = c->ncaptured; i > 0 && !found; i--)
            if (strcmp(c->captured[i - 1].path, canon) == 0) {
                rc = copa__buf_append(out, c->captured[i - 1].data.data,
                                      c->captured[i - 1].data.length);
                found = 1;
            }
    } else if ((rc = read_abs(f, canon, &text, &len)) == 0) {
        rc = copa__buf_append(out, text, len);
        found = 1;
    } else if (rc == COPA_ENOTFOUND) {
        copa_error_clear();
        rc = 0;
    } else
        rc = copa__error_prefix("rebuilding the CA store: ");
    free(text);
    free(canon);
    return rc != 0 ? rc : found;
}

static int has_name(char **names, size_t n, const char *name)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in canonical directory `dir` after the layer, sorted. */
static int merged_list(char ***out, size_t *count, copa__dp_ctx *c, const char *dir)
{
    const copa__image_files *f = c->in->files;
    char **names = NULL, *abs = malloc(strlen(dir) + 2);
    size_t n = 0, i, keep = 0, dlen = strlen(dir);
    int rc;

    if (abs == NULL)
        return copa__error_oom();
    abs[0] = '/';
    strcpy(abs + 1, dir);
    rc = f->list(&names, &n, abs, f->payload);
    free(abs);
    if (rc == COPA_ENOTFOUND || rc == COPA_EINVALID) {
        copa_error_clear();
        rc = 0;
    }
    for (i = 0; rc == 0 && i < n; i++) {
        copa__buf child = COPA__BUF_INIT;
        const char *link;
        int layer = 0;
        if ((rc = copa__buf_appendf(&child, "%s%s%s", dir, dlen > 0 ? "/" : "", names[i])) != 0)
            break;
        copa__dp_view_kind(&c->view, child.data, &link, &layer);
        copa__buf_free(&child);
        if (layer == -1)
            free(names[i]);
        else
            names[keep++] = names[i];
    }
    n = rc == 0 ? keep : n;
    for (i = 0; rc == 0 && i < c->view.cap; i++) {
        const copa__dp_node *node = &c->view.nodes[i];
        const char *leaf;
        char **grown;
        if (node->path == NULL || !node->written || strncmp(node->path, dir, dlen) != 0)
            continue;
        leaf = node->path + dlen + (dlen > 0);
        if ((dlen > 0 && node->path[dlen] != '/') || *leaf == '\0' || strchr(leaf, '/') != NULL ||
            has_name(names, n, leaf))
            continue;
        if ((grown = realloc(names, (n + 1) * sizeof(*grown))) == NULL) {
            rc = copa__error_oom();
            break;
        }
        names = grown;
        if ((names[n] = strdup(leaf)) == NULL)
            rc = copa__error_oom();
        else
            n++;
    }
    if (rc != 0) {
        copa__image_files_free_names(names, n);
        return rc;
    }
    if (n > 0)
        qsort(names, n, sizeof(*names), by_name);
    *out = names;
    *count = n;
    return 0;
}

void copa__ca_names_free(char **names, size_t count)
{
    copa__image_files_free_names(names, count);
}

static int push(char ***list, size_t *n, const char *text)
{
    return copa__dp_strlist_push(list, n, text);
}

/* The directories of the walk from its start down to the current one. */
typedef struct walk_dir {
    const char *canon;
    const struct walk_dir *up;
} walk_dir;

static int on_walk(const walk_dir *w, const char *canon)
{
    for (; w != NULL; w = w->up)
        if (strcmp(w->canon, canon) == 0)
            return 1;
    return 0;
}

/*
 * A directory already on the walk (reached again through a symlink) is a
 * loop: `find -L` reports it and does not enter it, and entering it would
 * revisit everything below once per loop and level.
 */
static int find_in(char ***out, size_t *count, copa__dp_ctx *c, const char *dir, int follow,
                   int depth, const walk_dir *up, size_t *entered)
{
    char **names = NULL, *canon = NULL;
    size_t n = 0, i;
    int rc = copa__dp_canonical(&canon, &c->view, dir, 1);
    walk_dir here;

    if (rc == 0 && on_walk(up, canon)) {
        free(canon);
        return 0;
    }
    if (rc == 0 && ++*entered > MAX_WALK_DIRS) {
        free(canon);
        return copa__error_set(COPA_EINVALID,
                               "rebuilding the CA store: %s: more than %d directories to walk "
                               "(symlinked directories reach the same ones again and again)",
                               dir, MAX_WALK_DIRS);
    }
    here.canon = canon;
    here.up = up;
    if (rc == 0)
        rc = merged_list(&names, &n, c, canon);
    for (i = 0; rc == 0 && i < n; i++) {
        copa__buf child = COPA__BUF_INIT;
        size_t len = strlen(names[i]);
        copa__dp_kind k;
        if ((rc = copa__buf_appendf(&child, "%s/%s", dir, names[i])) != 0)
            break;
        if (follow)
            k = copa__ca_kind(c, child.data);
        else {
            char *lc = NULL;
            const char *link;
            k = COPA__DP_MISSING;
            if (copa__dp_canonical(&lc, &c->view, child.data, 0) == 0)
                k = copa__dp_view_kind(&c->view, lc, &link, NULL);
            free(lc);
        }
        if (k == COPA__DP_DIR && depth < MAX_DEPTH)
            rc = find_in(out, count, c, child.data, follow, depth + 1, &here, entered);
        else if (k == COPA__DP_OTHER && len >= 4 && strcmp(names[i] + len - 4, ".crt") == 0)
            rc = push(out, count, child.data);
        copa__buf_free(&child);
    }
    copa__image_files_free_names(names, n);
    free(canon);
    return rc;
}

int copa__ca_find_crt(char ***out, size_t *count, copa__dp_ctx *c, const char *dir, int follow)
{
    size_t entered = 0;
    int rc;
    *out = NULL;
    *count = 0;
    if (copa__ca_kind(c, dir) != COPA__DP_DIR)
        return 0;
    if ((rc = find_in(out, count, c, dir, follow, 0, NULL, &entered)) != 0) {
        copa__ca_names_free(*out, *count);
        *out = NULL;
        *count = 0;
        return rc;
    }
    if (*count > 0)
        qsort(*out, *count, sizeof(**out), by_name);
    return 0;
}

/* --- /etc/ssl/certs as a table --- */

int copa__ca_dir_load(copa__ca_dir *d, copa__dp_ctx *c)
{
    char **names = NULL;
    size_t n = 0, i;
    int rc;

    memset(d, 0, sizeof(*d));
    d->c = c;
    if ((rc = copa__dp_canonical(&d->canon, &c->view, COPA__CA_ETCDIR, 1)) != 0)
        return rc;
    if ((rc = merged_list(&names, &n, c, d->canon)) != 0)
        return rc;
    if ((d->e = calloc(n + 1, sizeof(*d->e))) == NULL)
        rc = copa__error_oom();
    for (i = 0; rc == 0 && i < n; i++) {
        copa__ca_entry *e = &d->e[d->n++];
        copa__buf child = COPA__BUF_INIT;
        const char *link = NULL;
        e->name = names[i];
        names[i] = NULL;
        if ((rc = copa__buf_appendf(&child, "%s/%s", d->canon, e->name)) != 0)
            break;
        e->kind = e->was_kind = copa__dp_view_kind(&c->view, child.data, &link, NULL);
        copa__buf_free(&child);
        if (link != NULL &&
            ((e->target = strdup(link)) == NULL || (e->was_target = strdup(link)) == NULL))
            rc = copa__error_oom();
    }
    copa__image_files_free_names(names, n);
    return rc;
}

void copa__ca_dir_free(copa__ca_dir *d)
{
    size_t i;
    for (i = 0; i < d->n; i++) {
        free(d->e[i].name);
        free(d->e[i].target);
        free(d->e[i].was_target);
        copa__buf_free(&d->e[i].content);
    }
    free(d->e);
    free(d->canon);
    memset(d, 0, sizeof(*d));
}

/* The entries stay sorted by name (the listing is): lookups are binary
 * searches, so a directory the image fills with entries stays cheap. */
static size_t position(const copa__ca_dir *d, const char *name, int *found)
{
    size_t lo = 0, hi = d->n;
    *found = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(d->e[mid].name, name);
        if (cmp == 0) {
            *found = 1;
            return mid;
        }
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

copa__ca_entry *copa__ca_dir_find(copa__ca_dir *d, const char *name)
{
    int found;
    size_t i = position(d, name, &found);
    return found ? &d->e[i] : NULL;
}

static copa__ca_entry *slot(copa__ca_dir *d, const char *name)
{
    int found;
    size_t i = position(d, name, &found);
    copa__ca_entry *grown;
    char *copy;
    if (found)
        return &d->e[i];
    if ((copy = strdup(name)) == NULL)
        return NULL;
    if ((grown = realloc(d->e, (d->n + 1) * sizeof(*grown))) == NULL) {
        free(copy);
        return NULL;
    }
    d->e = grown;
    memmove(&d->e[i + 1], &d->e[i], (d->n - i) * sizeof(*d->e));
    memset(&d->e[i], 0, sizeof(*d->e));
    d->e[i].name = copy;
    d->n++;
    return &d->e[i];
}

int copa__ca_dir_link(copa__ca_dir *d, const char *name, const char *target)
{
    copa__ca_entry *e = slot(d, name);
    char *copy = strdup(target);
    if (e == NULL || copy == NULL) {
        free(copy);
        return copa__error_oom();
    }
    free(e->target);
    e->target = copy;
    e->kind = COPA__DP_SYMLINK;
    e->generated = 0;
    return 0;
}

void copa__ca_dir_remove(copa__ca_dir *d, const char *name)
{
    copa__ca_entry *e = copa__ca_dir_find(d, name);
    if (e != NULL) {
        e->kind = COPA__DP_MISSING;
        e->generated = 0;
    }
}

/*
 * Follow `name` to what it finally is. In the directory: *in_dir is the
 * entry; elsewhere: *outside the image path (malloc'd).
 */
static copa__dp_kind follow(copa__ca_dir *d, const char *name, int depth, copa__ca_entry **in_dir,
                            char **outside)
{
    copa__ca_entry *e = copa__ca_dir_find(d, name);
    copa__buf path = COPA__BUF_INIT;
    char *canon = NULL, *slash;
    copa__dp_kind k;

    *in_dir = NULL;
    *outside = NULL;
    if (e == NULL || e->kind == COPA__DP_MISSING || depth > MAX_DEPTH)
        return COPA__DP_MISSING;
    if (e->kind != COPA__DP_SYMLINK) {
        *in_dir = e;
        return e->kind;
    }
    if (strchr(e->target, '/') == NULL)
        return follow(d, e->target, depth + 1, in_dir, outside);
    if (copa__buf_appendf(&path, "%s%s%s", e->target[0] == '/' ? "" : "/",
                          e->target[0] == '/' ? "" : d->canon,
                          e->target[0] == '/' ? "" : "/") != 0 ||
        copa__buf_append_str(&path, e->target) != 0 ||
        copa__dp_canonical(&canon, &d->c->view, path.data, 0) != 0) {
        copa_error_clear();
        copa__buf_free(&path);
        return COPA__DP_MISSING;
    }
    copa__buf_free(&path);
    slash = strrchr(canon, '/');
    if (slash != NULL && (size_t)(slash - canon) == strlen(d->canon) &&
        strncmp(canon, d->canon, strlen(d->canon)) == 0) {
        k = follow(d, slash + 1, depth + 1, in_dir, outside);
        free(canon);
        return k;
    }
    k = copa__ca_kind(d->c, canon);
    if (k == COPA__DP_MISSING)
        free(canon);
    else
        *outside = canon;
    return k;
}

int copa__ca_dir_exists(copa__ca_dir *d, const char *name, int regular)
{
    copa__ca_entry *in;
    char *out;
    copa__dp_kind k = follow(d, name, 0, &in, &out);
    free(out);
    return regular ? k == COPA__DP_OTHER : k != COPA__DP_MISSING;
}

char *copa__ca_dir_file_identity(copa__ca_dir *d, const char *name)
{
    copa__ca_entry *in;
    char *outside;
    copa__buf path = COPA__BUF_INIT;

    if (follow(d, name, 0, &in, &outside) != COPA__DP_OTHER)
        return NULL;
    if (outside != NULL)
        return outside;
    if (in->generated || copa__buf_appendf(&path, "%s/%s", d->canon, in->name) != 0) {
        copa__buf_free(&path);
        return NULL;
    }
    return copa__buf_detach(&path);
}

int copa__ca_dir_read(copa__ca_dir *d, const char *name, copa__buf *out)
{
    copa__ca_entry *in;
    char *outside;
    copa__dp_kind k = follow(d, name, 0, &in, &outside);
    int rc = 0;

    out->length = 0;
    if (k != COPA__DP_OTHER)
        return 0;
    if (outside != NULL) {
        rc = copa__ca_read(d->c, outside, out);
        free(outside);
        return rc;
    }
    if (in->generated)
        return copa__buf_append(out, in->content.data, in->content.length) == 0 ? 1 : -1;
    {
        copa__buf abs = COPA__BUF_INIT;
        if ((rc = copa__buf_appendf(&abs, "/%s/%s", d->canon, in->name)) == 0)
            rc = copa__ca_read(d->c, abs.data, out);
        copa__buf_free(&abs);
    }
    return rc;
}
