/*
 * Iterating over a package's data tar with libarchive, in step with the
 * header walk that reads the per-file APK-TOOLS.checksum.SHA1, and with the
 * path rules of docs/security.md: nothing absolute, no "..", nothing below
 * a symlink the package itself creates (it would write through the link).
 */
#include "apk/apk_file_impl.h"
#include "pkg/deb_file.h"
#include "util/bytes_locale.h"
#include "util/error.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_SYMLINKS = 65536 };

static int archive_failure(copa__apk_file *f, const char *where)
{
    const char *why = archive_error_string(f->ar);
    return copa__error_set(COPA_EINVALID, "%s: data tar: %s: %s", f->name, where,
                           why != NULL ? why : "unreadable");
}

static int start(copa__apk_file *f)
{
    const unsigned char *data = f->data + f->data_offset;
    size_t len = f->len - f->data_offset;

    f->data_started = 1;
    if (copa__apk_scan_init(&f->scan, data, len) < 0)
        return COPA_ENOMEM;
    f->ar = archive_read_new();
    if (f->ar == NULL)
        return copa__error_oom();
    archive_read_support_filter_gzip(f->ar);
    archive_read_support_format_tar(f->ar);
    if (archive_read_open_memory(f->ar, data, len) != ARCHIVE_OK)
        return archive_failure(f, "open");
    return 0;
}

/* Normalize `raw` into `b`; refuse what leaves the root. */
static int set_path(copa__apk_file *f, copa__buf *b, const char *raw, const char *what)
{
    size_t n = strlen(raw);

    copa__buf_clear(b);
    if (copa__buf_reserve(b, n + 1) < 0)
        return copa__error_oom();
    if (copa__deb_path_normalize(b->data, raw) < 0)
        return copa__error_set(COPA_EINVALID,
                               "%s: data tar %s '%s' is absolute or contains '..' "
                               "(refused)",
                               f->name, what, raw);
    b->length = strlen(b->data);
    return 0;
}

/* Is a proper parent directory of `path` a symlink of this package? */
static const char *under_symlink(const copa__apk_file *f, const char *path)
{
    for (size_t i = 0; i < f->symlink_count; i++) {
        size_t n = strlen(f->symlinks[i]);
        if (strncmp(path, f->symlinks[i], n) == 0 && path[n] == '/')
            return f->symlinks[i];
    }
    return NULL;
}

static int remember_symlink(copa__apk_file *f, const char *path)
{
    char **grown;

    if (f->symlink_count >= MAX_SYMLINKS)
        return copa__error_set(COPA_EINVALID, "%s: more than %d symlinks", f->name, MAX_SYMLINKS);
    grown = realloc(f->symlinks, (f->symlink_count + 1) * sizeof(*grown));
    if (grown == NULL)
        return copa__error_oom();
    f->symlinks = grown;
    if ((f->symlinks[f->symlink_count] = strdup(path)) == NULL)
        return copa__error_oom();
    f->symlink_count++;
    return 0;
}

static copa__apk_entry_type type_of(struct archive_entry *e)
{
    if (archive_entry_hardlink(e) != NULL)
        return COPA__APK_HARDLINK;
    switch (archive_entry_filetype(e)) {
    case AE_IFDIR:
        return COPA__APK_DIR;
    case AE_IFLNK:
        return COPA__APK_SYMLINK;
    case AE_IFCHR:
        return COPA__APK_CHAR;
    case AE_IFBLK:
        return COPA__APK_BLOCK;
    case AE_IFIFO:
        return COPA__APK_FIFO;
    default:
        return COPA__APK_FILE;
    }
}

static int set_str(copa__buf *b, const char *s)
{
    copa__buf_clear(b);
    return copa__buf_append_str(b, s != NULL ? s : "") < 0 ? copa__error_oom() : 0;
}

static int check_paths(copa__apk_file *f, copa__apk_entry *out)
{
    const char *link = under_symlink(f, f->path.data);

    if (link == NULL && out->type == COPA__APK_HARDLINK)
        link = under_symlink(f, f->link.data);
    if (link != NULL)
        return copa__error_set(COPA_EINVALID,
                               "%s: data tar entry '%s' lies under the package's symlink '%s' "
                               "(refused)",
                               f->name, f->path.data, link);
    if (out->type == COPA__APK_SYMLINK)
        return remember_symlink(f, f->path.data);
    return 0;
}

