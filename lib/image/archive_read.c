/*
 * Reading image archives without trusting their paths. The tar is streamed
 * once: each regular file's bytes go to a private directory under a number
 * copa picks, and every name, symlink and hard link is only recorded in an
 * index. A name is looked up by resolving it in that index, lexically and
 * never above the archive's root; the host's file system never sees a path
 * the archive chose, so nothing can be written or read outside by
 * construction (not by checking strings before using them).
 */
#include "image/archive.h"
#include "image/store.h"
#include "util/buffer.h"
#include "util/error.h"
#include "util/file.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bounds that no real image archive comes near; past them the archive is refused. */
enum {
    MAX_ENTRIES = 1 << 20,
    MAX_NAME = 4096,    /* names and symlink targets, as PATH_MAX */
    MAX_LINK_HOPS = 40, /* as Linux's path resolution */
    /* Components one lookup may walk, links included: the cost of a lookup
     * must not be what the archive's links choose (manifest.json may ask
     * for thousands). */
    MAX_RESOLVE_STEPS = 4096,
};

typedef enum { ENTRY_FILE, ENTRY_SYMLINK, ENTRY_HARDLINK } entry_kind;

typedef struct tree_entry {
    char *name;   /* normalized: no leading '/', no "", "." or ".." components */
    char *target; /* symlink: as written; hard link: normalized entry name */
    entry_kind kind;
    size_t file; /* ENTRY_FILE (and resolved hard links): the private file's number */
} tree_entry;

struct copa__archive_tree {
    char *archive; /* for messages */
    char *dir;     /* private directory holding the files, named by number */
    tree_entry *entries;
    size_t count, capacity;
    size_t files;
};

/*
 * `name` without empty and "." components, into out. 0 when it is a
 * relative path with no ".." (the root itself gives ""), -1 otherwise.
 */
static int normalize(copa__buf *out, const char *name)
{
    const char *p = name;

    copa__buf_clear(out);
    if (*name == '/' || strlen(name) > MAX_NAME)
        return -1;
    while (*p != '\0') {
        const char *end = strchr(p, '/');
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return -1;
        if (n > 0 && !(n == 1 && p[0] == '.')) {
            if ((out->length > 0 && copa__buf_append(out, "/", 1) != 0) ||
                copa__buf_append(out, p, n) != 0)
                return -1;
        }
        if (end == NULL)
            break;
        p = end + 1;
    }
    return copa__buf_append(out, "", 0) == 0 ? 0 : -1;
}

/* A symlink target must stay inside when read from the link's directory. */
static int link_stays_inside(const char *name, const char *target)
{
    int depth = 0;
    const char *p;

    if (*target == '/' || *target == '\0')
        return 0;
    for (p = name; *p != '\0'; p++)
        if (*p == '/')
            depth++;
    for (p = target; *p != '\0';) {
        const char *end = strchr(p, '/');
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (--depth < 0)
                return 0;
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            depth++;
        }
        if (end == NULL)
            break;
        p = end + 1;
    }
    return 1;
}

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const tree_entry *)a)->name, ((const tree_entry *)b)->name);
}

static const tree_entry *find(const copa__archive_tree *t, const char *name)
{
    tree_entry key;

    if (t->count == 0) /* an empty archive has no table: NULL must not reach bsearch */
        return NULL;
    key.name = (char *)name;
    return bsearch(&key, t->entries, t->count, sizeof(*t->entries), compare_entries);
}

static int add_entry(copa__archive_tree *t, const char *name, entry_kind kind, const char *target,
                     size_t file)
{
    tree_entry *e;

    if (t->count == MAX_ENTRIES)
        return copa__error_set(COPA_EINVALID, "%s: more than %d entries", t->archive, MAX_ENTRIES);
    if (t->count == t->capacity) {
        size_t capacity = t->capacity != 0 ? t->capacity * 2 : 64;
        tree_entry *grown = realloc(t->entries, capacity * sizeof(*grown));
        if (grown == NULL)
            return copa__error_oom();
        t->entries = grown;
        t->capacity = capacity;
    }
    e = &t->entries[t->count];
    memset(e, 0, sizeof(*e));
    e->kind = kind;
    e->file = file;
    if ((e->name = strdup(name)) == NULL ||
        (target != NULL && (e->target = strdup(target)) == NULL)) {
        free(e->name);
        return copa__error_oom();
    }
    t->count++;
    return 0;
}

static char *file_path(const copa__archive_tree *t, size_t file)
{
    copa__buf path = COPA__BUF_INIT;

    if (copa__buf_appendf(&path, "%s/%zu", t->dir, file) != 0)
        return NULL;
    return copa__buf_detach(&path);
}

