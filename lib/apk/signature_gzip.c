/*
 * One gzip member at a time: apk v2 files are concatenated members and
 * the signatures and checksums cover each member's compressed bytes, so
 * the reader must know exactly where every member ends.
 */
#include "apk/signature.h"
#include "util/error.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

enum { CHUNK = 64 * 1024 };

static int append_bounded(const char *what, copa__buf *out, const unsigned char *bytes, size_t n,
                          size_t *produced, size_t max_out)
{
    *produced += n;
    if (*produced > max_out)
        return copa__error_set(COPA_EINVALID, "%s: decompressed member is larger than %zu bytes",
                               what, max_out);
    if (out != NULL && n > 0 && copa__buf_append(out, bytes, n) < 0)
        return copa__error_oom();
    return 0;
}

int copa__apk_gzip_member(const char *what, const unsigned char *data, size_t len, size_t offset,
                          copa__buf *out, size_t max_out, size_t *member_len)
{
    unsigned char chunk[CHUNK];
    z_stream zs;
    size_t produced = 0;
    int zrc = Z_OK, rc = 0;

    *member_len = 0;
    if (offset >= len)
        return copa__error_set(COPA_EINVALID, "%s: missing gzip member at offset %zu", what,
                               offset);
    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return copa__error_oom();
    zs.next_in = (unsigned char *)(uintptr_t)(data + offset);
    /* zlib counts in unsigned int: feed at most UINT_MAX at a time. */
    while (rc == 0 && zrc != Z_STREAM_END) {
        size_t consumed = (size_t)(zs.next_in - data);
        if (zs.avail_in == 0) {
            size_t left = len - consumed;
            if (left == 0)
                break;
            zs.avail_in = left > UINT_MAX ? UINT_MAX : (unsigned int)left;
        }
        zs.next_out = chunk;
        zs.avail_out = sizeof(chunk);
        zrc = inflate(&zs, Z_NO_FLUSH);
        if (zrc != Z_OK && zrc != Z_STREAM_END && zrc != Z_BUF_ERROR)
            rc = copa__error_set(COPA_EINVALID, "%s: damaged gzip member at offset %zu (%s)", what,
                                 offset, zs.msg != NULL ? zs.msg : "inflate error");
        else if (zrc == Z_BUF_ERROR && zs.avail_in != 0)
            rc = copa__error_set(COPA_EINVALID, "%s: damaged gzip member at offset %zu", what,
                                 offset);
        else
            rc = append_bounded(what, out, chunk, sizeof(chunk) - zs.avail_out, &produced, max_out);
    }
    if (rc == 0 && zrc != Z_STREAM_END)
        rc =
            copa__error_set(COPA_EINVALID, "%s: truncated gzip member at offset %zu", what, offset);
    if (rc == 0)
        *member_len = (size_t)(zs.next_in - data) - offset;
    inflateEnd(&zs);
    return rc;
}

int copa__apk_starts_with_signature(const char *what, const unsigned char *data, size_t len)
{
    unsigned char head[6];
    z_stream zs;
    int zrc;

    if (len == 0)
        return copa__error_set(COPA_EINVALID, "%s: missing gzip member at offset 0", what);
    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return copa__error_oom();
    zs.next_in = (unsigned char *)(uintptr_t)data;
    zs.avail_in = len > UINT_MAX ? UINT_MAX : (unsigned int)len;
    zs.next_out = head;
    zs.avail_out = sizeof(head);
    do
        zrc = inflate(&zs, Z_NO_FLUSH);
    while (zrc == Z_OK && zs.avail_out > 0);
    inflateEnd(&zs);
    if (zs.avail_out == 0)
        return memcmp(head, ".SIGN.", sizeof(head)) == 0;
    if (zrc == Z_STREAM_END)
        return 0; /* a member shorter than a name: not a signature */
    return copa__error_set(COPA_EINVALID, "%s: damaged gzip member at offset 0", what);
}
