/*
 * A header-only walk over the data tar (see copa__apk_scan in
 * apk_file_impl.h): ustar headers, PAX 'x' records (path, size and
 * APK-TOOLS.checksum.SHA1), GNU 'L' long names; contents are skipped.
 */
#include "apk/apk_file_impl.h"
#include "util/digest.h"
#include "util/error.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

enum { BLOCK = 512, MAX_PAX = 1024 * 1024, MAX_LONGNAME = 64 * 1024 };

int copa__apk_scan_init(copa__apk_scan *s, const unsigned char *data, size_t len)
{
    memset(s, 0, sizeof(*s));
    if (inflateInit2(&s->zs, 16 + MAX_WBITS) != Z_OK)
        return copa__error_oom();
    s->ready = 1;
    s->data = data;
    s->len = len;
    s->zs.next_in = (unsigned char *)(uintptr_t)data;
    return 0;
}

void copa__apk_scan_free(copa__apk_scan *s)
{
    if (s->ready)
        inflateEnd(&s->zs);
    s->ready = 0;
}

/* Exactly `n` decompressed bytes into `out` (NULL: discard); -1 when they are not there. */
static int scan_read(copa__apk_scan *s, unsigned char *out, size_t n)
{
    unsigned char scratch[4096];

    while (n > 0) {
        size_t want = n, used = (size_t)(s->zs.next_in - s->data);
        unsigned char *dst = out;
        int zrc;
        if (out == NULL) {
            dst = scratch;
            want = n < sizeof(scratch) ? n : sizeof(scratch);
        }
        if (want > UINT_MAX)
            want = UINT_MAX;
        if (s->zs.avail_in == 0) {
            size_t left = s->len - used;
            if (left == 0)
                return -1;
            s->zs.avail_in = left > UINT_MAX ? UINT_MAX : (unsigned int)left;
        }
        s->zs.next_out = dst;
        s->zs.avail_out = (unsigned int)want;
        zrc = inflate(&s->zs, Z_NO_FLUSH);
        if (zrc == Z_STREAM_END && (size_t)(s->zs.next_in - s->data) < s->len) {
            /* Another gzip member follows (apk-tools accepts several data parts). */
            if (inflateReset(&s->zs) != Z_OK)
                return -1;
        } else if (zrc != Z_OK && zrc != Z_STREAM_END) {
            return -1;
        } else if (zrc == Z_STREAM_END && s->zs.avail_out == want) {
            return -1;
        }
        want -= s->zs.avail_out;
        n -= want;
        if (out != NULL)
            out += want;
    }
    return 0;
}

static int damaged(const char *name, const char *why)
{
    return copa__error_set(COPA_EINVALID, "%s: data tar: %s", name, why);
}

/* A ustar number: octal digits (space/NUL terminated) or base-256 (high bit). */
static int tar_number(const unsigned char *field, size_t width, uint64_t *out)
{
    uint64_t n = 0;
    size_t i = 0;

    if (field[0] & 0x80) {
        for (i = 1; i < width; i++) {
            if (n >> 55)
                return -1;
            n = (n << 8) | field[i];
        }
        *out = n;
        return (field[0] & 0x7f) == 0 ? 0 : -1;
    }
    while (i < width && field[i] == ' ')
        i++;
    for (; i < width && field[i] >= '0' && field[i] <= '7'; i++) {
        if (n >> 60)
            return -1;
        n = n * 8 + (uint64_t)(field[i] - '0');
    }
    *out = n;
    return 0;
}

static int pax_record(copa__apk_scan_entry *e, const char *key, size_t key_len, const char *value,
                      size_t value_len, uint64_t *size, int *has_size)
{
    if (key_len == 4 && memcmp(key, "path", 4) == 0) {
        copa__buf_clear(&e->path);
        return copa__buf_append(&e->path, value, value_len);
    }
    if (key_len == 4 && memcmp(key, "size", 4) == 0) {
        uint64_t n = 0;
        if (value_len == 0 || value_len > 19)
            return -1;
        for (size_t i = 0; i < value_len; i++) {
            if (value[i] < '0' || value[i] > '9')
                return -1;
            n = n * 10 + (uint64_t)(value[i] - '0');
        }
        *size = n;
        *has_size = 1;
        return 0;
    }
    if (key_len == 23 && memcmp(key, "APK-TOOLS.checksum.SHA1", 23) == 0) {
        if (value_len != 2 * COPA__APK_SHA1_LEN)
            return -1;
        for (size_t i = 0; i < COPA__APK_SHA1_LEN; i++) {
            int hi = copa__hex_value(value[2 * i]), lo = copa__hex_value(value[2 * i + 1]);
            if (hi < 0 || lo < 0)
                return -1;
            e->sha1[i] = (unsigned char)(hi << 4 | lo);
        }
        e->has_sha1 = 1;
    }
    return 0;
}