/* The entry's bytes into a new private file named by its number. */
static int store_file(copa__archive_tree *t, struct archive *in, const char *name)
{
    char *path = file_path(t, t->files);
    int fd, error = 0;

    if (path == NULL)
        return copa__error_oom();
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = copa__error_set(COPA_ERROR, "%s: %s", path, strerror(errno));
    } else {
        if (archive_read_data_into_fd(in, fd) != ARCHIVE_OK)
            error = copa__error_set(COPA_EINVALID, "%s: %s: %s", t->archive, name,
                                    archive_error_string(in));
        if (close(fd) != 0 && error == 0)
            error = copa__error_set(COPA_ERROR, "%s: %s", path, strerror(errno));
    }
    free(path);
    if (error == 0)
        error = add_entry(t, name, ENTRY_FILE, NULL, t->files++);
    return error;
}

static const char *type_name(mode_t type)
{
    switch (type) {
    case AE_IFCHR:
        return "a character device";
    case AE_IFBLK:
        return "a block device";
    case AE_IFIFO:
        return "a fifo";
    case AE_IFSOCK:
        return "a socket";
    default:
        return "of an unknown type";
    }
}

static int read_entry(copa__archive_tree *t, struct archive *in, struct archive_entry *entry,
                      copa__buf *name, copa__buf *target)
{
    const char *raw = archive_entry_pathname(entry);
    const char *hardlink = archive_entry_hardlink(entry);
    mode_t type = archive_entry_filetype(entry);

    if (raw == NULL || normalize(name, raw) != 0)
        return copa__error_set(COPA_EINVALID, "%s: unsafe path '%s' in archive", t->archive,
                               raw != NULL ? raw : "");
    if (hardlink != NULL) {
        if (normalize(target, hardlink) != 0 || target->data[0] == '\0')
            return copa__error_set(COPA_EINVALID, "%s: hard link '%s' points outside the archive",
                                   t->archive, raw);
        return add_entry(t, name->data, ENTRY_HARDLINK, target->data, 0);
    }
    if (type == AE_IFDIR)
        return 0; /* directories are implied by the names under them */
    if (name->data[0] == '\0')
        return copa__error_set(COPA_EINVALID, "%s: entry '%s' names the archive's root", t->archive,
                               raw);
    if (type == AE_IFLNK) {
        const char *to = archive_entry_symlink(entry);
        if (to != NULL && strlen(to) > MAX_NAME)
            return copa__error_set(COPA_EINVALID,
                                   "%s: symlink '%s' has a target longer than %d bytes", t->archive,
                                   raw, MAX_NAME);
        if (to == NULL || !link_stays_inside(name->data, to))
            return copa__error_set(COPA_EINVALID, "%s: symlink '%s' points outside the archive",
                                   t->archive, raw);
        return add_entry(t, name->data, ENTRY_SYMLINK, to, 0);
    }
    if (type != AE_IFREG)
        return copa__error_set(COPA_EINVALID,
                               "%s: '%s' is %s; an image archive holds only files, "
                               "directories and links",
                               t->archive, raw, type_name(type));
    if (archive_entry_sparse_count(entry) > 0)
        return copa__error_set(
            COPA_EINVALID, "%s: '%s' is a sparse file; an image archive has none", t->archive, raw);
    return store_file(t, in, name->data);
}

