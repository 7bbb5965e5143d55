/*
 * Extracting layers into the scratch tree as an OCI runtime would: each
 * entry replaces what is at its path, `.wh.NAME` removes NAME of lower
 * layers, `.wh..wh..opq` empties a directory of what lower layers put
 * there. Parents resolve inside the tree (a layer's symlink never points
 * an extraction at the host); the last component is never followed.
 */
#include "sandbox/sandbox.h"
#include "scriptrun/internal.h"
#include "layer/reader.h"
#include "util/error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define WHITEOUT_PREFIX ".wh."
#define OPAQUE_NAME ".wh..wh..opq"

int copa__tree_new(copa__tree **out, const char *dir)
{
    copa__tree *t = calloc(1, sizeof *t);
    if (!t || !(t->dir = strdup(dir))) {
        free(t);
        return copa__error_oom();
    }
    t->root_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (t->root_fd < 0) {
        int rc = copa__error_set(COPA_ERROR, "scratch tree %s: %s", dir, strerror(errno));
        free(t->dir);
        free(t);
        return rc;
    }
    t->privileged = geteuid() == 0;
    *out = t;
    return 0;
}

void copa__tree_free(copa__tree *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nmeta; i++)
        free(t->meta[i].path);
    free(t->meta);
    close(t->root_fd);
    free(t->dir);
    free(t);
}

const char *copa__tree_dir(const copa__tree *t)
{
    return t->dir;
}

uint64_t copa__tree_path_hash(const char *path)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

static int paths_add(copa__tree_layer_paths *p, const char *path)
{
    if (p->count == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 256;
        uint64_t *grown = realloc(p->hashes, cap * sizeof *grown);
        if (!grown)
            return copa__error_oom();
        p->hashes = grown;
        p->cap = cap;
    }
    p->hashes[p->count++] = copa__tree_path_hash(path);
    return 0;
}

static int paths_has(const copa__tree_layer_paths *p, const char *path)
{
    uint64_t h = copa__tree_path_hash(path);
    for (size_t i = 0; i < p->count; i++)
        if (p->hashes[i] == h)
            return 1;
    return 0;
}

void copa__tree_layer_paths_free(copa__tree_layer_paths *p)
{
    free(p->hashes);
    memset(p, 0, sizeof *p);
}

int copa__tree_remove_at(int dir_fd, const char *name)
{
    if (unlinkat(dir_fd, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return -1;
    int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    fchmod(fd, 0700); /* a script's read-only directory must still empty */
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            rc = copa__tree_remove_at(dirfd(d), e->d_name);
    closedir(d);
    return rc == 0 && unlinkat(dir_fd, name, AT_REMOVEDIR) != 0 && errno != ENOENT ? -1 : rc;
}

/* Split "a/b/c" into the parent's descriptor (resolved in the tree) and "c". */
static int open_parent(const copa__tree *t, const char *path, const char **name)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        *name = path;
        return openat(t->root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
    *name = slash + 1;
    char parent[PATH_MAX];
    size_t len = (size_t)(slash - path);
    if (len >= sizeof parent) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(parent, path, len);
    parent[len] = '\0';
    return copa__sandbox_open_in(t->root_fd, parent, O_PATH | O_DIRECTORY, 0);
}

/* Empty `dir` of everything this layer did not write. */
static int clear_lower(int dir_fd, const char *dir_path, const copa__tree_layer_paths *written)
{
    DIR *d = fdopendir(openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!d)
        return -1;
    struct dirent *e;
    int rc = 0;
    char child[PATH_MAX];
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(child, sizeof child, "%s%s%s", dir_path, dir_path[0] ? "/" : "", e->d_name);
        if (!paths_has(written, child)) {
            rc = copa__tree_remove_at(dirfd(d), e->d_name);
        } else if (e->d_type == DT_DIR) {
            int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            rc = sub < 0 ? -1 : clear_lower(sub, child, written);
            if (sub >= 0)
                close(sub);
        }
    }
    closedir(d);
    return rc;
}

static int write_content(int fd, const copa__tree_entry *e)
{
    char buf[65536];
    ssize_t n;
    if (!e->read)
        return 0;
    while ((n = e->read(e->read_payload, buf, sizeof buf)) > 0)
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(fd, buf + off, (size_t)(n - off));
            if (w < 0)
                return copa__error_set(COPA_ERROR, "scratch tree: write: %s", strerror(errno));
            off += w;
        }
    return n < 0 ? (int)n : 0;
}