/* "<len> <key>=<value>\n" records. */
static int parse_pax(copa__apk_scan_entry *e, const char *p, size_t n, uint64_t *size,
                     int *has_size)
{
    size_t pos = 0;

    while (pos < n) {
        size_t len = 0, i = pos;
        const char *eq;
        while (i < n && p[i] >= '0' && p[i] <= '9' && len < n)
            len = len * 10 + (size_t)(p[i++] - '0');
        if (i >= n || p[i] != ' ' || len <= i - pos + 1 || len > n - pos ||
            p[pos + len - 1] != '\n')
            return -1;
        i++;
        eq = memchr(p + i, '=', pos + len - 1 - i);
        if (eq == NULL)
            return -1;
        if (pax_record(e, p + i, (size_t)(eq - (p + i)), eq + 1,
                       (size_t)(p + pos + len - 1 - (eq + 1)), size, has_size) < 0)
            return -1;
        pos += len;
    }
    return 0;
}

static int read_blob(copa__apk_scan *s, const char *name, copa__buf *b, uint64_t size, size_t max)
{
    uint64_t padded = (size + BLOCK - 1) / BLOCK * BLOCK;

    if (size > max)
        return damaged(name, "extended header too large");
    copa__buf_clear(b);
    if (copa__buf_reserve(b, (size_t)padded) < 0)
        return copa__error_oom();
    if (scan_read(s, (unsigned char *)b->data, (size_t)padded) < 0)
        return damaged(name, "truncated");
    b->length = (size_t)size;
    b->data[size] = '\0';
    return 0;
}

static int header_name(copa__apk_scan_entry *e, const unsigned char *h)
{
    copa__buf_clear(&e->path);
    if (memcmp(h + 257, "ustar", 5) == 0 && h[345] != '\0') {
        if (copa__buf_append(&e->path, h + 345, strnlen((const char *)h + 345, 155)) < 0 ||
            copa__buf_append(&e->path, "/", 1) < 0)
            return copa__error_oom();
    }
    if (copa__buf_append(&e->path, h, strnlen((const char *)h, 100)) < 0)
        return copa__error_oom();
    return 0;
}

static int is_zero(const unsigned char *h)
{
    for (size_t i = 0; i < BLOCK; i++)
        if (h[i] != 0)
            return 0;
    return 1;
}

int copa__apk_scan_next(copa__apk_scan *s, const char *name, copa__apk_scan_entry *out)
{
    copa__buf extra = COPA__BUF_INIT;
    unsigned char h[BLOCK];
    uint64_t size = 0, pax_size = 0;
    int has_pax_size = 0, rc = 1;

    out->has_sha1 = 0;
    copa__buf_clear(&out->path);
    while (rc == 1) {
        if (s->end || scan_read(s, h, BLOCK) < 0) {
            rc = s->end ? 0 : damaged(name, "truncated (no end-of-archive block)");
            break;
        }
        if (is_zero(h)) {
            s->end = 1;
            rc = 0;
            break;
        }
        if (tar_number(h + 124, 12, &size) < 0) {
            rc = damaged(name, "bad size field");
            break;
        }
        if (h[156] == 'x' || h[156] == 'L') {
            int pax = h[156] == 'x';
            rc = read_blob(s, name, &extra, size, pax ? MAX_PAX : MAX_LONGNAME);
            if (rc == 0 && pax &&
                parse_pax(out, extra.data, extra.length, &pax_size, &has_pax_size) < 0)
                rc = damaged(name, "bad PAX extended header");
            if (rc == 0 && !pax) {
                copa__buf_clear(&out->path);
                rc = copa__buf_append(&out->path, extra.data, strnlen(extra.data, extra.length));
            }
            rc = rc == 0 ? 1 : rc;
            continue;
        }
        if (h[156] == 'g' || h[156] == 'K') {
            rc = scan_read(s, NULL, (size + BLOCK - 1) / BLOCK * BLOCK) < 0
                     ? damaged(name, "truncated")
                     : 1;
            continue;
        }
        if (out->path.length == 0 && (rc = header_name(out, h)) < 0)
            break;
        if (has_pax_size)
            size = pax_size;
        /* Only regular files ('0', '\0', '7') carry content in the archive. */
        if (h[156] != '0' && h[156] != '\0' && h[156] != '7')
            size = 0;
        rc = scan_read(s, NULL, (size + BLOCK - 1) / BLOCK * BLOCK) < 0 ? damaged(name, "truncated")
                                                                        : 1;
        break;
    }
    copa__buf_free(&extra);
    return rc;
}