static int fill(copa__apk_file *f, struct archive_entry *e, copa__apk_entry *out)
{
    int rc;

    memset(out, 0, sizeof(*out));
    out->type = type_of(e);
    if (out->type != COPA__APK_HARDLINK &&
        (archive_entry_filetype(e) == AE_IFSOCK || archive_entry_filetype(e) == 0))
        return copa__error_set(COPA_EINVALID, "%s: data tar entry '%s' has an unknown type",
                               f->name, f->path.data);
    if (out->type == COPA__APK_HARDLINK)
        rc = set_path(f, &f->link, archive_entry_hardlink(e), "hardlink target");
    else
        rc = set_str(&f->link, out->type == COPA__APK_SYMLINK ? archive_entry_symlink(e) : "");
    if (rc == 0)
        rc = set_str(&f->uname, archive_entry_uname(e));
    if (rc == 0)
        rc = set_str(&f->gname, archive_entry_gname(e));
    if (rc == 0)
        rc = check_paths(f, out);
    if (rc < 0)
        return rc;
    out->path = f->path.data;
    out->link = f->link.data;
    out->uname = f->uname.data;
    out->gname = f->gname.data;
    out->mode = (unsigned)archive_entry_mode(e) & 07777u;
    out->uid = archive_entry_uid(e);
    out->gid = archive_entry_gid(e);
    out->size = out->type == COPA__APK_FILE ? archive_entry_size(e) : 0;
    out->mtime = archive_entry_mtime(e);
    out->rdev_major = (unsigned)archive_entry_rdevmajor(e);
    out->rdev_minor = (unsigned)archive_entry_rdevminor(e);
    out->has_sha1 = f->scanned.has_sha1;
    memcpy(out->sha1, f->scanned.sha1, sizeof(out->sha1));
    return 0;
}

/* Both walks must be at the same entry, or the checksums would be misattributed. */
static int step_scan(copa__apk_file *f, const char *libarchive_path)
{
    copa__buf norm = COPA__BUF_INIT;
    int rc = copa__apk_scan_next(&f->scan, f->name, &f->scanned);

    if (rc == 0)
        return copa__error_set(COPA_EINVALID, "%s: data tar: entry '%s' out of step", f->name,
                               libarchive_path);
    if (rc < 0)
        return rc;
    rc = copa__buf_reserve(&norm, f->scanned.path.length + 1);
    if (rc == 0 && (copa__deb_path_normalize(norm.data, f->scanned.path.data) < 0 ||
                    strcmp(norm.data, f->path.data) != 0))
        rc = copa__error_set(COPA_EINVALID, "%s: data tar: entry '%s' out of step ('%s')", f->name,
                             libarchive_path, f->scanned.path.data);
    copa__buf_free(&norm);
    return rc;
}

static int next_entry(copa__apk_file *f, copa__apk_entry *out)
{
    struct archive_entry *e;
    int rc;

    memset(out, 0, sizeof(*out));
    if (f->data_done)
        return 0;
    if (!f->data_started && (rc = start(f)) < 0)
        return rc;
    for (;;) {
        rc = archive_read_next_header(f->ar, &e);
        if (rc == ARCHIVE_EOF) {
            f->data_done = 1;
            return 0;
        }
        if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
            return archive_failure(f, "header");
        if (archive_entry_pathname(e) == NULL)
            return copa__error_set(COPA_EINVALID, "%s: data tar entry without a name", f->name);
        if ((rc = set_path(f, &f->path, archive_entry_pathname(e), "path")) < 0)
            return rc;
        if ((rc = step_scan(f, archive_entry_pathname(e))) < 0)
            return rc;
        if (f->path.length > 0)
            break; /* the root entry "./" is the target's root: skipped */
    }
    if ((rc = fill(f, e, out)) < 0)
        return rc;
    return 1;
}

int copa__apk_file_data_next(copa__apk_file *f, copa__apk_entry *out)
{
    locale_t previous = copa__bytes_locale_enter();
    int rc = next_entry(f, out);

    copa__bytes_locale_leave(previous);
    return rc;
}

int copa__apk_file_data_read(copa__apk_file *f, void *buf, size_t len, size_t *got)
{
    la_ssize_t n;

    *got = 0;
    if (f->data_done || f->ar == NULL)
        return 0;
    n = archive_read_data(f->ar, buf, len);
    if (n < 0)
        return archive_failure(f, f->path.data != NULL ? f->path.data : "data");
    *got = (size_t)n;
    return 0;
}