/* Owner and mode on disk (what the caller can store) and in the manifest (all of it). */
static int set_meta(copa__tree *t, int parent, const char *name, const copa__tree_entry *e)
{
    int is_link = e->type == COPA__ENTRY_SYMLINK;
    if (t->privileged)
        fchownat(parent, name, (uid_t)e->uid, (gid_t)e->gid, AT_SYMLINK_NOFOLLOW);
    if (!is_link) {
        /* The caller must keep reading and walking what it extracts. */
        unsigned disk = e->mode & 07777;
        if (!t->privileged)
            disk |= e->type == COPA__ENTRY_DIR ? 0700 : 0600;
        fchmodat(parent, name, disk, 0);
        if (t->privileged && e->cap && e->type == COPA__ENTRY_FILE) {
            int fd = openat(parent, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
            if (fd >= 0) {
                fsetxattr(fd, "security.capability", e->cap, e->cap_len, 0);
                close(fd);
            }
        }
    }
    if (e->has_mtime && e->type != COPA__ENTRY_DIR) {
        struct timespec times[2];
        times[0].tv_sec = times[1].tv_sec = (time_t)e->mtime;
        times[0].tv_nsec = times[1].tv_nsec = 0;
        utimensat(parent, name, times, AT_SYMLINK_NOFOLLOW);
    }
    return copa__tree_meta_record(t, e->path, e->mode & 07777, e->uid, e->gid, e->cap, e->cap_len);
}

static int make_node(copa__tree *t, int parent, const char *name, const copa__tree_entry *e)
{
    struct stat st;
    int exists = fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
    if (e->type == COPA__ENTRY_DIR) {
        if (exists && S_ISDIR(st.st_mode))
            return 0;
        if (exists && copa__tree_remove_at(parent, name) != 0)
            return -1;
        return mkdirat(parent, name, 0700);
    }
    if (exists && copa__tree_remove_at(parent, name) != 0)
        return -1;
    switch (e->type) {
    case COPA__ENTRY_SYMLINK:
        return symlinkat(e->link ? e->link : "", parent, name);
    case COPA__ENTRY_HARDLINK: {
        int target = copa__sandbox_open_in(t->root_fd, e->link, O_PATH | O_NOFOLLOW, 0);
        if (target < 0)
            return -1;
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", target);
        int rc = linkat(AT_FDCWD, proc, parent, name, AT_SYMLINK_FOLLOW);
        close(target);
        return rc;
    }
    case COPA__ENTRY_FIFO:
        return mkfifoat(parent, name, 0600);
    case COPA__ENTRY_CHAR:
    case COPA__ENTRY_BLOCK:
        if (t->privileged)
            return mknodat(parent, name, (e->type == COPA__ENTRY_CHAR ? S_IFCHR : S_IFBLK) | 0600,
                           makedev(e->devmajor, e->devminor));
        /* Not root: an empty file holds the place (devices are not scripts' business). */
        /* fall through */
    default: {
        int fd = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
            return -1;
        int rc = e->type == COPA__ENTRY_FILE ? write_content(fd, e) : 0;
        close(fd);
        if (rc != 0) {
            errno = EIO;
            return -1;
        }
        return 0;
    }
    }
}

int copa__tree_apply_entry(copa__tree *t, const copa__tree_entry *e,
                           copa__tree_layer_paths *written)
{
    if (e->path[0] == '\0')
        return 0; /* the root itself */
    const char *name;
    int parent = open_parent(t, e->path, &name);
    if (parent < 0)
        return copa__error_set(COPA_ERROR, "scratch tree: '%s': parent: %s", e->path,
                               strerror(errno));
    int rc = 0;
    if (e->type == COPA__ENTRY_WHITEOUT) {
        if (copa__tree_remove_at(parent, name) != 0)
            rc = copa__error_set(COPA_ERROR, "scratch tree: whiteout '%s': %s", e->path,
                                 strerror(errno));
    } else if (e->type == COPA__ENTRY_OPAQUE) {
        int dir = copa__sandbox_open_in(t->root_fd, e->path, O_RDONLY | O_DIRECTORY, 0);
        if (dir >= 0) {
            if (clear_lower(dir, e->path, written) != 0)
                rc = copa__error_set(COPA_ERROR, "scratch tree: opaque '%s': %s", e->path,
                                     strerror(errno));
            close(dir);
        }
    } else {
        rc = paths_add(written, e->path);
        if (rc == 0 && make_node(t, parent, name, e) != 0)
            rc = copa__error_set(COPA_ERROR, "scratch tree: '%s': %s", e->path, strerror(errno));
        if (rc == 0 && e->type != COPA__ENTRY_HARDLINK)
            rc = set_meta(t, parent, name, e);
    }
    close(parent);
    return rc;
}

typedef struct layer_ctx {
    copa__tree *tree;
    copa__tree_layer_paths written;
    int markers; /* the writer's visit: 1 for whiteouts and opaque markers, 0 for the rest */
} layer_ctx;

static ssize_t reader_read(void *payload, void *buf, size_t length)
{
    ssize_t n = copa__layer_reader_data(payload, buf, length);
    return n;
}

static int on_layer_entry(void *payload, const copa__layer_entry *le, copa__layer_reader *reader)
{
    layer_ctx *ctx = payload;
    copa__tree_entry e = {
        .path = le->path,
        .type = le->type,
        .mode = le->mode,
        .uid = le->uid,
        .gid = le->gid,
        .link = le->link,
        .devmajor = le->devmajor,
        .devminor = le->devminor,
        .cap = le->capability,
        .cap_len = le->capability_length,
        .mtime = le->mtime,
        .has_mtime = 1,
        .read = le->type == COPA__ENTRY_FILE ? reader_read : NULL,
        .read_payload = reader,
    };
    return copa__tree_apply_entry(ctx->tree, &e, &ctx->written);
}

int copa__tree_apply_layer(copa__tree *t, const copa__layer_desc *desc,
                           const copa__layer_source *source)
{
    layer_ctx ctx = {t, {0}, 0};
    int rc = copa__layer_read(desc, source, on_layer_entry, &ctx);
    copa__tree_layer_paths_free(&ctx.written);
    return rc;
}

/* The writer stores markers as files: turn them back into whiteouts. */
static void classify_marker(copa__tree_entry *e, char *buf, size_t size)
{
    const char *slash = strrchr(e->path, '/');
    const char *name = slash ? slash + 1 : e->path;
    size_t dir_len = slash ? (size_t)(slash - e->path) : 0;
    if (e->type != COPA__ENTRY_FILE || strncmp(name, WHITEOUT_PREFIX, 4) != 0 ||
        dir_len + strlen(name) + 2 > size)
        return;
    memcpy(buf, e->path, dir_len);
    buf[dir_len] = '\0';
    if (strcmp(name, OPAQUE_NAME) == 0) {
        e->type = COPA__ENTRY_OPAQUE;
    } else {
        snprintf(buf + dir_len, size - dir_len, "%s%s", dir_len ? "/" : "", name + 4);
        e->type = COPA__ENTRY_WHITEOUT;
    }
    e->path = buf;
}

static const copa__xattr *find_cap(const copa__layer_wentry *we)
{
    for (size_t i = 0; i < we->xattr_count; i++)
        if (strcmp(we->xattrs[i].name, "security.capability") == 0)
            return &we->xattrs[i];
    return NULL;
}

static int on_writer_entry(void *payload, const copa__layer_wentry *we, copa__read_fn read,
                           void *read_payload)
{
    layer_ctx *ctx = payload;
    const copa__xattr *cap = find_cap(we);
    char marker[PATH_MAX];
    copa__tree_entry e = {
        .path = we->path,
        .type = we->type,
        .mode = we->mode,
        .uid = we->uid,
        .gid = we->gid,
        .link = we->link,
        .devmajor = we->devmajor,
        .devminor = we->devminor,
        .cap = cap ? cap->value : NULL,
        .cap_len = cap ? cap->length : 0,
        .read = read,
        .read_payload = read_payload,
        .mtime = we->mtime,
        .has_mtime = we->mtime != COPA__MTIME_EPOCH,
    };
    classify_marker(&e, marker, sizeof marker);
    int is_marker = e.type == COPA__ENTRY_WHITEOUT || e.type == COPA__ENTRY_OPAQUE;
    if (is_marker != ctx->markers)
        return 0;
    return copa__tree_apply_entry(ctx->tree, &e, &ctx->written);
}

int copa__tree_apply_writer(copa__tree *t, copa__layer_writer *writer)
{
    /* Markers hide lower layers only: apply them before the layer's own entries. */
    layer_ctx ctx = {t, {0}, 1};
    int rc = copa__layer_writer_visit(writer, on_writer_entry, &ctx);
    ctx.markers = 0;
    if (rc == 0)
        rc = copa__layer_writer_visit(writer, on_writer_entry, &ctx);
    copa__tree_layer_paths_free(&ctx.written);
    return rc;
}
