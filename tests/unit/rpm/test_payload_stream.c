/*
 * The checked payload stream (rpm_payload_stream.c) in front of
 * libarchive's cpio reader: member headers split at every byte across the
 * 64 KiB chunks the stream reads in are still checked and passed on intact;
 * an oversized name, a member larger than the limit, a non-newc header and
 * a stream beyond the limit are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <copa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpm/rpm_payload_stream.h"

typedef struct cpio_buf {
    unsigned char *p;
    size_t len;
} cpio_buf;

static void put(cpio_buf *b, const void *d, size_t n)
{
    b->p = realloc(b->p, b->len + n);
    assert_non_null(b->p);
    memcpy(b->p + b->len, d, n);
    b->len += n;
}

static void pad(cpio_buf *b)
{
    static const unsigned char zero[4] = {0};
    put(b, zero, (4 - b->len % 4) % 4);
}

static void member(cpio_buf *b, const char *name, size_t namesize, size_t size, char fill)
{
    char h[111];
    unsigned char *data = malloc(size + 1);
    snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1u,
             0100644u, 0u, 0u, 1u, 0u, (unsigned)size, 0u, 0u, 0u, 0u, (unsigned)namesize, 0u);
    put(b, h, 110);
    put(b, name, namesize);
    pad(b);
    memset(data, fill, size + 1);
    put(b, data, size);
    pad(b);
    free(data);
}

static void trailer(cpio_buf *b)
{
    member(b, "TRAILER!!!", 11, 0, 0);
}

/* Read every entry through the stream; 0 or the libarchive failure's code. */
static int read_all(const cpio_buf *b, uint64_t limit, int *entries)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    copa__rpm_payload_stream *s;
    char buf[4096];
    int rc;

    *entries = 0;
    assert_int_equal(archive_read_support_format_cpio(a), ARCHIVE_OK);
    rc = copa__rpm_payload_stream_open(a, "identity", b->p, b->len, limit, &s);
    if (rc != 0) {
        archive_read_free(a);
        return rc;
    }
    while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        (*entries)++;
        while (archive_read_data(a, buf, sizeof(buf)) > 0)
            ;
    }
    if (rc != ARCHIVE_EOF)
        fprintf(stderr, "libarchive: %s\n", archive_error_string(a));
    archive_read_free(a);
    return rc == ARCHIVE_EOF ? 0 : -1;
}

static void splits_everywhere(void **state)
{
    size_t k;
    (void)state;
    /* the second member's header and name start k bytes before the 64 KiB boundary */
    for (k = 0; k <= 130; k++) {
        cpio_buf b = {NULL, 0};
        int entries;
        size_t first = 65536 - 110 - 8 - k; /* "./a/one\0" is 8 bytes, header+name aligned */
        first &= ~(size_t)3;
        member(&b, "./a/one", 8, first, 'x');
        member(&b, "./a/second-member-name", 23, 10, 'y');
        member(&b, "./a/three", 10, 70000, 'z');
        trailer(&b);
        if (read_all(&b, 1u << 20, &entries) != 0)
            fail_msg("split at %zu: %s", k, copa_error_last());
        assert_int_equal(entries, 3);
        free(b.p);
    }
}

static void refused(cpio_buf *b, uint64_t limit, const char *what)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    copa__rpm_payload_stream *s;
    char buf[4096];
    int rc;
    const char *msg;

    assert_int_equal(archive_read_support_format_cpio(a), ARCHIVE_OK);
    rc = copa__rpm_payload_stream_open(a, "identity", b->p, b->len, limit, &s);
    if (rc != 0) {
        msg = copa_error_last();
    } else {
        while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK)
            while (archive_read_data(a, buf, sizeof(buf)) > 0)
                ;
        assert_int_not_equal(rc, ARCHIVE_EOF);
        msg = copa__rpm_payload_stream_error(s);
    }
    if (msg == NULL || strstr(msg, what) == NULL)
        fail_msg("message '%s' lacks '%s'", msg ? msg : "(none)", what);
    archive_read_free(a);
    free(b->p);
}

static void name_too_long(void **state)
{
    cpio_buf b = {NULL, 0};
    char name[5000];
    (void)state;
    memset(name, 'n', sizeof(name));
    name[sizeof(name) - 1] = '\0';
    member(&b, name, sizeof(name), 1, 'x');
    trailer(&b);
    refused(&b, 1u << 20, "member name of 5000 bytes");
}

static void name_too_long_after_split(void **state)
{
    cpio_buf b = {NULL, 0};
    char name[5000];
    (void)state;
    memset(name, 'n', sizeof(name));
    name[sizeof(name) - 1] = '\0';
    member(&b, "./big", 6, 65536 - 120, 'x');
    member(&b, name, sizeof(name), 1, 'x');
    trailer(&b);
    refused(&b, 1u << 20, "member name of 5000 bytes");
}

static void member_over_limit(void **state)
{
    cpio_buf b = {NULL, 0};
    (void)state;
    member(&b, "./big", 6, 5000, 'x');
    trailer(&b);
    refused(&b, 4096, "member of 5000 bytes exceeds the package");
}

static void stream_over_limit(void **state)
{
    cpio_buf b = {NULL, 0};
    int i;
    (void)state;
    for (i = 0; i < 40; i++)
        member(&b, "./f", 4, 4000, 'x');
    trailer(&b);
    refused(&b, 100000, "decompresses beyond 100000 bytes");
}

static void not_newc(void **state)
{
    cpio_buf b = {NULL, 0};
    (void)state;
    member(&b, "./f", 4, 10, 'x');
    memcpy(b.p, "070707", 6); /* odc magic */
    trailer(&b);
    refused(&b, 1u << 20, "not a newc cpio header");
}

static void unknown_compressor(void **state)
{
    struct archive *a = archive_read_new();
    copa__rpm_payload_stream *s;
    (void)state;
    assert_int_equal(copa__rpm_payload_stream_open(a, "lz4", "x", 1, 10, &s), COPA_EUNSUPPORTED);
    archive_read_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(splits_everywhere),         cmocka_unit_test(name_too_long),
        cmocka_unit_test(name_too_long_after_split), cmocka_unit_test(member_over_limit),
        cmocka_unit_test(stream_over_limit),         cmocka_unit_test(not_newc),
        cmocka_unit_test(unknown_compressor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
