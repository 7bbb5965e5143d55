/*
 * What the scripts changed, into the layer: the tree now against the
 * snapshot from before they ran. A changed or new path replaces the
 * writer's entry for it (the native layer's), a deleted one becomes a
 * whiteout; a directory whose only change is its mtime is left alone.
 */
#include "sandbox/sandbox.h"
#include "scriptrun/snapshot.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static copa__entry_type entry_type(mode_t mode)
{
    if (S_ISDIR(mode))
        return COPA__ENTRY_DIR;
    if (S_ISLNK(mode))
        return COPA__ENTRY_SYMLINK;
    if (S_ISCHR(mode))
        return COPA__ENTRY_CHAR;
    if (S_ISBLK(mode))
        return COPA__ENTRY_BLOCK;
    if (S_ISFIFO(mode))
        return COPA__ENTRY_FIFO;
    return COPA__ENTRY_FILE;
}

/* What the path should be now: an owner or mode unchanged on disk keeps the manifest's word. */
static void declare(copa__tree_item *now, const copa__tree_item *was, int privileged)
{
    int same_type = was && (was->mode & S_IFMT) == (now->mode & S_IFMT);
    int same_mode = same_type && was->mode == now->mode;
    int same_owner = same_type && was->uid == now->uid && was->gid == now->gid;
    now->decl_mode = now->mode & 07777;
    now->decl_uid = now->uid;
    now->decl_gid = now->gid;
    if (!privileged) {
        /* Changed inside the sandbox, where only uid/gid 0 exist. */
        now->decl_uid = same_owner ? was->decl_uid : 0;
        now->decl_gid = same_owner ? was->decl_gid : 0;
        if (same_mode)
            now->decl_mode = was->decl_mode;
    }
    /* Rewriting a file drops its capability, as the kernel does. */
    if (!privileged && !now->cap_on_disk && was && S_ISREG(now->mode) &&
        memcmp(was->sha256, now->sha256, sizeof now->sha256) != 0)
        now->cap_len = 0;
}

static int differs(const copa__tree_item *now, const copa__tree_item *was)
{
    if (!was || (was->mode & S_IFMT) != (now->mode & S_IFMT))
        return 1;
    if (was->decl_mode != now->decl_mode || was->decl_uid != now->decl_uid ||
        was->decl_gid != now->decl_gid)
        return 1;
    if (was->cap_len != now->cap_len || memcmp(was->cap, now->cap, now->cap_len) != 0)
        return 1;
    if (S_ISREG(now->mode))
        return memcmp(was->sha256, now->sha256, sizeof now->sha256) != 0;
    if (S_ISLNK(now->mode))
        return strcmp(was->link, now->link) != 0;
    if (S_ISCHR(now->mode) || S_ISBLK(now->mode))
        return was->rdev != now->rdev;
    return 0;
}

typedef struct file_reader {
    int fd;
} file_reader;

static ssize_t file_read(void *payload, void *buf, size_t length)
{
    file_reader *r = payload;
    ssize_t n;
    while ((n = read(r->fd, buf, length)) < 0 && errno == EINTR)
        ;
    return n < 0 ? copa__error_set(COPA_ERROR, "scratch tree: read: %s", strerror(errno)) : n;
}

static int emit(copa__tree *t, const copa__tree_item *now, const copa__tree_item *was,
                copa__layer_writer *w)
{
    int was_dir = was && S_ISDIR(was->mode);
    int rc = copa__layer_writer_drop(w, now->path, was_dir && !S_ISDIR(now->mode), NULL);
    if (rc != 0)
        return rc;
    copa__xattr cap = {"security.capability", now->cap, now->cap_len};
    copa__layer_wentry e = {
        .path = now->path,
        .type = entry_type(now->mode),
        .mode = now->decl_mode,
        .uid = now->decl_uid,
        .gid = now->decl_gid,
        .mtime = COPA__MTIME_EPOCH,
        .link = now->link,
        .devmajor = major(now->rdev),
        .devminor = minor(now->rdev),
        .xattrs = now->cap_len ? &cap : NULL,
        .xattr_count = now->cap_len ? 1 : 0,
        .origin = "maintainer scripts",
    };
    if (e.type != COPA__ENTRY_FILE)
        return copa__layer_writer_add(w, &e);
    file_reader r = {copa__sandbox_open_in(t->root_fd, now->path, O_RDONLY | O_NOFOLLOW, 0)};
    if (r.fd < 0)
        return copa__error_set(COPA_ERROR, "scratch tree: '%s': %s", now->path, strerror(errno));
    rc = copa__layer_writer_add_file_stream(w, &e, file_read, &r);
    close(r.fd);
    return rc;
}

/* The whiteout of `path`, replacing whatever the writer had at or under it. */
static int emit_deletion(const char *path, copa__layer_writer *w)
{
    char marker[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(marker, sizeof marker, "%.*s/.wh.%s", (int)(slash - path), path, slash + 1);
    else
        snprintf(marker, sizeof marker, ".wh.%s", path);
    int rc = copa__layer_writer_drop(w, path, 1, NULL);
    if (rc == 0)
        rc = copa__layer_writer_drop(w, marker, 0, NULL);
    return rc == 0 ? copa__layer_writer_add_whiteout(w, path) : rc;
}

/* A deleted path whose parent is gone (or no longer a directory) is covered by the parent. */
static int parent_covers(const copa__tree_snapshot *now, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return 0;
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%.*s", (int)(slash - path), path);
    const copa__tree_item *p = copa__tree_snapshot_find(now, parent);
    return !p || !S_ISDIR(p->mode);
}

int copa__tree_emit_changes(copa__tree *t, const copa__tree_snapshot *before, copa__layer_writer *w,
                            size_t *changed)
{
    copa__tree_snapshot *now = NULL;
    size_t count = 0;
    int rc = copa__tree_snapshot_take(&now, t);
    for (size_t i = 0; rc == 0 && now && i < now->count; i++) {
        copa__tree_item *it = &now->items[i];
        const copa__tree_item *was = copa__tree_snapshot_find(before, it->path);
        declare(it, was, t->privileged);
        if (differs(it, was)) {
            rc = emit(t, it, was, w);
            count++;
        }
    }
    for (size_t i = 0; rc == 0 && now && i < before->count; i++) {
        const char *path = before->items[i].path;
        if (copa__tree_snapshot_find(now, path) || parent_covers(now, path))
            continue;
        rc = emit_deletion(path, w);
        count++;
    }
    copa__tree_snapshot_free(now);
    if (changed)
        *changed = count;
    return rc;
}
