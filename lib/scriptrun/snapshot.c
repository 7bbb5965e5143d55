/*
 * A snapshot of the scratch tree: every path with what the disk says
 * (type, mode, owner, content hash, symlink target, capability) and what
 * the manifest says it should be. Sorted by path for the comparison.
 */
#include "scriptrun/snapshot.h"
#include "util/digest.h"
#include "util/error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#define VFS_CAP_REVISION_MASK 0xFF000000U
#define VFS_CAP_REVISION_2 0x02000000U
#define VFS_CAP_V2_SIZE 20

void copa__tree_snapshot_free(copa__tree_snapshot *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->count; i++) {
        free(s->items[i].path);
        free(s->items[i].link);
    }
    free(s->items);
    free(s);
}

/* A namespaced (v3) capability as an image stores it: v2, without the root id. */
static void cap_normalize(unsigned char *cap, size_t *len)
{
    if (*len <= VFS_CAP_V2_SIZE)
        return;
    uint32_t magic =
        (uint32_t)cap[0] | (uint32_t)cap[1] << 8 | (uint32_t)cap[2] << 16 | (uint32_t)cap[3] << 24;
    magic = (magic & ~VFS_CAP_REVISION_MASK) | VFS_CAP_REVISION_2;
    for (int i = 0; i < 4; i++)
        cap[i] = (unsigned char)(magic >> (8 * i));
    *len = VFS_CAP_V2_SIZE;
}

static int hash_file(int fd, unsigned char out[32])
{
    copa__sha256 *ctx = NULL;
    int rc = copa__sha256_new(&ctx);
    char buf[65536];
    ssize_t n;
    while (rc == 0 && (n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = copa__error_set(COPA_ERROR, "scratch tree: read: %s", strerror(errno));
            break;
        }
        rc = copa__sha256_update(ctx, buf, (size_t)n);
    }
    if (rc == 0)
        rc = copa__sha256_final(ctx, out);
    copa__sha256_free(ctx);
    return rc;
}

static int push(copa__tree_snapshot *s, copa__tree_item **out)
{
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        copa__tree_item *grown = realloc(s->items, cap * sizeof *grown);
        if (!grown)
            return copa__error_oom();
        s->items = grown;
        s->cap = cap;
    }
    *out = &s->items[s->count++];
    memset(*out, 0, sizeof **out);
    return 0;
}

static int record(copa__tree *t, copa__tree_snapshot *s, int dir, const char *name,
                  const char *path, const struct stat *st)
{
    copa__tree_item *it = NULL;
    int rc = push(s, &it);
    if (rc != 0)
        return rc;
    if (!(it->path = strdup(path)))
        return copa__error_oom();
    it->mode = st->st_mode;
    it->uid = st->st_uid;
    it->gid = st->st_gid;
    it->size = st->st_size;
    it->rdev = st->st_rdev;
    if (S_ISLNK(st->st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlinkat(dir, name, target, sizeof target - 1);
        if (n < 0)
            return copa__error_set(COPA_ERROR, "scratch tree: '%s': %s", path, strerror(errno));
        target[n] = '\0';
        if (!(it->link = strdup(target)))
            return copa__error_oom();
    } else if (S_ISREG(st->st_mode)) {
        int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return copa__error_set(COPA_ERROR, "scratch tree: '%s': %s", path, strerror(errno));
        rc = hash_file(fd, it->sha256);
        ssize_t n = fgetxattr(fd, "security.capability", it->cap, sizeof it->cap);
        it->cap_len = n > 0 ? (size_t)n : 0;
        it->cap_on_disk = it->cap_len > 0;
        cap_normalize(it->cap, &it->cap_len);
        close(fd);
        if (rc != 0)
            return rc;
    }
    /* What the path should be: the manifest's word where the disk cannot carry it. */
    const copa__tree_meta *m = copa__tree_meta_find(t, path);
    it->decl_mode = st->st_mode & 07777;
    it->decl_uid = st->st_uid;
    it->decl_gid = st->st_gid;
    if (m && !t->privileged) {
        it->decl_mode = m->mode;
        it->decl_uid = m->uid;
        it->decl_gid = m->gid;
        if (it->cap_len == 0 && m->cap_len) {
            memcpy(it->cap, m->cap, m->cap_len);
            it->cap_len = m->cap_len;
        }
    }
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(copa__tree *t, copa__tree_snapshot *s, int dir_fd, const char *prefix)
{
    int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return copa__error_set(COPA_ERROR, "scratch tree: '%s': %s", prefix, strerror(errno));
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **grown = realloc(names, cap * sizeof *grown);
            if (!grown) {
                rc = copa__error_oom();
                break;
            }
            names = grown;
        }
        if (!(names[n] = strdup(e->d_name)))
            rc = copa__error_oom();
        else
            n++;
    }
    if (n > 1)
        qsort(names, n, sizeof *names, by_name);
    char path[PATH_MAX];
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct stat st;
        snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "/" : "", names[i]);
        if (fstatat(dirfd(d), names[i], &st, AT_SYMLINK_NOFOLLOW) != 0) {
            rc = copa__error_set(COPA_ERROR, "scratch tree: '%s': %s", path, strerror(errno));
            break;
        }
        rc = record(t, s, dirfd(d), names[i], path, &st);
        if (rc == 0 && S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd(d), names[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            rc = sub < 0
                     ? copa__error_set(COPA_ERROR, "scratch tree: '%s': %s", path, strerror(errno))
                     : walk(t, s, sub, path);
            if (sub >= 0)
                close(sub);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

static int item_order(const void *a, const void *b)
{
    return strcmp(((const copa__tree_item *)a)->path, ((const copa__tree_item *)b)->path);
}

int copa__tree_snapshot_take(copa__tree_snapshot **out, const copa__tree *tree)
{
    copa__tree *t = (copa__tree *)tree; /* the manifest sorts itself on first lookup */
    copa__tree_snapshot *s = calloc(1, sizeof *s);
    if (!s)
        return copa__error_oom();
    int rc = walk(t, s, t->root_fd, "");
    if (rc != 0) {
        copa__tree_snapshot_free(s);
        return rc;
    }
    if (s->count > 1)
        qsort(s->items, s->count, sizeof *s->items, item_order);
    *out = s;
    return 0;
}

const copa__tree_item *copa__tree_snapshot_find(const copa__tree_snapshot *s, const char *path)
{
    size_t lo = 0, hi = s->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->items[mid].path, path);
        if (c == 0)
            return &s->items[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
