/*
 * .deb reader on libarchive: the outer ar archive, the control archive read
 * into memory, data.tar streamed through a nested reader.
 */
#include "pkg/deb_file.h"
#include "pkg/deb_file_impl.h"
#include "util/buffer.h"
#include "util/error.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Control archives are tens of KiB; anything past this is not a package. */
#define MAX_CONTROL_TAR ((size_t)64 * 1024 * 1024)
#define MAX_CONTROL_MEMBER ((size_t)32 * 1024 * 1024)

int copa__deb_path_normalize(char *dst, const char *src)
{
    const char *c = src;
    size_t n = 0;

    if (*c == '/')
        return -1;
    while (*c != '\0') {
        const char *seg = c;
        size_t len = strcspn(c, "/");
        c += len;
        while (*c == '/')
            c++;
        if (len == 0 || (len == 1 && seg[0] == '.'))
            continue;
        if (len == 2 && seg[0] == '.' && seg[1] == '.')
            return -1;
        if (n > 0)
            dst[n++] = '/';
        memcpy(dst + n, seg, len);
        n += len;
    }
    dst[n] = '\0';
    return 0;
}

int copa__deb_archive_error(const copa__deb *deb, struct archive *a, const char *what)
{
    const char *msg = archive_error_string(a);
    return copa__error_set(COPA_EINVALID, "%s: %s: %s", deb->name, what,
                           msg != NULL ? msg : "damaged archive");
}

/* Read the current member of `a` whole (at most `max` bytes). */
static int read_whole(char **out, size_t *len, copa__deb *deb, struct archive *a, size_t max,
                      const char *what)
{
    copa__buf b = COPA__BUF_INIT;
    la_ssize_t got;
    while ((got = archive_read_data(a, deb->outer_buf, sizeof(deb->outer_buf))) > 0) {
        if (b.length + (size_t)got > max) {
            copa__buf_free(&b);
            return copa__error_set(COPA_EINVALID, "%s: %s is larger than %zu bytes", deb->name,
                                   what, max);
        }
        if (copa__buf_append(&b, deb->outer_buf, (size_t)got) < 0) {
            copa__buf_free(&b);
            return copa__error_oom();
        }
    }
    if (got < 0) {
        copa__buf_free(&b);
        return copa__deb_archive_error(deb, a, what);
    }
    if (b.data == NULL && copa__buf_append(&b, "", 0) < 0)
        return copa__error_oom();
    *len = b.length;
    *out = copa__buf_detach(&b);
    return 0;
}

static int check_version(copa__deb *deb)
{
    struct archive_entry *e;
    char *text = NULL;
    size_t len = 0, i;
    int rc = archive_read_next_header(deb->ar, &e);

    if (rc == ARCHIVE_EOF)
        return copa__error_set(COPA_EINVALID, "%s: empty archive, not a .deb", deb->name);
    if (rc != ARCHIVE_OK)
        return copa__deb_archive_error(deb, deb->ar, "not a Debian package (ar archive)");
    if (strcmp(archive_entry_pathname(e), "debian-binary") != 0)
        return copa__error_set(COPA_EINVALID,
                               "%s: first member is '%s', not 'debian-binary': not a .deb",
                               deb->name, archive_entry_pathname(e));
    if ((rc = read_whole(&text, &len, deb, deb->ar, 64, "debian-binary")) < 0)
        return rc;
    /* deb(5): format 2.x; dpkg writes "2.0\n" */
    for (i = 2; i < len && text[i] >= '0' && text[i] <= '9'; i++)
        ;
    rc = len >= 4 && memcmp(text, "2.", 2) == 0 && i > 2 && i < len && text[i] == '\n';
    if (!rc) {
        size_t show = len > 16 ? 16 : len;
        rc = copa__error_set(
            COPA_EINVALID, "%s: debian-binary says '%.*s', expected \"2.0\\n\" (deb format 2)",
            deb->name, (int)(show > 0 && text[show - 1] == '\n' ? show - 1 : show), text);
    } else {
        rc = 0;
    }
    free(text);
    return rc;
}

/* Whether `name` is `base` or `base` plus one of the compressor suffixes. */
static int member_is(const char *name, const char *base, const char *const *suffixes)
{
    size_t n = strlen(base);
    if (strncmp(name, base, n) != 0)
        return 0;
    if (name[n] == '\0')
        return 1;
    for (; *suffixes != NULL; suffixes++)
        if (strcmp(name + n, *suffixes) == 0)
            return 1;
    return 0;
}

