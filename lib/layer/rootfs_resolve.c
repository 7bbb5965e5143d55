/*
 * Path resolution inside the rootfs view, and the lookups built on it.
 *
 * Resolution follows the kernel's rules with the image root as "/":
 * absolute symlink targets restart at the image root, ".." at the root
 * stays at the root, and more than 40 symlinks is a loop. Nothing ever
 * resolves outside the view, whatever the links say.
 */
#include "layer/rootfs_internal.h"
#include "util/buffer.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

/* Replace the remaining path with `target` + "/" + `rest`. */
static int splice(copa__buf *work, const char *target, const char *rest)
{
    copa__buf next = COPA__BUF_INIT;
    int error;

    if ((error = copa__buf_append_str(&next, target)) != 0 ||
        (error = copa__buf_append(&next, "/", 1)) != 0 ||
        (error = copa__buf_append_str(&next, rest)) != 0) {
        copa__buf_free(&next);
        return error;
    }
    copa__buf_free(work);
    *work = next;
    return 0;
}

int copa__rfs_resolve(const copa__rootfs *fs, uint32_t *out, uint32_t start, const char *path,
                      int follow_last, int *links)
{
    copa__buf work = COPA__BUF_INIT;
    uint32_t current = path[0] == '/' ? RFS_ROOT : start;
    size_t pos = 0;
    int error = copa__buf_append_str(&work, path);

    while (error == 0) {
        const char *component;
        size_t length;
        uint32_t child;
        int last;

        while (work.data[pos] == '/')
            pos++;
        if (work.data[pos] == '\0')
            break;
        component = work.data + pos;
        length = strcspn(component, "/");
        pos += length;
        while (work.data[pos] == '/')
            pos++;
        last = work.data[pos] == '\0';
        if (length == 1 && component[0] == '.')
            continue;
        if (length == 2 && component[0] == '.' && component[1] == '.') {
            current = fs->nodes[current].parent;
            continue;
        }
        child = copa__rfs_child(fs, current, component, length);
        if (child == RFS_NONE) {
            error = COPA_ENOTFOUND;
            break;
        }
        if (fs->nodes[child].type == COPA__ENTRY_SYMLINK && (!last || follow_last)) {
            const char *target = fs->nodes[child].link;
            if (++*links > RFS_MAX_LINKS) {
                error =
                    copa__error_set(COPA_EINVALID, "'%s': too many levels of symbolic links", path);
                break;
            }
            if (target[0] == '/')
                current = RFS_ROOT;
            error = splice(&work, target, work.data + pos);
            pos = 0;
            continue;
        }
        if (!last && fs->nodes[child].type != COPA__ENTRY_DIR) {
            error = COPA_ENOTFOUND;
            break;
        }
        current = child;
    }
    copa__buf_free(&work);
    if (error == COPA_ENOTFOUND)
        return copa__error_set(COPA_ENOTFOUND, "'%s': no such file or directory in the image",
                               path);
    if (error == 0)
        *out = current;
    return error;
}

char *copa__rfs_path(const copa__rootfs *fs, uint32_t id)
{
    size_t length = 0, pos;
    uint32_t n;
    char *path;

    for (n = id; n != RFS_ROOT; n = fs->nodes[n].parent)
        length += strlen(fs->nodes[n].name) + 1;
    path = malloc(length + 2);
    if (path == NULL)
        return NULL;
    pos = length;
    path[pos] = '\0';
    for (n = id; n != RFS_ROOT; n = fs->nodes[n].parent) {
        size_t part = strlen(fs->nodes[n].name);
        pos -= part;
        memcpy(path + pos, fs->nodes[n].name, part);
        path[--pos] = '/';
    }
    if (length == 0)
        strcpy(path, "/");
    return path;
}

static int lookup(const copa__rootfs *fs, uint32_t *out, const char *path, int follow)
{
    int links = 0;

    if (fs->broken)
        return copa__error_set(COPA_EINVALID, "rootfs view is incomplete after a failed layer");
    return copa__rfs_resolve(fs, out, RFS_ROOT, path, follow, &links);
}

static void fill_stat(copa__rootfs_stat *st, const copa__rootfs *fs, uint32_t id)
{
    const rfs_node *n = &fs->nodes[id];

    memset(st, 0, sizeof(*st));
    st->type = (copa__entry_type)n->type;
    st->mode = n->mode;
    st->uid = n->uid;
    st->gid = n->gid;
    st->uname = fs->names[n->uname];
    st->gname = fs->names[n->gname];
    st->size = n->size;
    st->mtime = n->mtime;
    st->link = n->link != NULL ? n->link : "";
    st->layer = n->layer;
    st->hardlink = (n->flags & RFS_HARDLINK) != 0;
    st->kept = (n->flags & RFS_KEPT) != 0;
    if (n->capability != NULL) {
        st->capability = n->capability + 1;
        st->capability_length = n->capability[0];
    }
}

