/*
 * See rpm_payload_stream.h. The scanner follows the newc layout: a 110-byte
 * header ("070701"/"070702", thirteen 8-digit hex fields), the name padded
 * so that header + name is a multiple of 4, the data padded to 4. After the
 * "TRAILER!!!" member the rest only counts against the limit.
 */
#include "rpm/rpm_payload_stream.h"
#include "util/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FIELD_FILESIZE = 6, FIELD_NAMESIZE = 11 };

struct copa__rpm_payload_stream {
    struct archive *raw; /* the decompressor */
    uint64_t limit, total;
    unsigned char head[COPA__RPM_CPIO_HEADER_LEN + COPA__RPM_CPIO_NAME_MAX];
    size_t have;   /* bytes of head collected */
    size_t want;   /* bytes of head needed: the header, then header + name */
    uint64_t skip; /* bytes of the current member still to pass */
    int after_trailer;
    unsigned char buf[65536];
    char error[160];
};

int copa__rpm_payload_filter(struct archive *ar, const char *compressor)
{
    if (strcmp(compressor, "gzip") == 0)
        return archive_read_support_filter_gzip(ar);
    if (strcmp(compressor, "xz") == 0)
        return archive_read_support_filter_xz(ar);
    if (strcmp(compressor, "lzma") == 0)
        return archive_read_support_filter_lzma(ar);
    if (strcmp(compressor, "zstd") == 0)
        return archive_read_support_filter_zstd(ar);
    if (strcmp(compressor, "bzip2") == 0)
        return archive_read_support_filter_bzip2(ar);
    if (strcmp(compressor, "identity") == 0)
        return ARCHIVE_OK;
    return ARCHIVE_FATAL;
}