static const char *const control_suffixes[] = {".gz", ".xz", ".zst", NULL};
static const char *const data_suffixes[] = {".gz", ".xz", ".zst", ".bz2", ".lzma", NULL};

/* The next member that is not `_*` (dpkg ignores those). */
static int next_member(copa__deb *deb, struct archive_entry **e, const char *expected)
{
    int rc;
    do {
        rc = archive_read_next_header(deb->ar, e);
        if (rc == ARCHIVE_EOF)
            return copa__error_set(COPA_EINVALID, "%s: no %s member (truncated package?)",
                                   deb->name, expected);
        if (rc != ARCHIVE_OK)
            return copa__deb_archive_error(deb, deb->ar, expected);
    } while (archive_entry_pathname(*e)[0] == '_');
    return 0;
}

static int add_member(copa__deb *deb, struct archive *tar, struct archive_entry *e,
                      const char *name)
{
    copa__deb_member *grown, *m;
    int rc;

    grown = realloc(deb->members, (deb->member_count + 1) * sizeof(*grown));
    if (grown == NULL)
        return copa__error_oom();
    deb->members = grown;
    m = &grown[deb->member_count];
    memset(m, 0, sizeof(*m));
    if ((m->name = strdup(name)) == NULL)
        return copa__error_oom();
    m->mode = (unsigned)archive_entry_mode(e) & 07777u;
    deb->member_count++;
    rc = read_whole(&m->data, &m->len, deb, tar, MAX_CONTROL_MEMBER, "control.tar member");
    return rc;
}

static int read_control_tar(copa__deb *deb, const char *bytes, size_t len, const char *member)
{
    struct archive *tar = archive_read_new();
    struct archive_entry *e;
    int rc = 0, r;

    if (tar == NULL)
        return copa__error_oom();
    archive_read_support_filter_all(tar);
    archive_read_support_format_tar(tar);
    if (archive_read_open_memory(tar, bytes, len) != ARCHIVE_OK)
        rc = copa__deb_archive_error(deb, tar, member);
    while (rc == 0 && (r = archive_read_next_header(tar, &e)) == ARCHIVE_OK) {
        const char *raw = archive_entry_pathname(e);
        char *name = malloc(strlen(raw) + 1);
        if (name == NULL)
            rc = copa__error_oom();
        else if (copa__deb_path_normalize(name, raw) < 0 || strchr(name, '/') != NULL)
            rc = copa__error_set(COPA_EINVALID, "%s: %s member '%s' is not a plain file name",
                                 deb->name, member, raw);
        else if (archive_entry_filetype(e) == AE_IFREG)
            rc = add_member(deb, tar, e, name);
        free(name);
    }
    if (rc == 0 && r != ARCHIVE_EOF)
        rc = copa__deb_archive_error(deb, tar, member);
    archive_read_free(tar);
    if (rc == 0 && copa__deb_control_member(deb, "control") == NULL)
        rc = copa__error_set(COPA_EINVALID, "%s: %s has no 'control' file", deb->name, member);
    return rc;
}

static la_ssize_t data_read_cb(struct archive *a, void *payload, const void **buf)
{
    copa__deb *deb = payload;
    la_ssize_t got = archive_read_data(deb->ar, deb->outer_buf, sizeof(deb->outer_buf));
    (void)a;
    *buf = deb->outer_buf;
    if (got < 0)
        archive_set_error(a, EINVAL, "%s", archive_error_string(deb->ar));
    return got;
}

static int open_data(copa__deb *deb)
{
    struct archive_entry *e;
    int rc = next_member(deb, &e, "data.tar");
    if (rc < 0)
        return rc;
    if (!member_is(archive_entry_pathname(e), "data.tar", data_suffixes))
        return copa__error_set(COPA_EINVALID,
                               "%s: member '%s' where data.tar[.gz|.xz|.zst|.bz2] was expected",
                               deb->name, archive_entry_pathname(e));
    deb->data = archive_read_new();
    if (deb->data == NULL)
        return copa__error_oom();
    archive_read_support_filter_all(deb->data);
    if (deb->data_mode == COPA__DEB_DATA_RAW)
        archive_read_support_format_raw(deb->data);
    else
        archive_read_support_format_tar(deb->data);
    if (deb->data_mode != COPA__DEB_DATA_FROM_FD)
        rc = archive_read_open(deb->data, deb, NULL, data_read_cb, NULL);
    else if (lseek(deb->data_fd, 0, SEEK_SET) != 0)
        return copa__error_set(COPA_ERROR, "%s: decoded data.tar: %s", deb->name, strerror(errno));
    else
        rc = archive_read_open_fd(deb->data, deb->data_fd, sizeof(deb->outer_buf));
    if (rc != ARCHIVE_OK)
        return copa__deb_archive_error(deb, deb->data, archive_entry_pathname(e));
    return 0;
}

