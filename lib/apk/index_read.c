/*
 * APKINDEX.tar.gz: split off the signature member, verify it over every
 * byte after it (what abuild-sign signs and apk-tools checks), then read
 * the index tar from those bytes and parse APKINDEX.
 */
#include "apk/index.h"
#include "util/error.h"

#include <string.h>

static int check_signature(copa__apk_index *index, const char *what, const copa__buf *first,
                           const unsigned char *message, size_t message_len,
                           const copa__apk_index_options *opts)
{
    copa__apk_members sigs;
    int rc = copa__apk_tar_members(&sigs, what, first->data, first->length,
                                   COPA__APK_MAX_SIGNATURE_MEMBER, 0);
    if (rc < 0)
        return rc;
    rc = copa__apk_signature_verify(&index->signature, what, &sigs, message, message_len,
                                    opts->keys, opts->key_count);
    copa__apk_members_free(&sigs);
    if (rc < 0 && index->signature.status == COPA__APK_SIG_UNKNOWN_KEY && opts->allow_unsigned) {
        copa_error_clear();
        return 0;
    }
    return rc;
}

static int unsigned_index(copa__apk_index *index, const char *what,
                          const copa__apk_index_options *opts)
{
    index->signature.status = COPA__APK_SIG_UNSIGNED;
    if (opts->allow_unsigned)
        return 0;
    return copa__error_set(COPA_EVERIFY, "%s: the index is not signed (no .SIGN.* member)", what);
}

/* Verify; `*index_offset` is where the index tar's gzip members start. */
static int verify(copa__apk_index *index, const char *what, const unsigned char *data, size_t len,
                  const copa__apk_index_options *opts, size_t *index_offset)
{
    copa__buf first = COPA__BUF_INIT;
    size_t first_len;
    int rc = copa__apk_starts_with_signature(what, data, len);

    *index_offset = 0;
    if (rc <= 0)
        return rc < 0 ? rc : unsigned_index(index, what, opts);
    rc = copa__apk_gzip_member(what, data, len, 0, &first, COPA__APK_MAX_SIGNATURE_MEMBER,
                               &first_len);
    if (rc == 0 && first_len == len)
        rc = copa__error_set(COPA_EINVALID, "%s: a signature but no index after it", what);
    else if (rc == 0) {
        rc = check_signature(index, what, &first, data + first_len, len - first_len, opts);
        *index_offset = first_len;
    }
    copa__buf_free(&first);
    return rc;
}

/*
 * The index tar, decompressed as libarchive reads it: a member is only
 * allocated once its header's size is within the limit, so a gzip bomb
 * costs time, not memory.
 */
static int read_members(copa__apk_index *index, const char *what, const unsigned char *gz,
                        size_t len)
{
    copa__apk_members members;
    const copa__apk_member *text, *description;
    int rc = copa__apk_tar_members(&members, what, gz, len, COPA__APK_MAX_INDEX_TEXT, 1);
    if (rc < 0)
        return rc;
    text = copa__apk_members_find(&members, "APKINDEX");
    description = copa__apk_members_find(&members, "DESCRIPTION");
    if (text == NULL)
        rc = copa__error_set(COPA_EINVALID, "%s: no APKINDEX member in the index tar", what);
    else if ((index->description = copa__arena_strdup(
                  &index->arena, description != NULL ? description->data : "")) == NULL)
        rc = copa__error_oom();
    else
        rc = copa__apk_index_parse(index, what, text->data, text->len);
    copa__apk_members_free(&members);
    return rc;
}

int copa__apk_index_read(copa__apk_index *index, const char *what, const void *data, size_t len,
                         const copa__apk_index_options *opts)
{
    size_t offset;
    int rc;

    memset(index, 0, sizeof(*index));
    rc = verify(index, what, data, len, opts, &offset);
    if (rc == 0)
        rc = read_members(index, what, (const unsigned char *)data + offset, len - offset);
    if (rc < 0) {
        copa__apk_sig_result keep = index->signature;
        copa__apk_index_free(index);
        index->signature = keep;
    }
    return rc;
}
