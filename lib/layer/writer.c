/*
 * Layer writer, collecting half: entries are copied into memory, file
 * contents into an unlinked spool file. writer_emit.c sorts and writes.
 */
#include "layer/writer_internal.h"
#include "util/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void copa__layer_writer_options_init(copa__layer_writer_options *options)
{
    memset(options, 0, sizeof(*options));
    options->compression = COPA__COMPRESSION_GZIP;
    options->epoch = -1;
}

static int parse_epoch(int64_t *out)
{
    const char *text = getenv("SOURCE_DATE_EPOCH");
    char *end = NULL;
    long long value;

    *out = 0;
    if (text == NULL || *text == '\0')
        return 0;
    errno = 0;
    value = strtoll(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < 0)
        return copa__error_set(
            COPA_EINVALID, "SOURCE_DATE_EPOCH='%s' is not a number of seconds since 1970", text);
    *out = value;
    return 0;
}

int copa__layer_writer_new(copa__layer_writer **out, const copa__layer_writer_options *options)
{
    copa__layer_writer *w = calloc(1, sizeof(*w));
    int error;

    if (w == NULL)
        return copa__error_oom();
    w->spool_fd = -1;
    if (options != NULL)
        w->options = *options;
    else
        copa__layer_writer_options_init(&w->options);
    if (w->options.epoch < 0 && (error = parse_epoch(&w->options.epoch)) != 0) {
        free(w);
        return error;
    }
    *out = w;
    return 0;
}

void copa__wentry_clear(copa__wentry *e)
{
    size_t i;

    free(e->path);
    free(e->uname);
    free(e->gname);
    free(e->link);
    for (i = 0; i < e->xattr_count; i++) {
        free((char *)e->xattrs[i].name);
        free((void *)e->xattrs[i].value);
    }
    free(e->xattrs);
}

void copa__layer_writer_free(copa__layer_writer *w)
{
    size_t i;

    if (w == NULL)
        return;
    for (i = 0; i < w->count; i++)
        copa__wentry_clear(&w->entries[i]);
    free(w->entries);
    for (i = 0; i < w->origin_count; i++)
        free(w->origins[i]);
    free(w->origins);
    if (w->spool_fd >= 0)
        close(w->spool_fd);
    free(w);
}

static char *dup_or_null(const char *text, int *error)
{
    char *copy;

    if (text == NULL || *text == '\0')
        return NULL;
    copy = strdup(text);
    if (copy == NULL)
        *error = copa__error_oom();
    return copy;
}

static int copy_xattrs(copa__wentry *e, const copa__layer_wentry *in)
{
    size_t i;

    if (in->xattr_count == 0)
        return 0;
    e->xattrs = calloc(in->xattr_count, sizeof(*e->xattrs));
    if (e->xattrs == NULL)
        return copa__error_oom();
    for (i = 0; i < in->xattr_count; i++) {
        char *name = strdup(in->xattrs[i].name);
        void *value = malloc(in->xattrs[i].length + 1);
        if (name == NULL || value == NULL) {
            free(name);
            free(value);
            return copa__error_oom();
        }
        memcpy(value, in->xattrs[i].value, in->xattrs[i].length);
        e->xattrs[i].name = name;
        e->xattrs[i].value = value;
        e->xattrs[i].length = in->xattrs[i].length;
        e->xattr_count = i + 1;
    }
    return 0;
}

static int check_entry(const copa__layer_wentry *in, const char *path)
{
    if (in->type < COPA__ENTRY_FILE || in->type > COPA__ENTRY_FIFO)
        return copa__error_set(COPA_EINVALID, "layer writer: '%s': unsupported entry type %d",
                               in->path, (int)in->type);
    if (path[0] == '\0' && in->type != COPA__ENTRY_DIR)
        return copa__error_set(COPA_EINVALID, "layer writer: only a directory can be the root");
    if ((in->type == COPA__ENTRY_SYMLINK || in->type == COPA__ENTRY_HARDLINK) &&
        (in->link == NULL || in->link[0] == '\0'))
        return copa__error_set(COPA_EINVALID, "layer writer: link '%s' has no target", in->path);
    return 0;
}