/* One 8-digit hex field of the header, or -1. */
static int64_t field(const unsigned char *h, int index)
{
    const unsigned char *p = h + 6 + 8 * index;
    int64_t v = 0;
    int i;
    for (i = 0; i < 8; i++) {
        int d = p[i] >= '0' && p[i] <= '9'   ? p[i] - '0'
                : p[i] >= 'a' && p[i] <= 'f' ? p[i] - 'a' + 10
                : p[i] >= 'A' && p[i] <= 'F' ? p[i] - 'A' + 10
                                             : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static uint64_t pad4(uint64_t n)
{
    return (n + 3) & ~(uint64_t)3;
}

/* The header is complete: check it and ask for its name. */
static int header_done(copa__rpm_payload_stream *s)
{
    int64_t namesize = field(s->head, FIELD_NAMESIZE), filesize = field(s->head, FIELD_FILESIZE);
    if (memcmp(s->head, "07070", 5) != 0 || (s->head[5] != '1' && s->head[5] != '2'))
        return snprintf(s->error, sizeof(s->error), "member is not a newc cpio header"), -1;
    if (namesize <= 0 || namesize > COPA__RPM_CPIO_NAME_MAX || filesize < 0)
        return snprintf(s->error, sizeof(s->error), "member name of %lld bytes (at most %d)",
                        (long long)namesize, COPA__RPM_CPIO_NAME_MAX),
               -1;
    if ((uint64_t)filesize > s->limit)
        return snprintf(s->error, sizeof(s->error), "member of %lld bytes exceeds the package",
                        (long long)filesize),
               -1;
    s->want = COPA__RPM_CPIO_HEADER_LEN + (size_t)namesize;
    return 0;
}

/* Header and name are complete: pass the padding and the data. */
static void name_done(copa__rpm_payload_stream *s)
{
    size_t namesize = s->want - COPA__RPM_CPIO_HEADER_LEN;
    const char *name = (const char *)s->head + COPA__RPM_CPIO_HEADER_LEN;
    s->skip = pad4(s->want) - s->want + pad4((uint64_t)field(s->head, FIELD_FILESIZE));
    if (namesize == sizeof("TRAILER!!!") && memcmp(name, "TRAILER!!!", namesize) == 0)
        s->after_trailer = 1;
    s->have = 0;
    s->want = COPA__RPM_CPIO_HEADER_LEN;
}

static int scan(copa__rpm_payload_stream *s, const unsigned char *p, size_t n)
{
    while (n > 0 && !s->after_trailer) {
        size_t take;
        if (s->skip > 0) {
            take = s->skip < n ? (size_t)s->skip : n;
            s->skip -= take;
        } else {
            take = s->want - s->have < n ? s->want - s->have : n;
            memcpy(s->head + s->have, p, take);
            s->have += take;
            if (s->have == COPA__RPM_CPIO_HEADER_LEN && s->want == COPA__RPM_CPIO_HEADER_LEN &&
                header_done(s) < 0)
                return -1;
            if (s->have == s->want && s->want > COPA__RPM_CPIO_HEADER_LEN)
                name_done(s);
        }
        p += take;
        n -= take;
    }
    return 0;
}

/* Record why the stream stops: libarchive's cpio reader reports a short read in its own words. */
static la_ssize_t stop(struct archive *a, copa__rpm_payload_stream *s)
{
    archive_set_error(a, EINVAL, "%s", s->error);
    return -1;
}

static la_ssize_t read_cb(struct archive *a, void *data, const void **out)
{
    copa__rpm_payload_stream *s = data;
    la_ssize_t n = archive_read_data(s->raw, s->buf, sizeof(s->buf));

    *out = s->buf;
    if (s->error[0] != '\0')
        return stop(a, s);
    if (n < 0) {
        snprintf(s->error, sizeof(s->error), "decompression: %s",
                 archive_error_string(s->raw) ? archive_error_string(s->raw) : "error");
        return stop(a, s);
    }
    if (scan(s, s->buf, (size_t)n) < 0)
        return stop(a, s);
    s->total += (uint64_t)n;
    if (s->total > s->limit) {
        snprintf(s->error, sizeof(s->error),
                 "decompresses beyond %llu bytes, more than its files hold",
                 (unsigned long long)s->limit);
        return stop(a, s);
    }
    return n;
}

const char *copa__rpm_payload_stream_error(const copa__rpm_payload_stream *s)
{
    return s != NULL && s->error[0] != '\0' ? s->error : NULL;
}

static int close_cb(struct archive *a, void *data)
{
    copa__rpm_payload_stream *s = data;
    (void)a;
    archive_read_free(s->raw);
    free(s);
    return ARCHIVE_OK;
}

int copa__rpm_payload_stream_open(struct archive *cpio, const char *compressor, const void *data,
                                  size_t len, uint64_t limit, copa__rpm_payload_stream **stream)
{
    copa__rpm_payload_stream *s = calloc(1, sizeof(*s));
    struct archive_entry *e;

    *stream = NULL;
    if (s == NULL || (s->raw = archive_read_new()) == NULL) {
        free(s);
        return copa__error_oom();
    }
    s->limit = limit;
    s->want = COPA__RPM_CPIO_HEADER_LEN;
    if (copa__rpm_payload_filter(s->raw, compressor) != ARCHIVE_OK) {
        close_cb(NULL, s);
        return copa__error_set(COPA_EUNSUPPORTED, "payload compressor '%s' is not supported",
                               compressor);
    }
    if (archive_read_support_format_raw(s->raw) != ARCHIVE_OK ||
        archive_read_open_memory(s->raw, data, len) != ARCHIVE_OK ||
        archive_read_next_header(s->raw, &e) != ARCHIVE_OK) {
        copa__error_set(COPA_EINVALID, "payload cannot be opened: %s",
                        archive_error_string(s->raw) ? archive_error_string(s->raw) : "error");
        close_cb(NULL, s);
        return COPA_EINVALID;
    }
    /* From here the cpio reader owns the stream and closes it. */
    *stream = s;
    if (archive_read_open(cpio, s, NULL, read_cb, close_cb) != ARCHIVE_OK) {
        *stream = NULL; /* closed by libarchive */
        return copa__error_set(COPA_EINVALID, "payload cannot be opened: %s",
                               archive_error_string(cpio) ? archive_error_string(cpio) : "error");
    }
    return 0;
}
