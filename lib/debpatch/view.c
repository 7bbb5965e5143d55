/*
 * The image seen through the layer being built: paths are canonicalized
 * through the image's own symlinks (and through symlinks the layer itself
 * adds), so a package's ./lib/x lands on usr/lib/x of a merged-/usr image
 * and /lib stays a symlink.
 */
#include "debpatch/internal.h"
#include "util/buffer.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_LINKS = 40 };

void copa__dp_view_init(copa__dp_view *v, const copa__rootfs *fs)
{
    memset(v, 0, sizeof(*v));
    v->fs = fs;
}

void copa__dp_view_free(copa__dp_view *v)
{
    size_t i;
    for (i = 0; i < v->cap; i++) {
        free(v->nodes[i].path);
        free(v->nodes[i].link);
    }
    free(v->nodes);
    memset(v, 0, sizeof(*v));
}

static size_t hash_path(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static copa__dp_node *slot(const copa__dp_view *v, const char *path)
{
    size_t i;
    if (v->cap == 0)
        return NULL;
    i = hash_path(path) & (v->cap - 1);
    while (v->nodes[i].path != NULL && strcmp(v->nodes[i].path, path) != 0)
        i = (i + 1) & (v->cap - 1);
    return &v->nodes[i];
}

static int grow(copa__dp_view *v)
{
    copa__dp_view bigger = *v;
    size_t i;

    bigger.cap = v->cap == 0 ? 256 : v->cap * 2;
    bigger.nodes = calloc(bigger.cap, sizeof(*bigger.nodes));
    if (bigger.nodes == NULL)
        return copa__error_oom();
    for (i = 0; i < v->cap; i++)
        if (v->nodes[i].path != NULL)
            *slot(&bigger, v->nodes[i].path) = v->nodes[i];
    free(v->nodes);
    *v = bigger;
    return 0;
}

int copa__dp_view_put(copa__dp_view *v, const char *path, copa__dp_kind kind, const char *link,
                      int written)
{
    copa__dp_node *n;
    char *copy_link = NULL;
    int rc;

    if ((v->count + 1) * 2 > v->cap && (rc = grow(v)) != 0)
        return rc;
    if (link != NULL && (copy_link = strdup(link)) == NULL)
        return copa__error_oom();
    n = slot(v, path);
    if (n->path == NULL) {
        if ((n->path = strdup(path)) == NULL) {
            free(copy_link);
            return copa__error_oom();
        }
        v->count++;
    }
    free(n->link);
    n->link = copy_link;
    n->kind = written ? kind : COPA__DP_MISSING;
    n->written = written;
    return 0;
}

static copa__dp_kind from_stat(const copa__rootfs_stat *st)
{
    switch (st->type) {
    case COPA__ENTRY_DIR:
        return COPA__DP_DIR;
    case COPA__ENTRY_SYMLINK:
        return COPA__DP_SYMLINK;
    default:
        return COPA__DP_OTHER;
    }
}

copa__dp_kind copa__dp_view_kind(const copa__dp_view *v, const char *path, const char **link,
                                 int *layer)
{
    const copa__dp_node *n = slot(v, path);
    copa__rootfs_stat st;

    *link = NULL;
    if (layer != NULL)
        *layer = 0;
    if (n != NULL && n->path != NULL) {
        if (layer != NULL)
            *layer = n->written ? 1 : -1;
        *link = n->link;
        return n->kind;
    }
    if (path[0] == '\0')
        return COPA__DP_DIR;
    if (v->fs == NULL || copa__rootfs_stat_path(&st, v->fs, path, 0) != 0) {
        copa_error_clear();
        return COPA__DP_MISSING;
    }
    *link = st.link;
    return from_stat(&st);
}

int copa__dp_view_writes_below(const copa__dp_view *v, const char *dir)
{
    size_t i, len = strlen(dir);
    for (i = 0; i < v->cap; i++) {
        const copa__dp_node *n = &v->nodes[i];
        if (n->path != NULL && n->written &&
            (len == 0 || (strncmp(n->path, dir, len) == 0 && n->path[len] == '/')))
            return 1;
    }
    return 0;
}

/* Drop the last component of `cur` (the root stays the root). */
static void up(copa__buf *cur)
{
    char *slash = cur->length > 0 ? strrchr(cur->data, '/') : NULL;
    cur->length = slash != NULL ? (size_t)(slash - cur->data) : 0;
    if (cur->data != NULL)
        cur->data[cur->length] = '\0';
}

/* `rest` = `target` + "/" + `rest`. */
static int prepend(copa__buf *rest, const char *target)
{
    copa__buf b = COPA__BUF_INIT;
    int rc = copa__buf_appendf(&b, "%s/%s", target, rest->data != NULL ? rest->data : "");
    if (rc != 0)
        return rc;
    copa__buf_free(rest);
    *rest = b;
    return 0;
}

/* Pop the first component of `rest` into `name`; 0 when none is left. */
static int pop(copa__buf *rest, copa__buf *name, int *last)
{
    char *p;
    size_t n, skip;

    for (;;) {
        if (rest->data == NULL || rest->length == 0)
            return 0;
        p = strchr(rest->data, '/');
        n = p != NULL ? (size_t)(p - rest->data) : rest->length;
        skip = p != NULL ? n + 1 : n;
        name->length = 0;
        if (copa__buf_append(name, rest->data, n) != 0)
            return copa__error_oom();
        memmove(rest->data, rest->data + skip, rest->length - skip + 1);
        rest->length -= skip;
        if (n != 0 && strcmp(name->data, ".") != 0)
            break;
    }
    /* Trailing slashes and dots do not make a component "not last". */
    *last = 1;
    for (n = 0; n < rest->length; n++)
        if (rest->data[n] != '/' &&
            !(rest->data[n] == '.' && (n + 1 == rest->length || rest->data[n + 1] == '/')))
            *last = 0;
    return 1;
}

static int walk(copa__buf *cur, copa__buf *rest, const copa__dp_view *v, int follow_last,
                const char *path)
{
    copa__buf name = COPA__BUF_INIT;
    unsigned int links = 0;
    int rc = 0, last, more;

    while (rc == 0 && (more = pop(rest, &name, &last)) == 1) {
        const char *link;
        size_t before = cur->length;
        if (strcmp(name.data, "..") == 0) {
            up(cur);
            continue;
        }
        if ((cur->length > 0 && (rc = copa__buf_append(cur, "/", 1)) != 0) ||
            (rc = copa__buf_append_str(cur, name.data)) != 0)
            break;
        if (last && !follow_last)
            continue;
        if (copa__dp_view_kind(v, cur->data, &link, NULL) != COPA__DP_SYMLINK || link == NULL)
            continue;
        if (++links > MAX_LINKS) {
            rc = copa__error_set(COPA_EINVALID, "%s: too many levels of symbolic links", path);
            break;
        }
        cur->length = before;
        cur->data[before] = '\0';
        if (link[0] == '/') {
            cur->length = 0;
            cur->data[0] = '\0';
        }
        rc = prepend(rest, link);
    }
    if (rc == 0 && more < 0)
        rc = more;
    copa__buf_free(&name);
    return rc;
}

int copa__dp_canonical(char **out, const copa__dp_view *v, const char *path, int follow_last)
{
    copa__buf cur = COPA__BUF_INIT, rest = COPA__BUF_INIT;
    int rc;

    *out = NULL;
    if ((rc = copa__buf_append_str(&cur, "")) != 0 ||
        (rc = copa__buf_append_str(&rest, path)) != 0 ||
        (rc = walk(&cur, &rest, v, follow_last, path)) != 0) {
        copa__buf_free(&cur);
        copa__buf_free(&rest);
        return rc;
    }
    copa__buf_free(&rest);
    *out = copa__buf_detach(&cur);
    return 0;
}
