/*
 * Iterating over data.tar of a .deb: normalized, checked paths and the
 * metadata a layer writer needs.
 */
#include "pkg/deb_file_impl.h"
#include "util/bytes_locale.h"
#include "util/error.h"

#include <archive_entry.h>
#include "util/archive_xattr.h"
#include <string.h>
#include <sys/stat.h>

static int set_str(copa__buf *b, const char *s)
{
    copa__buf_clear(b);
    return copa__buf_append_str(b, s != NULL ? s : "");
}

/* Normalize `raw` into `b`, refusing paths that leave the package root. */
static int set_path(copa__deb *deb, copa__buf *b, const char *raw, const char *what)
{
    size_t n = strlen(raw);
    copa__buf_clear(b);
    if (copa__buf_reserve(b, n + 1) < 0)
        return copa__error_oom();
    if (copa__deb_path_normalize(b->data, raw) < 0)
        return copa__error_set(COPA_EINVALID,
                               "%s: data.tar %s '%s' is absolute or contains '..' (refused)",
                               deb->name, what, raw);
    b->length = strlen(b->data);
    return 0;
}

static copa__deb_type type_of(struct archive_entry *e)
{
    if (archive_entry_hardlink(e) != NULL)
        return COPA__DEB_HARDLINK;
    switch (archive_entry_filetype(e)) {
    case AE_IFDIR:
        return COPA__DEB_DIR;
    case AE_IFLNK:
        return COPA__DEB_SYMLINK;
    case AE_IFCHR:
        return COPA__DEB_CHAR;
    case AE_IFBLK:
        return COPA__DEB_BLOCK;
    case AE_IFIFO:
        return COPA__DEB_FIFO;
    default:
        return COPA__DEB_FILE;
    }
}

static int fill(copa__deb *deb, struct archive_entry *e, copa__deb_entry *out)
{
    int rc;
    memset(out, 0, sizeof(*out));
    out->type = type_of(e);
    if (archive_entry_filetype(e) == AE_IFSOCK || archive_entry_filetype(e) == 0)
        if (out->type != COPA__DEB_HARDLINK)
            return copa__error_set(COPA_EINVALID, "%s: data.tar entry '%s' has an unknown type",
                                   deb->name, archive_entry_pathname(e));
    if (out->type == COPA__DEB_HARDLINK)
        rc = set_path(deb, &deb->link, archive_entry_hardlink(e), "hardlink target");
    else
        rc = set_str(&deb->link, out->type == COPA__DEB_SYMLINK ? archive_entry_symlink(e) : "");
    if (rc == 0)
        rc = set_str(&deb->uname, archive_entry_uname(e));
    if (rc == 0)
        rc = set_str(&deb->gname, archive_entry_gname(e));
    if (rc < 0)
        return rc == COPA_EINVALID ? rc : copa__error_oom();
    out->path = deb->path.data;
    out->link = deb->link.data;
    out->uname = deb->uname.data;
    out->gname = deb->gname.data;
    out->mode = (unsigned)archive_entry_mode(e) & 07777u;
    out->uid = archive_entry_uid(e);
    out->gid = archive_entry_gid(e);
    out->size = out->type == COPA__DEB_FILE ? archive_entry_size(e) : 0;
    out->mtime = archive_entry_mtime(e);
    out->rdev_major = (unsigned)archive_entry_rdevmajor(e);
    out->rdev_minor = (unsigned)archive_entry_rdevminor(e);
    copa__archive_capability(e, &out->capability, &out->capability_length);
    return 0;
}

int copa__deb_check_trailer(copa__deb *deb)
{
    struct archive_entry *e;
    int rc;
    while ((rc = archive_read_next_header(deb->ar, &e)) == ARCHIVE_OK)
        if (archive_entry_pathname(e)[0] != '_')
            return copa__error_set(COPA_EINVALID, "%s: unexpected member '%s' after data.tar",
                                   deb->name, archive_entry_pathname(e));
    return rc == ARCHIVE_EOF ? 0 : copa__deb_archive_error(deb, deb->ar, "after data.tar");
}

/*
 * At the end of the package the decompressor's state is dead weight: an xz
 * data.tar holds an 8 MiB dictionary, and callers keep the handle open for
 * its control members while they unpack the next packages.
 */
static int release_readers(copa__deb *deb)
{
    archive_read_free(deb->data);
    archive_read_free(deb->ar);
    deb->data = NULL;
    deb->ar = NULL;
    return 0;
}

static int next_entry(copa__deb *deb, copa__deb_entry *out)
{
    struct archive_entry *e;
    int rc;

    memset(out, 0, sizeof(*out));
    if (deb->data_done)
        return 0;
    for (;;) {
        rc = archive_read_next_header(deb->data, &e);
        if (rc == ARCHIVE_EOF) {
            deb->data_done = 1;
            /* A decoded data.tar had its package's trailer checked by the decoder. */
            rc = deb->data_mode == COPA__DEB_DATA_FROM_FD ? 0 : copa__deb_check_trailer(deb);
            return rc < 0 ? rc : release_readers(deb);
        }
        if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
            return copa__deb_archive_error(deb, deb->data, "data.tar");
        if ((rc = set_path(deb, &deb->path, archive_entry_pathname(e), "path")) < 0)
            return rc;
        if (deb->path.length > 0)
            break; /* the root entry "./" describes the target's root: skipped */
    }
    if ((rc = fill(deb, e, out)) < 0)
        return rc;
    return 1;
}

/* Names as the archive's bytes, whatever the application's locale. */
int copa__deb_data_next(copa__deb *deb, copa__deb_entry *out)
{
    locale_t previous = copa__bytes_locale_enter();
    int rc = next_entry(deb, out);

    copa__bytes_locale_leave(previous);
    return rc;
}

int copa__deb_data_read(copa__deb *deb, void *buf, size_t len, size_t *got)
{
    la_ssize_t n;
    *got = 0;
    if (deb->data_done)
        return 0;
    n = archive_read_data(deb->data, buf, len);
    if (n < 0)
        return copa__deb_archive_error(deb, deb->data, deb->path.data ? deb->path.data : "data");
    *got = (size_t)n;
    return 0;
}