int copa__rootfs_stat_path(copa__rootfs_stat *out, const copa__rootfs *fs, const char *path,
                           int follow)
{
    uint32_t id;
    int error = lookup(fs, &id, path, follow);

    if (error == 0)
        fill_stat(out, fs, id);
    return error;
}

int copa__rootfs_realpath(char **out, const copa__rootfs *fs, const char *path)
{
    uint32_t id;
    int error = lookup(fs, &id, path, 1);

    if (error != 0)
        return error;
    *out = copa__rfs_path(fs, id);
    return *out == NULL ? copa__error_oom() : 0;
}

static int name_compare(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int copa__rootfs_list(const char ***out, size_t *count, const copa__rootfs *fs, const char *path)
{
    uint32_t id, child;
    const char **names;
    size_t n = 0;
    int error = lookup(fs, &id, path, 1);

    if (error != 0)
        return error;
    if (fs->nodes[id].type != COPA__ENTRY_DIR)
        return copa__error_set(COPA_EINVALID, "'%s' is not a directory in the image", path);
    for (child = fs->nodes[id].first_child; child != RFS_NONE;
         child = fs->nodes[child].next_sibling)
        n++;
    names = malloc((n + 1) * sizeof(*names));
    if (names == NULL)
        return copa__error_oom();
    n = 0;
    for (child = fs->nodes[id].first_child; child != RFS_NONE;
         child = fs->nodes[child].next_sibling)
        names[n++] = fs->nodes[child].name;
    qsort(names, n, sizeof(*names), name_compare);
    *out = names;
    *count = n;
    return 0;
}

int copa__rootfs_read(const void **data, size_t *length, const copa__rootfs *fs, const char *path)
{
    uint32_t id;
    const rfs_node *n;
    int error = lookup(fs, &id, path, 1);

    if (error != 0)
        return error;
    n = &fs->nodes[id];
    if (n->type != COPA__ENTRY_FILE)
        return copa__error_set(COPA_EINVALID, "'%s' is not a regular file in the image", path);
    if (!(n->flags & RFS_KEPT))
        return copa__error_set(COPA_EUNSUPPORTED,
                               "'%s': content not kept (outside the kept prefixes or too big)",
                               path);
    *data = n->content != NULL ? (const void *)n->content : (const void *)"";
    *length = (size_t)n->size;
    return 0;
}

static int id_compare(const void *a, const void *b, void *data)
{
    const copa__rootfs *fs = data;

    return strcmp(fs->nodes[*(const uint32_t *)a].name, fs->nodes[*(const uint32_t *)b].name);
}

static int walk_node(const copa__rootfs *fs, uint32_t id, copa__buf *path, copa__rootfs_walk_fn fn,
                     void *payload)
{
    uint32_t child, *ids;
    size_t n = 0, i, base = path->length;
    int error = 0;

    for (child = fs->nodes[id].first_child; child != RFS_NONE;
         child = fs->nodes[child].next_sibling)
        n++;
    if (n == 0)
        return 0;
    ids = malloc(n * sizeof(*ids));
    if (ids == NULL)
        return copa__error_oom();
    n = 0;
    for (child = fs->nodes[id].first_child; child != RFS_NONE;
         child = fs->nodes[child].next_sibling)
        ids[n++] = child;
    qsort_r(ids, n, sizeof(*ids), id_compare, (void *)(uintptr_t)fs);
    for (i = 0; i < n && error == 0; i++) {
        copa__rootfs_stat st;
        path->length = base;
        if ((error = copa__buf_appendf(path, "/%s", fs->nodes[ids[i]].name)) != 0)
            break;
        fill_stat(&st, fs, ids[i]);
        if ((error = fn(payload, path->data, &st)) == 0 && st.type == COPA__ENTRY_DIR)
            error = walk_node(fs, ids[i], path, fn, payload);
    }
    free(ids);
    return error;
}

int copa__rootfs_walk(const copa__rootfs *fs, copa__rootfs_walk_fn fn, void *payload)
{
    copa__buf path = COPA__BUF_INIT;
    int error;

    if (fs->broken)
        return copa__error_set(COPA_EINVALID, "rootfs view is incomplete after a failed layer");
    error = walk_node(fs, RFS_ROOT, &path, fn, payload);
    copa__buf_free(&path);
    return error;
}

size_t copa__rootfs_entry_count(const copa__rootfs *fs)
{
    return fs->live;
}

size_t copa__rootfs_memory(const copa__rootfs *fs)
{
    return sizeof(*fs) + (size_t)fs->node_capacity * sizeof(rfs_node) +
           (size_t)fs->slot_capacity * sizeof(uint32_t) + fs->arena_bytes + fs->content_bytes +
           (size_t)fs->name_capacity * sizeof(char *);
}