static int grow(copa__layer_writer *w)
{
    copa__wentry *entries;
    size_t capacity;

    if (w->count < w->capacity)
        return 0;
    capacity = w->capacity == 0 ? 64 : w->capacity * 2;
    entries = realloc(w->entries, capacity * sizeof(*entries));
    if (entries == NULL)
        return copa__error_oom();
    w->entries = entries;
    w->capacity = capacity;
    return 0;
}

/*
 * The writer's copy of `origin`. Entries of one package come in a run, so
 * comparing with the latest origin keeps one copy per package.
 */
static int intern_origin(copa__layer_writer *w, const char *origin, const char **out)
{
    char **origins;

    *out = NULL;
    if (origin == NULL)
        return 0;
    if (w->origin_count > 0 && strcmp(w->origins[w->origin_count - 1], origin) == 0) {
        *out = w->origins[w->origin_count - 1];
        return 0;
    }
    origins = realloc(w->origins, (w->origin_count + 1) * sizeof(*origins));
    if (origins == NULL)
        return copa__error_oom();
    w->origins = origins;
    if ((origins[w->origin_count] = strdup(origin)) == NULL)
        return copa__error_oom();
    *out = origins[w->origin_count++];
    return 0;
}

const char *copa__wentry_origin_note(const copa__wentry *e, char *buf, size_t size)
{
    if (e->origin == NULL)
        return "";
    snprintf(buf, size, " (from %s)", e->origin);
    return buf;
}

/* Copy an entry in; on success it is w->entries[w->count - 1]. */
static int push_entry(copa__layer_writer *w, const copa__layer_wentry *in)
{
    copa__wentry *e;
    int error = 0;

    if (w->finished)
        return copa__error_set(COPA_EINVALID, "layer writer: already finished");
    if (in->path == NULL || (error = grow(w)) != 0)
        return error != 0 ? error : copa__error_set(COPA_EINVALID, "layer writer: no path");
    e = &w->entries[w->count];
    memset(e, 0, sizeof(*e));
    e->path = strdup(in->path);
    if (e->path == NULL)
        return copa__error_oom();
    if (copa__layer_path_normalize(e->path) != 0) {
        error =
            copa__error_set(COPA_EINVALID, "layer writer: path '%s' escapes the root", in->path);
        goto fail;
    }
    if ((error = check_entry(in, e->path)) != 0)
        goto fail;
    e->type = in->type;
    e->mode = in->mode & 07777;
    e->uid = in->uid;
    e->gid = in->gid;
    e->mtime = in->mtime;
    e->devmajor = in->devmajor;
    e->devminor = in->devminor;
    e->uname = dup_or_null(in->uname, &error);
    e->gname = dup_or_null(in->gname, &error);
    e->link = dup_or_null(in->link, &error);
    if (error == 0 && e->type == COPA__ENTRY_HARDLINK && copa__layer_path_normalize(e->link) != 0)
        error = copa__error_set(COPA_EINVALID,
                                "layer writer: hardlink target '%s' escapes the root", in->link);
    if (error == 0)
        error = copy_xattrs(e, in);
    if (error == 0)
        error = intern_origin(w, in->origin, &e->origin);
    if (error != 0)
        goto fail;
    w->count++;
    return 0;
fail:
    copa__wentry_clear(e);
    return error;
}

int copa__layer_writer_add(copa__layer_writer *w, const copa__layer_wentry *entry)
{
    return push_entry(w, entry);
}

static int open_spool(copa__layer_writer *w)
{
    const char *dir = w->options.spool_dir;
    char path[4096];

    if (w->spool_fd >= 0)
        return 0;
    if (dir == NULL)
        dir = getenv("TMPDIR");
    if (dir == NULL || *dir == '\0')
        dir = "/tmp";
    snprintf(path, sizeof(path), "%s/copa-layer-spool.XXXXXX", dir);
    w->spool_fd = mkstemp(path);
    if (w->spool_fd < 0)
        return copa__error_set(COPA_ERROR, "cannot create a spool file in %s: %s", dir,
                               strerror(errno));
    unlink(path);
    return 0;
}

