/*
 * Layer writer, writing half: sort the collected entries, check them, and
 * write a PAX-restricted tar through the compression/hash sink.
 */
#include "layer/writer_internal.h"
#include "util/bytes_locale.h"
#include "util/error.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Component-wise order: '/' sorts before every other byte, so a directory's
 * contents directly follow it ("a", "a/b", "a-b") and parents precede
 * children.
 */
static int path_compare(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = *a == '/' ? 1 : *a == '\0' ? 0 : (unsigned char)*a + 1;
        int cb = *b == '/' ? 1 : *b == '\0' ? 0 : (unsigned char)*b + 1;
        if (ca != cb)
            return ca < cb ? -1 : 1;
        if (ca == 0)
            return 0;
    }
}

static int entry_compare(const void *a, const void *b)
{
    return path_compare(((const copa__wentry *)a)->path, ((const copa__wentry *)b)->path);
}

static const copa__wentry *find(const copa__layer_writer *w, const char *path)
{
    size_t lo = 0, hi = w->count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = path_compare(path, w->entries[mid].path);
        if (c == 0)
            return &w->entries[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/*
 * The regular file a hardlink ends at inside this layer: 0 and its index,
 * 1 when the target is not in this layer (a lower layer's file: the
 * caller's business), or COPA_EINVALID.
 */
static int link_root(const copa__layer_writer *w, size_t index, size_t *out)
{
    const copa__wentry *e = &w->entries[index];
    char note[256];
    int depth;

    for (depth = 0; depth < 64; depth++) {
        const copa__wentry *target = find(w, e->link);
        if (target == NULL)
            return 1;
        if (target->type == COPA__ENTRY_FILE) {
            *out = (size_t)(target - w->entries);
            return 0;
        }
        if (target->type != COPA__ENTRY_HARDLINK || target == e)
            break;
        e = target;
    }
    return copa__error_set(COPA_EINVALID,
                           "layer writer: hardlink '%s' to '%s', which is not a regular file%s",
                           w->entries[index].path, w->entries[index].link,
                           copa__wentry_origin_note(&w->entries[index], note, sizeof(note)));
}

/* Swap everything but the path: entry `h` becomes the file, `r` a link. */
static void move_file(copa__layer_writer *w, size_t r, size_t h)
{
    copa__wentry swap = w->entries[r];
    char *path = swap.path;

    w->entries[r] = w->entries[h];
    w->entries[h] = swap;
    w->entries[h].path = w->entries[r].path;
    w->entries[r].path = path;
    w->entries[r].type = COPA__ENTRY_HARDLINK;
}

/*
 * Tar readers need a hardlink's target before the link. The first path of
 * each group of names for one file carries the file (its metadata and
 * content; all names share one inode anyway) and every other name links
 * straight to it, so chains and links sorting before their file are fine.
 */
static int order_hardlinks(copa__layer_writer *w)
{
    const size_t none = (size_t)-1;
    size_t *root = malloc((w->count + 1) * sizeof(*root));
    size_t *holder = malloc((w->count + 1) * sizeof(*holder));
    size_t i;
    int error = 0, rc;

    if (root == NULL || holder == NULL) {
        error = copa__error_oom();
        goto done;
    }
    for (i = 0; i < w->count; i++) {
        holder[i] = i;
        root[i] = none;
        if (w->entries[i].type != COPA__ENTRY_HARDLINK)
            continue;
        if ((rc = link_root(w, i, &root[i])) < 0) {
            error = rc;
            goto done;
        }
        if (rc == 1)
            root[i] = none;
    }
    for (i = 0; i < w->count; i++)
        if (root[i] != none && i < holder[root[i]])
            holder[root[i]] = i;
    for (i = 0; i < w->count; i++)
        if (w->entries[i].type == COPA__ENTRY_FILE && holder[i] != i) {
            move_file(w, i, holder[i]);
            root[holder[i]] = none;
            root[i] = i;
        }
    for (i = 0; i < w->count && error == 0; i++) {
        char *path;
        if (w->entries[i].type != COPA__ENTRY_HARDLINK || root[i] == none)
            continue;
        path = strdup(w->entries[holder[root[i]]].path);
        if (path == NULL)
            error = copa__error_oom();
        free(w->entries[i].link);
        w->entries[i].link = path;
    }
done:
    free(root);
    free(holder);
    return error;
}

/* No duplicate paths; hardlinks ordered after the file they share. */
static int check_sorted(copa__layer_writer *w)
{
    char note[256];
    size_t i;

    for (i = 1; i < w->count; i++)
        if (strcmp(w->entries[i - 1].path, w->entries[i].path) == 0)
            return copa__error_set(COPA_EINVALID, "layer writer: duplicate entry '%s'%s",
                                   w->entries[i].path,
                                   copa__wentry_origin_note(&w->entries[i], note, sizeof(note)));
    return order_hardlinks(w);
}

static int64_t entry_mtime(const copa__layer_writer *w, const copa__wentry *e)
{
    if (e->mtime == COPA__MTIME_EPOCH)
        return w->options.epoch;
    if (w->options.clamp_mtime && e->mtime > w->options.epoch)
        return w->options.epoch;
    return e->mtime;
}

static unsigned int filetype(copa__entry_type type)
{
    switch (type) {
    case COPA__ENTRY_DIR:
        return AE_IFDIR;
    case COPA__ENTRY_SYMLINK:
        return AE_IFLNK;
    case COPA__ENTRY_CHAR:
        return AE_IFCHR;
    case COPA__ENTRY_BLOCK:
        return AE_IFBLK;
    case COPA__ENTRY_FIFO:
        return AE_IFIFO;
    default:
        return AE_IFREG;
    }
}

static void fill_entry(const copa__layer_writer *w, const copa__wentry *e, struct archive_entry *ae)
{
    size_t i;

    archive_entry_clear(ae);
    archive_entry_set_pathname(ae, e->path[0] != '\0' ? e->path : ".");
    archive_entry_set_filetype(ae, filetype(e->type));
    archive_entry_set_perm(ae, (mode_t)e->mode);
    archive_entry_set_uid(ae, e->uid);
    archive_entry_set_gid(ae, e->gid);
    if (e->uname != NULL)
        archive_entry_set_uname(ae, e->uname);
    if (e->gname != NULL)
        archive_entry_set_gname(ae, e->gname);
    archive_entry_set_mtime(ae, entry_mtime(w, e), 0);
    archive_entry_set_size(ae, e->type == COPA__ENTRY_FILE ? e->size : 0);
    if (e->type == COPA__ENTRY_SYMLINK)
        archive_entry_set_symlink(ae, e->link);
    if (e->type == COPA__ENTRY_HARDLINK)
        archive_entry_set_hardlink(ae, e->link);
    if (e->type == COPA__ENTRY_CHAR || e->type == COPA__ENTRY_BLOCK) {
        archive_entry_set_rdevmajor(ae, e->devmajor);
        archive_entry_set_rdevminor(ae, e->devminor);
    }
    for (i = 0; i < e->xattr_count; i++)
        archive_entry_xattr_add_entry(ae, e->xattrs[i].name, e->xattrs[i].value,
                                      e->xattrs[i].length);
}

typedef struct emit_state {
    copa__layer_sink *sink;
    int error;
} emit_state;

static la_ssize_t tar_out(struct archive *a, void *data, const void *buffer, size_t length)
{
    emit_state *state = data;

    (void)a;
    if (copa__layer_sink_write(state->sink, buffer, length) != 0) {
        state->error = copa_error_last_code();
        return -1;
    }
    return (la_ssize_t)length;
}

/* `e` is the entry being written, NULL at the start and end of the archive. */
static int tar_failure(struct archive *a, const emit_state *state, const copa__wentry *e)
{
    char note[256];

    if (state->error != 0)
        return state->error; /* the sink's own failure (disk, compressor) */
    if (e == NULL)
        return copa__error_set(COPA_ELAYER, "layer writer: %s", archive_error_string(a));
    return copa__error_set(COPA_ELAYER, "layer writer: '%s'%s: %s", e->path,
                           copa__wentry_origin_note(e, note, sizeof(note)),
                           archive_error_string(a));
}

static int copy_content(copa__layer_writer *w, struct archive *a, const emit_state *state,
                        const copa__wentry *e)
{
    char chunk[65536];
    int64_t done = 0;

    while (done < e->size) {
        size_t want = (size_t)(e->size - done < (int64_t)sizeof(chunk) ? e->size - done
                                                                       : (int64_t)sizeof(chunk));
        ssize_t n = pread(w->spool_fd, chunk, want, (off_t)(e->offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return copa__error_set(COPA_ERROR, "cannot read the layer spool: %s",
                                   n < 0 ? strerror(errno) : "unexpected end");
        if (archive_write_data(a, chunk, (size_t)n) != n)
            return tar_failure(a, state, e);
        done += n;
    }
    return 0;
}

static int write_entries(copa__layer_writer *w, struct archive *a, emit_state *state)
{
    struct archive_entry *ae = archive_entry_new();
    size_t i;
    int error = 0;

    if (ae == NULL)
        return copa__error_oom();
    for (i = 0; i < w->count && error == 0; i++) {
        const copa__wentry *e = &w->entries[i];
        fill_entry(w, e, ae);
        if (archive_write_header(a, ae) != ARCHIVE_OK)
            error = tar_failure(a, state, e);
        else if (e->type == COPA__ENTRY_FILE)
            error = copy_content(w, a, state, e);
    }
    archive_entry_free(ae);
    if (error == 0 && archive_write_close(a) != ARCHIVE_OK)
        error = tar_failure(a, state, NULL);
    return error;
}

static int has_high_byte(const char *text)
{
    for (; text != NULL && *text != '\0'; text++)
        if ((unsigned char)*text >= 0x80)
            return 1;
    return 0;
}

/*
 * Names are bytes, written as they came. A layer whose names are all ASCII
 * is written as plain pax (its bytes unchanged from earlier versions); one
 * with any other byte in a name, link, user or group name is written with
 * hdrcharset=BINARY, where libarchive stores every name untouched instead
 * of converting it from the locale to UTF-8 (which fails for non-UTF-8
 * names and depends on the caller's locale for the others).
 */
static int names_need_binary(const copa__layer_writer *w)
{
    size_t i;

    for (i = 0; i < w->count; i++) {
        const copa__wentry *e = &w->entries[i];
        if (has_high_byte(e->path) || has_high_byte(e->link) || has_high_byte(e->uname) ||
            has_high_byte(e->gname))
            return 1;
    }
    return 0;
}

static int write_archive(copa__layer_writer *w, struct archive *a, emit_state *state)
{
    locale_t previous;
    int error = 0;

    archive_write_set_format_pax_restricted(a);
    if (names_need_binary(w) &&
        archive_write_set_format_option(a, "pax", "hdrcharset", "BINARY") != ARCHIVE_OK)
        return tar_failure(a, state, NULL);
    previous = copa__bytes_locale_enter();
    if (archive_write_open(a, state, NULL, tar_out, NULL) != ARCHIVE_OK)
        error = tar_failure(a, state, NULL);
    else
        error = write_entries(w, a, state);
    copa__bytes_locale_leave(previous);
    return error;
}

int copa__layer_writer_finish_fd(copa__layer_writer *w, int fd, copa__layer_result *result)
{
    emit_state state = {NULL, 0};
    struct archive *a = NULL;
    int error;

    if (w->finished)
        return copa__error_set(COPA_EINVALID, "layer writer: already finished");
    w->finished = 1;
    qsort(w->entries, w->count, sizeof(*w->entries), entry_compare);
    if ((error = check_sorted(w)) != 0)
        return error;
    error = copa__layer_sink_new(&state.sink, w->options.compression, w->options.level,
                                 w->options.threads, fd);
    if (error != 0)
        return error;
    a = archive_write_new();
    if (a == NULL) {
        error = copa__error_oom();
        goto done;
    }
    if ((error = write_archive(w, a, &state)) == 0)
        error = copa__layer_sink_finish(state.sink, result);
done:
    if (a != NULL)
        archive_write_free(a);
    copa__layer_sink_free(state.sink);
    return error;
}

int copa__layer_writer_finish_path(copa__layer_writer *w, const char *path,
                                   copa__layer_result *result)
{
    size_t length = strlen(path);
    char *temp = malloc(length + 16);
    int fd, error;

    if (temp == NULL)
        return copa__error_oom();
    snprintf(temp, length + 16, "%s.tmp.XXXXXX", path);
    fd = mkstemp(temp);
    if (fd < 0) {
        error = copa__error_set(COPA_ERROR, "cannot create %s: %s", temp, strerror(errno));
        free(temp);
        return error;
    }
    fchmod(fd, 0644);
    error = copa__layer_writer_finish_fd(w, fd, result);
    if (error == 0 && fsync(fd) != 0)
        error = copa__error_set(COPA_ERROR, "cannot sync %s: %s", temp, strerror(errno));
    if (close(fd) != 0 && error == 0)
        error = copa__error_set(COPA_ERROR, "cannot write %s: %s", temp, strerror(errno));
    if (error == 0 && rename(temp, path) != 0)
        error =
            copa__error_set(COPA_ERROR, "cannot rename %s to %s: %s", temp, path, strerror(errno));
    if (error != 0)
        unlink(temp);
    free(temp);
    return error;
}