static int read_front(copa__deb *deb)
{
    struct archive_entry *e;
    char *bytes = NULL;
    size_t len = 0;
    int rc = check_version(deb);

    if (rc == 0)
        rc = next_member(deb, &e, "control.tar");
    if (rc == 0 && !member_is(archive_entry_pathname(e), "control.tar", control_suffixes))
        rc = copa__error_set(COPA_EINVALID,
                             "%s: member '%s' where control.tar[.gz|.xz|.zst] was expected",
                             deb->name, archive_entry_pathname(e));
    if (rc == 0)
        rc = read_whole(&bytes, &len, deb, deb->ar, MAX_CONTROL_TAR, "control.tar");
    if (rc == 0)
        rc = read_control_tar(deb, bytes, len, "control.tar");
    free(bytes);
    if (rc == 0)
        rc = open_data(deb);
    return rc;
}

static int open_common(copa__deb **out, copa__deb *deb, int opened)
{
    const char *why = archive_error_string(deb->ar);
    int rc;

    if (opened == ARCHIVE_OK)
        rc = read_front(deb);
    else if (errno == ENOENT)
        rc = copa__error_set(COPA_ENOTFOUND, "%s: no such file", deb->name);
    else
        rc = copa__error_set(COPA_EINVALID, "%s: not a Debian package (ar archive): %s", deb->name,
                             why != NULL ? why : "cannot open");
    if (rc < 0) {
        copa__deb_free(deb);
        return rc;
    }
    *out = deb;
    return 0;
}

static copa__deb *new_deb(const char *name)
{
    copa__deb *deb = calloc(1, sizeof(*deb));
    if (deb == NULL)
        return NULL;
    deb->name = strdup(name);
    deb->data_fd = -1;
    deb->ar = archive_read_new();
    if (deb->name == NULL || deb->ar == NULL) {
        copa__deb_free(deb);
        return NULL;
    }
    archive_read_support_format_ar(deb->ar);
    return deb;
}

int copa__deb_open_mode(copa__deb **out, const char *path, copa__deb_data_mode mode, int fd)
{
    copa__deb *deb = new_deb(path);
    *out = NULL;
    if (deb == NULL)
        return copa__error_oom();
    deb->data_mode = mode;
    deb->data_fd = fd;
    errno = 0;
    return open_common(out, deb, archive_read_open_filename(deb->ar, path, 65536));
}

int copa__deb_open(copa__deb **out, const char *path)
{
    return copa__deb_open_mode(out, path, COPA__DEB_DATA_TAR, -1);
}

int copa__deb_open_memory(copa__deb **out, const char *name, const void *data, size_t len)
{
    copa__deb *deb = new_deb(name);
    *out = NULL;
    if (deb == NULL)
        return copa__error_oom();
    return open_common(out, deb, archive_read_open_memory(deb->ar, data, len));
}

void copa__deb_free(copa__deb *deb)
{
    size_t i;
    if (deb == NULL)
        return;
    if (deb->data != NULL)
        archive_read_free(deb->data);
    if (deb->ar != NULL)
        archive_read_free(deb->ar);
    for (i = 0; i < deb->member_count; i++) {
        free(deb->members[i].name);
        free(deb->members[i].data);
    }
    free(deb->members);
    copa__buf_free(&deb->path);
    copa__buf_free(&deb->link);
    copa__buf_free(&deb->uname);
    copa__buf_free(&deb->gname);
    free(deb->name);
    free(deb);
}

const copa__deb_member *copa__deb_control_member(const copa__deb *deb, const char *name)
{
    size_t i;
    for (i = 0; i < deb->member_count; i++)
        if (strcmp(deb->members[i].name, name) == 0)
            return &deb->members[i];
    return NULL;
}

const copa__deb_member *copa__deb_control_members(const copa__deb *deb, size_t *count)
{
    *count = deb->member_count;
    return deb->members;
}