static int spool_write(copa__layer_writer *w, const void *data, size_t length)
{
    const char *p = data;

    while (length > 0) {
        ssize_t n = write(w->spool_fd, p, length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return copa__error_set(COPA_ERROR, "cannot write the layer spool: %s",
                                   n < 0 ? strerror(errno) : "short write");
        p += n;
        length -= (size_t)n;
        w->spool_size += n;
    }
    return 0;
}

/* Push a file entry whose content starts at the current end of the spool. */
static int push_file(copa__layer_writer *w, const copa__layer_wentry *entry)
{
    int error;

    if (entry->type != COPA__ENTRY_FILE)
        return copa__error_set(COPA_EINVALID, "layer writer: '%s' is not a regular file",
                               entry->path != NULL ? entry->path : "");
    if ((error = open_spool(w)) != 0 || (error = push_entry(w, entry)) != 0)
        return error;
    w->entries[w->count - 1].offset = w->spool_size;
    return 0;
}

int copa__layer_writer_add_file(copa__layer_writer *w, const copa__layer_wentry *entry,
                                const void *data, size_t length)
{
    int error = push_file(w, entry);

    if (error != 0)
        return error;
    if ((error = spool_write(w, data, length)) != 0)
        return error;
    w->entries[w->count - 1].size = (int64_t)length;
    return 0;
}

int copa__layer_writer_add_file_stream(copa__layer_writer *w, const copa__layer_wentry *entry,
                                       copa__read_fn read_fn, void *payload)
{
    char chunk[16384];
    ssize_t n;
    int error = push_file(w, entry);

    if (error != 0)
        return error;
    while ((n = read_fn(payload, chunk, sizeof(chunk))) > 0) {
        if ((error = spool_write(w, chunk, (size_t)n)) != 0)
            return error;
        w->entries[w->count - 1].size += n;
    }
    if (n < 0)
        return copa__error_prefix("layer writer: '%s': ", entry->path);
    return 0;
}

/* Whiteouts and opaque markers: empty root-owned files at the epoch. */
static int add_marker(copa__layer_writer *w, const char *dir, const char *name)
{
    copa__layer_wentry e;
    char *path;
    int error;

    path = malloc(strlen(dir) + strlen(name) + 2);
    if (path == NULL)
        return copa__error_oom();
    sprintf(path, "%s%s%s", dir, dir[0] != '\0' ? "/" : "", name);
    memset(&e, 0, sizeof(e));
    e.path = path;
    e.type = COPA__ENTRY_FILE;
    e.mode = 0644;
    e.mtime = COPA__MTIME_EPOCH;
    error = push_entry(w, &e);
    free(path);
    return error;
}

int copa__layer_writer_add_whiteout(copa__layer_writer *w, const char *path)
{
    char *copy = strdup(path), *slash, *name;
    char *marker;
    int error;

    if (copy == NULL)
        return copa__error_oom();
    if (copa__layer_path_normalize(copy) != 0 || copy[0] == '\0') {
        free(copy);
        return copa__error_set(COPA_EINVALID, "layer writer: cannot white out '%s'", path);
    }
    slash = strrchr(copy, '/');
    name = slash != NULL ? slash + 1 : copy;
    marker = malloc(strlen(name) + 5);
    if (marker == NULL) {
        free(copy);
        return copa__error_oom();
    }
    sprintf(marker, ".wh.%s", name);
    if (slash != NULL)
        *slash = '\0';
    error = add_marker(w, slash != NULL ? copy : "", marker);
    free(marker);
    free(copy);
    return error;
}

int copa__layer_writer_add_opaque(copa__layer_writer *w, const char *dir)
{
    return add_marker(w, dir, ".wh..wh..opq");
}
