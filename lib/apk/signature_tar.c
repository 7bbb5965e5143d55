/*
 * Regular files of the small tar segments (signatures, control, index),
 * read whole from memory with libarchive.
 */
#include "apk/signature.h"
#include "util/bytes_locale.h"
#include "util/error.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

void copa__apk_members_free(copa__apk_members *m)
{
    for (size_t i = 0; i < m->count; i++) {
        free(m->items[i].name);
        free(m->items[i].data);
    }
    free(m->items);
    memset(m, 0, sizeof(*m));
}

const copa__apk_member *copa__apk_members_find(const copa__apk_members *m, const char *name)
{
    for (size_t i = 0; i < m->count; i++)
        if (strcmp(m->items[i].name, name) == 0)
            return &m->items[i];
    return NULL;
}

int copa__apk_is_signature_segment(const void *tar, size_t len)
{
    return len >= 6 && memcmp(tar, ".SIGN.", 6) == 0;
}

static int archive_failure(const char *what, struct archive *a)
{
    const char *why = archive_error_string(a);
    return copa__error_set(COPA_EINVALID, "%s: damaged tar (%s)", what,
                           why != NULL ? why : "unreadable");
}

static int read_member(copa__apk_members *out, const char *what, struct archive *a,
                       struct archive_entry *e, size_t max_member)
{
    la_int64_t size = archive_entry_size(e);
    copa__apk_member *m;
    copa__apk_member *grown;

    if (out->count >= COPA__APK_MAX_TAR_MEMBERS)
        return copa__error_set(COPA_EINVALID, "%s: more than %d members", what,
                               COPA__APK_MAX_TAR_MEMBERS);
    if (size < 0 || (uint64_t)size > max_member)
        return copa__error_set(COPA_EINVALID, "%s: member '%s' is larger than %zu bytes", what,
                               archive_entry_pathname(e), max_member);
    grown = realloc(out->items, (out->count + 1) * sizeof(*grown));
    if (grown == NULL)
        return copa__error_oom();
    out->items = grown;
    m = &out->items[out->count];
    memset(m, 0, sizeof(*m));
    m->name = strdup(archive_entry_pathname(e));
    m->data = malloc((size_t)size + 1);
    if (m->name == NULL || m->data == NULL) {
        free(m->name);
        free(m->data);
        return copa__error_oom();
    }
    out->count++;
    m->mode = (unsigned)archive_entry_perm(e);
    if (size > 0 && archive_read_data(a, m->data, (size_t)size) != (la_ssize_t)size)
        return archive_failure(what, a);
    m->data[size] = '\0';
    m->len = (size_t)size;
    return 0;
}

static int read_all(copa__apk_members *out, const char *what, struct archive *a, size_t max_member)
{
    struct archive_entry *e;
    int rc;

    while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
        if (archive_entry_pathname(e) == NULL)
            return copa__error_set(COPA_EINVALID, "%s: a member without a name", what);
        if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e) != NULL)
            continue;
        if ((rc = read_member(out, what, a, e, max_member)) < 0)
            return rc;
    }
    return rc == ARCHIVE_EOF ? 0 : archive_failure(what, a);
}

int copa__apk_tar_members(copa__apk_members *out, const char *what, const void *tar, size_t len,
                          size_t max_member, int gzip)
{
    struct archive *a = archive_read_new();
    locale_t previous;
    int rc;

    memset(out, 0, sizeof(*out));
    if (len == 0) {
        archive_read_free(a);
        return 0;
    }
    if (a == NULL)
        return copa__error_oom();
    archive_read_support_format_tar(a);
    if (gzip)
        archive_read_support_filter_gzip(a);
    previous = copa__bytes_locale_enter();
    if (archive_read_open_memory(a, tar, len) != ARCHIVE_OK)
        rc = archive_failure(what, a);
    else
        rc = read_all(out, what, a, max_member);
    copa__bytes_locale_leave(previous);
    archive_read_free(a);
    if (rc < 0)
        copa__apk_members_free(out);
    return rc;
}