/* Is a proper prefix of the entry's name a symlink? (A tar extractor would write through it.) */
static const tree_entry *under_symlink(const copa__archive_tree *t, const tree_entry *e,
                                       copa__buf *prefix)
{
    const char *slash;

    for (slash = strchr(e->name, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
        const tree_entry *parent;
        copa__buf_clear(prefix);
        if (copa__buf_append(prefix, e->name, (size_t)(slash - e->name)) != 0)
            return NULL;
        if ((parent = find(t, prefix->data)) != NULL && parent->kind != ENTRY_FILE)
            return parent;
    }
    return NULL;
}

/* Sort for lookups; refuse duplicates and entries under links; resolve hard links. */
static int finish_index(copa__archive_tree *t)
{
    copa__buf prefix = COPA__BUF_INIT;
    size_t i;
    int error = 0;

    if (t->count > 0) /* an empty archive has no table: NULL must not reach qsort */
        qsort(t->entries, t->count, sizeof(*t->entries), compare_entries);
    for (i = 0; i < t->count && error == 0; i++) {
        tree_entry *e = &t->entries[i];
        const tree_entry *link;

        if (i > 0 && strcmp(e->name, t->entries[i - 1].name) == 0)
            error = copa__error_set(COPA_EINVALID, "%s: duplicate entry '%s'", t->archive, e->name);
        else if ((link = under_symlink(t, e, &prefix)) != NULL)
            error = copa__error_set(COPA_EINVALID, "%s: entry '%s' lies under the link '%s'",
                                    t->archive, e->name, link->name);
    }
    /* Tar hard links name an earlier entry exactly, never through a symlink. */
    for (i = 0; i < t->count && error == 0; i++) {
        tree_entry *e = &t->entries[i];
        const tree_entry *to;

        if (e->kind != ENTRY_HARDLINK)
            continue;
        to = find(t, e->target);
        if (to == NULL || to->kind != ENTRY_FILE)
            error = copa__error_set(
                COPA_EINVALID, "%s: hard link '%s' to '%s', which is not a file in the archive",
                t->archive, e->name, e->target);
        else
            e->file = to->file;
    }
    for (i = 0; i < t->count; i++)
        if (t->entries[i].kind == ENTRY_HARDLINK)
            t->entries[i].kind = ENTRY_FILE;
    copa__buf_free(&prefix);
    return error;
}

static int open_archive(struct archive **out, const char *archive)
{
    struct archive *in = archive_read_new();
    int error;

    *out = NULL;
    if (in == NULL)
        return copa__error_oom();
    archive_read_support_filter_all(in);
    archive_read_support_format_tar(in);
    if (archive_read_open_filename(in, archive, 65536) != ARCHIVE_OK) {
        int err = archive_errno(in);
        /* An unknown format is EILSEQ (libarchive's ARCHIVE_ERRNO_FILE_FORMAT), whose
         * strerror (a "multibyte character") says nothing useful. */
        int system = err > 0 && err != EILSEQ;
        error = copa__error_set(err == ENOENT ? COPA_ENOTFOUND : COPA_EINVALID, "%s: %s", archive,
                                system ? strerror(err) : archive_error_string(in));
        archive_read_free(in);
        return error;
    }
    *out = in;
    return 0;
}

int copa__archive_tree_read(copa__archive_tree **out, const char *archive, const char *dir)
{
    copa__archive_tree *t = calloc(1, sizeof(*t));
    copa__buf name = COPA__BUF_INIT, target = COPA__BUF_INIT;
    struct archive *in = NULL;
    struct archive_entry *entry;
    int r = ARCHIVE_OK, error;

    *out = NULL;
    if (t == NULL || (t->archive = strdup(archive)) == NULL || (t->dir = strdup(dir)) == NULL) {
        copa__archive_tree_free(t);
        return copa__error_oom();
    }
    if ((error = open_archive(&in, archive)) == 0) {
        while ((r = archive_read_next_header(in, &entry)) == ARCHIVE_OK)
            if ((error = read_entry(t, in, entry, &name, &target)) != 0)
                break;
        if (error == 0 && r != ARCHIVE_EOF)
            error = copa__error_set(COPA_EINVALID, "%s: not a readable tar archive: %s", archive,
                                    archive_error_string(in));
        archive_read_free(in);
    }
    if (error == 0)
        error = finish_index(t);
    copa__buf_free(&name);
    copa__buf_free(&target);
    if (error != 0) {
        copa__archive_tree_free(t);
        return error;
    }
    *out = t;
    return 0;
}

void copa__archive_tree_free(copa__archive_tree *t)
{
    size_t i;

    if (t == NULL)
        return;
    for (i = 0; i < t->count; i++) {
        free(t->entries[i].name);
        free(t->entries[i].target);
    }
    free(t->entries);
    free(t->archive);
    free(t->dir);
    free(t);
}

/* Drop the last component of a resolved path ("a/b" -> "a", "a" -> ""). */
static void drop_last(copa__buf *path)
{
    char *slash = strrchr(path->data, '/');

    path->length = slash != NULL ? (size_t)(slash - path->data) : 0;
    path->data[path->length] = '\0';
}

/* Move the first component of *rest (advanced past it) into comp. */
static int next_component(copa__buf *comp, const char **rest)
{
    const char *start = *rest, *end = strchr(start, '/');
    size_t n = end != NULL ? (size_t)(end - start) : strlen(start);

    *rest = end != NULL ? end + 1 : start + n;
    copa__buf_clear(comp);
    return copa__buf_append(comp, start, n);
}

/* Replace what is left to walk by the link's target followed by that rest. */
static int splice_link(copa__buf *pending, const char **rest, const char *target)
{
    copa__buf next = COPA__BUF_INIT;
    int error;

    if ((error = copa__buf_appendf(&next, "%s%s%s", target, **rest != '\0' ? "/" : "", *rest)) ==
        0) {
        copa__buf_free(pending);
        *pending = next;
        *rest = pending->data;
    }
    return error;
}

/*
 * Walk `name` component by component in the index, replacing each symlink
 * by its target (read from the link's directory). ".." at the root is an
 * error: the walk never leaves the archive, and never touches the host.
 */
static int resolve(const copa__archive_tree *t, const char *name, const tree_entry **out)
{
    copa__buf pending = COPA__BUF_INIT, done = COPA__BUF_INIT, comp = COPA__BUF_INIT;
    const tree_entry *e = NULL;
    const char *rest;
    int hops = 0, steps = 0, error;

    *out = NULL;
    if (*name == '/')
        return copa__error_set(COPA_EINVALID, "%s: '%s' is an absolute path", t->archive, name);
    if ((error = copa__buf_append_str(&pending, name)) != 0 ||
        (error = copa__buf_append(&done, "", 0)) != 0)
        goto out;
    rest = pending.data;
    while (error == 0 && *rest != '\0') {
        if (++steps > MAX_RESOLVE_STEPS) {
            error = copa__error_set(COPA_EINVALID, "%s: '%s': too many steps to resolve",
                                    t->archive, name);
            break;
        }
        if ((error = next_component(&comp, &rest)) != 0)
            break;
        if (comp.length == 0 || strcmp(comp.data, ".") == 0)
            continue;
        if (strcmp(comp.data, "..") == 0) {
            if (done.length == 0)
                error = copa__error_set(COPA_EINVALID, "%s: '%s' resolves outside the archive",
                                        t->archive, name);
            else
                drop_last(&done);
            continue;
        }
        if ((done.length > 0 && (error = copa__buf_append(&done, "/", 1)) != 0) ||
            (error = copa__buf_append_str(&done, comp.data)) != 0)
            break;
        if ((e = find(t, done.data)) == NULL || e->kind != ENTRY_SYMLINK)
            continue;
        if (++hops > MAX_LINK_HOPS) {
            error = copa__error_set(COPA_EINVALID, "%s: '%s': too many levels of symlinks",
                                    t->archive, name);
            break;
        }
        /* The link's directory stays; its target is walked before the rest. */
        drop_last(&done);
        error = splice_link(&pending, &rest, e->target);
    }
    if (error != 0)
        goto out;
    if ((e = find(t, done.data)) == NULL)
        error =
            copa__error_set(COPA_ENOTFOUND, "%s: no file '%s' in the archive", t->archive, name);
    else if (e->kind != ENTRY_FILE)
        error = copa__error_set(COPA_EINVALID, "%s: '%s' is not a file", t->archive, name);
    else
        *out = e;
out:
    copa__buf_free(&pending);
    copa__buf_free(&done);
    copa__buf_free(&comp);
    return error;
}

int copa__archive_tree_file(const copa__archive_tree *t, const char *name, char **path)
{
    const tree_entry *e;
    int error;

    *path = NULL;
    if ((error = resolve(t, name, &e)) != 0)
        return error;
    if ((*path = file_path(t, e->file)) == NULL)
        return copa__error_oom();
    return 0;
}

/* "blobs/sha256/<64 lower-case hex>": the only blob names a layout is read with. */
static int is_blob_name(const char *name)
{
    static const char prefix[] = "blobs/sha256/";
    size_t i;

    if (strncmp(name, prefix, sizeof(prefix) - 1) != 0)
        return 0;
    for (i = sizeof(prefix) - 1; name[i] != '\0'; i++)
        if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
            return 0;
    return i == sizeof(prefix) - 1 + 64;
}

/* Hard-link the file `name` resolves to as layout_dir/as (as: a name copa wrote). */
static int link_into(const copa__archive_tree *t, const char *name, const char *layout_dir,
                     const char *as)
{
    copa__buf dest = COPA__BUF_INIT;
    char *source;
    int error;

    if ((error = copa__archive_tree_file(t, name, &source)) != 0)
        return error;
    if ((error = copa__buf_appendf(&dest, "%s/%s", layout_dir, as)) == 0 &&
        link(source, dest.data) != 0)
        error = copa__error_set(COPA_ERROR, "%s: %s", dest.data, strerror(errno));
    free(source);
    copa__buf_free(&dest);
    return error;
}

int copa__archive_tree_layout(const copa__archive_tree *t, const char *layout_dir)
{
    copa__buf blobs = COPA__BUF_INIT;
    size_t i;
    int error;

    if ((error = copa__buf_appendf(&blobs, "%s/blobs/sha256", layout_dir)) != 0 ||
        (error = copa__file_mkdirs(blobs.data)) != 0) {
        copa__buf_free(&blobs);
        return error;
    }
    copa__buf_free(&blobs);
    if ((error = link_into(t, "oci-layout", layout_dir, "oci-layout")) != 0 &&
        error != COPA_ENOTFOUND)
        return error;
    if ((error = link_into(t, "index.json", layout_dir, "index.json")) != 0 &&
        error != COPA_ENOTFOUND)
        return error;
    for (i = 0; i < t->count; i++) {
        const char *name = t->entries[i].name;
        if (is_blob_name(name) && (error = link_into(t, name, layout_dir, name)) != 0)
            return error;
    }
    return 0;
}
