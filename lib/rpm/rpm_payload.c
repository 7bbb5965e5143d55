/*
 * Walking the payload of a .rpm: a cpio archive (newc, "./path" names)
 * compressed with the header's PAYLOADCOMPRESSOR. Only that decompressor
 * and the cpio format are enabled. Each entry must be a file of the header,
 * of the header's type, at most once; everything else is refused. Paths are
 * handed out as the header spells them, so a payload cannot name a path the
 * signed header does not list.
 */
#include "rpm/rpm_file_impl.h"
#include "rpm/rpm_payload_stream.h"
#include "rpm/rpm_tags.h"
#include "util/bytes_locale.h"
#include "util/error.h"

#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int payload_error(copa__rpm *r, const char *what)
{
    const char *why = copa__rpm_payload_stream_error(r->stream);
    if (why == NULL)
        why = archive_error_string(r->ar) ? archive_error_string(r->ar) : "error";
    return copa__error_set(COPA_EINVALID, "%s: %s payload %s: %s", r->name, r->nevra, what, why);
}

/*
 * rpm >= 4.12 writes every member of a package with LONGFILESIZES (files of
 * 4 GiB or more; it then requires rpmlib(LargeFiles)) as a "stripped" cpio
 * header (magic 07070X, only the file's index), which libarchive does not read.
 */
static int uses_stripped_cpio(const copa__rpm_pkg *p)
{
    uint32_t i;
    if (copa__rpm_header_find(p->header, COPA__RPM_TAG_LONGFILESIZES) != NULL)
        return 1;
    for (i = 0; i < p->requires.count; i++)
        if (strcmp(p->requires.items[i].name, "rpmlib(LargeFiles)") == 0)
            return 1;
    return 0;
}

/* The most a payload of these files can decompress to: contents, member headers, names, padding. */
static uint64_t payload_limit(const copa__rpm_pkg *p)
{
    uint64_t total = 65536, i;
    for (i = 0; i < p->file_count; i++)
        total += p->files[i].size + COPA__RPM_CPIO_HEADER_LEN + COPA__RPM_CPIO_NAME_MAX + 8;
    return total;
}

static int start(copa__rpm *r)
{
    const copa__rpm_pkg *p = r->pkg;
    const unsigned char *data;
    size_t len;
    int rc;

    if (strcmp(p->payload_format, "cpio") != 0)
        return copa__error_set(COPA_EUNSUPPORTED, "%s: %s payload format '%s' (only cpio is read)",
                               r->name, r->nevra, p->payload_format);
    if (uses_stripped_cpio(p))
        return copa__error_set(
            COPA_EUNSUPPORTED,
            "%s: %s has files of 4 GiB or more: its stripped cpio payload is not read", r->name,
            r->nevra);
    if (p->file_count > 0 && (r->seen = calloc(p->file_count, 1)) == NULL)
        return copa__error_oom();
    if ((r->ar = archive_read_new()) == NULL)
        return copa__error_oom();
    copa__rpm_payload_bytes(r, &data, &len);
    if (archive_read_support_format_cpio(r->ar) != ARCHIVE_OK)
        return payload_error(r, "cannot be opened");
    rc = copa__rpm_payload_stream_open(r->ar, p->payload_compressor, data, len, payload_limit(p),
                                       &r->stream);
    if (rc < 0)
        return copa__error_prefix("%s: %s ", r->name, r->nevra);
    return copa__rpm_links_init(r);
}

/* "./usr/bin/x" → the index of header file "/usr/bin/x"; refused when it is none. */
static int header_file(copa__rpm *r, const char *raw, const char *what, uint32_t *index)
{
    long i;
    if (strncmp(raw, "./", 2) != 0)
        return copa__error_set(COPA_EINVALID,
                               "%s: %s payload %s '%s' does not start with './' (refused)", r->name,
                               r->nevra, what, raw);
    copa__buf_clear(&r->path);
    if (copa__buf_append_str(&r->path, raw + 1) < 0)
        return copa__error_oom();
    i = copa__rpm_pkg_find_file(r->pkg, r->path.data);
    if (i < 0)
        return copa__error_set(
            COPA_EINVALID, "%s: %s payload %s '%s' is not a file of the package header (refused)",
            r->name, r->nevra, what, raw);
    *index = (uint32_t)i;
    return 0;
}

static copa__rpm_entry_type type_of_mode(unsigned mode)
{
    switch (mode & S_IFMT) {
    case S_IFDIR:
        return COPA__RPM_ENTRY_DIR;
    case S_IFLNK:
        return COPA__RPM_ENTRY_SYMLINK;
    case S_IFCHR:
        return COPA__RPM_ENTRY_CHAR;
    case S_IFBLK:
        return COPA__RPM_ENTRY_BLOCK;
    case S_IFIFO:
        return COPA__RPM_ENTRY_FIFO;
    default:
        return COPA__RPM_ENTRY_FILE;
    }
}

/*
 * Describe entry `e` (header file `index`) in *out: 1 to hand it out, 0 when
 * it is a hard-link member waiting for its set's content.
 */
