/*
 * The layer writer's entries before finish, for a caller that builds on
 * what was added (--run-scripts applies the native layer to a scratch
 * tree, then replaces entries its scripts changed).
 */
#include "layer/writer_internal.h"
#include "util/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct spool_reader {
    int fd;
    int64_t offset, left;
} spool_reader;

static ssize_t spool_read(void *payload, void *buf, size_t length)
{
    spool_reader *r = payload;
    if (r->left <= 0)
        return 0;
    size_t want = (int64_t)length < r->left ? length : (size_t)r->left;
    ssize_t n;
    while ((n = pread(r->fd, buf, want, r->offset)) < 0 && errno == EINTR)
        ;
    if (n < 0)
        return copa__error_set(COPA_ERROR, "layer writer: reading the spool: %s", strerror(errno));
    if (n == 0)
        return copa__error_set(COPA_ERROR, "layer writer: the spool ended early");
    r->offset += n;
    r->left -= n;
    return n;
}

int copa__layer_writer_visit(copa__layer_writer *w, copa__layer_writer_visit_fn fn, void *payload)
{
    if (w->finished)
        return copa__error_set(COPA_EINVALID, "layer writer: already finished");
    for (size_t i = 0; i < w->count; i++) {
        const copa__wentry *e = &w->entries[i];
        copa__layer_wentry view = {
            .path = e->path,
            .type = e->type,
            .mode = e->mode,
            .uid = e->uid,
            .gid = e->gid,
            .uname = e->uname,
            .gname = e->gname,
            .mtime = e->mtime,
            .link = e->link,
            .devmajor = e->devmajor,
            .devminor = e->devminor,
            .xattrs = e->xattrs,
            .xattr_count = e->xattr_count,
            .origin = e->origin,
        };
        spool_reader r = {w->spool_fd, e->offset, e->size};
        int is_file = e->type == COPA__ENTRY_FILE;
        int rc = fn(payload, &view, is_file ? spool_read : NULL, is_file ? &r : NULL);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int matches(const char *entry, const char *path, size_t len, int subtree)
{
    if (strncmp(entry, path, len) != 0)
        return 0;
    return entry[len] == '\0' || (subtree && (len == 0 || entry[len] == '/'));
}

int copa__layer_writer_drop(copa__layer_writer *w, const char *path, int subtree, size_t *dropped)
{
    if (w->finished)
        return copa__error_set(COPA_EINVALID, "layer writer: already finished");
    size_t len = strlen(path), kept = 0, gone = 0;
    for (size_t i = 0; i < w->count; i++) {
        if (matches(w->entries[i].path, path, len, subtree)) {
            copa__wentry_clear(&w->entries[i]);
            gone++;
        } else {
            w->entries[kept++] = w->entries[i];
        }
    }
    w->count = kept;
    if (dropped)
        *dropped = gone;
    return 0;
}