static int fill(copa__rpm *r, struct archive_entry *e, uint32_t index, copa__rpm_payload_entry *out)
{
    const copa__rpm_file *f = &r->pkg->files[index];
    unsigned mode = (unsigned)archive_entry_mode(e);

    memset(out, 0, sizeof(*out));
    out->path = f->path;
    out->file_index = index;
    out->mode = f->mode & 07777u;
    out->link = "";
    if (copa__rpm_links_in_set(r, index)) {
        if (!S_ISREG(mode) && archive_entry_hardlink(e) == NULL)
            return copa__error_set(COPA_EINVALID, "%s: %s payload entry '%s' is not a regular file",
                                   r->name, r->nevra, f->path);
        return copa__rpm_links_member(r, index, (uint64_t)archive_entry_size(e), out);
    }
    if (archive_entry_hardlink(e) != NULL)
        return copa__error_set(
            COPA_EINVALID, "%s: %s payload hard-links '%s', which the header does not (refused)",
            r->name, r->nevra, f->path);
    out->type = type_of_mode(mode);
    if (out->type != type_of_mode(f->mode) || (mode & S_IFMT) == 0 || S_ISSOCK(mode))
        return copa__error_set(COPA_EINVALID,
                               "%s: %s payload entry '%s' has mode %o, the header %o (refused)",
                               r->name, r->nevra, f->path, mode, (unsigned)f->mode);
    if (out->type == COPA__RPM_ENTRY_SYMLINK &&
        strcmp(archive_entry_symlink(e) ? archive_entry_symlink(e) : "", f->link) != 0)
        return copa__error_set(COPA_EINVALID,
                               "%s: %s payload symlink '%s' target differs from the header's",
                               r->name, r->nevra, f->path);
    if (out->type == COPA__RPM_ENTRY_SYMLINK)
        out->link = f->link;
    out->size = out->type == COPA__RPM_ENTRY_FILE ? (uint64_t)archive_entry_size(e) : 0;
    if (out->type == COPA__RPM_ENTRY_FILE && out->size != f->size)
        return copa__error_set(
            COPA_EINVALID, "%s: %s payload file '%s' has %llu bytes, the header %llu", r->name,
            r->nevra, f->path, (unsigned long long)out->size, (unsigned long long)f->size);
    return 1;
}

/* At the end: every header file that is not %ghost must have come. */
static int check_complete(copa__rpm *r)
{
    uint32_t i;
    for (i = 0; i < r->pkg->file_count; i++)
        if (!r->seen[i] && !(r->pkg->files[i].flags & COPA__RPM_FILE_GHOST))
            return copa__error_set(COPA_EINVALID, "%s: %s payload lacks '%s' of the header",
                                   r->name, r->nevra, r->pkg->files[i].path);
    return 0;
}

/* The next cpio member and its header file: 1, 0 at the end, or an error. */
static int next_member(copa__rpm *r, uint32_t *index, struct archive_entry **e)
{
    int rc = archive_read_next_header(r->ar, e);

    if (rc == ARCHIVE_EOF) {
        r->payload_done = 1;
        r->no_content = 1;
        rc = check_complete(r);
        return rc < 0 ? rc : copa__rpm_links_check_complete(r);
    }
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
        return payload_error(r, "is corrupt");
    if ((rc = header_file(r, archive_entry_pathname(*e), "path", index)) < 0)
        return rc;
    if (r->seen[*index])
        return copa__error_set(COPA_EINVALID, "%s: %s payload holds '%s' twice (refused)", r->name,
                               r->nevra, r->pkg->files[*index].path);
    if (r->pkg->files[*index].flags & COPA__RPM_FILE_GHOST)
        return copa__error_set(COPA_EINVALID, "%s: %s payload holds %%ghost file '%s' (refused)",
                               r->name, r->nevra, r->pkg->files[*index].path);
    r->seen[*index] = 1;
    return 1;
}

static int next_entry(copa__rpm *r, copa__rpm_payload_entry *out)
{
    struct archive_entry *e = NULL;
    uint32_t index = 0;
    int rc;

    if (r->ar == NULL && !r->payload_done && (rc = start(r)) < 0)
        return rc;
    r->no_content = 1;
    if (copa__rpm_links_pending(r, out))
        return 1;
    if (r->payload_done)
        return 0;
    r->no_content = 0;
    do {
        if ((rc = next_member(r, &index, &e)) <= 0)
            return rc;
    } while ((rc = fill(r, e, index, out)) == 0);
    return rc;
}

/* Names as the archive's bytes, whatever the application's locale. */
int copa__rpm_payload_next(copa__rpm *r, copa__rpm_payload_entry *out)
{
    locale_t previous = copa__bytes_locale_enter();
    int rc;

    memset(out, 0, sizeof(*out));
    rc = next_entry(r, out);
    copa__bytes_locale_leave(previous);
    return rc;
}

int copa__rpm_payload_read(copa__rpm *r, void *buf, size_t len, size_t *got)
{
    la_ssize_t n;
    *got = 0;
    if (r->ar == NULL || r->no_content)
        return 0;
    n = archive_read_data(r->ar, buf, len);
    if (n < 0)
        return payload_error(r, "content");
    *got = (size_t)n;
    return 0;
}
