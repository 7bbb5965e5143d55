/*
 * The rpm header parser on crafted blobs: every type and accessor, the
 * region and its trailer, the rpmdb form without magic, and each bound the
 * parser must refuse (counts, offsets, alignment, overlap, unterminated
 * strings, caps, duplicate tags).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpm/header.h"
#include "rpm/rpm_tags.h"
#include "rpm_header_builder.h"

static hb b;

static int setup(void **state)
{
    (void)state;
    memset(&b, 0, sizeof(b));
    return 0;
}

static copa__rpm_header *parse_ok(const copa__rpm_header_options *opts)
{
    copa__rpm_header *h = NULL;
    size_t used = 0;
    int rc = copa__rpm_header_parse(&h, "t", b.out, b.len, opts, &used);
    if (rc != 0)
        fprintf(stderr, "unexpected: %s\n", copa_error_last());
    assert_int_equal(rc, 0);
    assert_true(used <= b.len);
    return h;
}

/* Refused with COPA_EINVALID and a message containing `what`. */
static void parse_bad(const copa__rpm_header_options *opts, const char *what)
{
    copa__rpm_header *h = (copa__rpm_header *)1;
    int rc = copa__rpm_header_parse(&h, "t", b.out, b.len, opts, NULL);
    assert_int_equal(rc, COPA_EINVALID);
    assert_null(h);
    if (strstr(copa_error_last(), what) == NULL)
        fail_msg("message '%s' lacks '%s'", copa_error_last(), what);
}

static void every_type(void **state)
{
    static const uint32_t ints[] = {1, 0xfffffffe, 7};
    static const uint16_t shorts[] = {0100644, 040755};
    static const unsigned char bin[] = {0, 1, 2, 255};
    static const unsigned char i64[] = {0, 0, 0, 1, 0, 0, 0, 2};
    copa__rpm_header *h;
    const char *s, **arr;
    const unsigned char *bp;
    uint64_t *v, one;
    uint32_t n;
    (void)state;

    hb_strings(&b, COPA__RPM_TAG_I18NTABLE, 8, 2, "C\0de", 5);
    hb_string(&b, COPA__RPM_TAG_NAME, "pkg");
    hb_strings(&b, COPA__RPM_TAG_SUMMARY, 9, 2, "sum\0Zus", 8);
    hb_int32(&b, COPA__RPM_TAG_FILESIZES, ints, 3);
    hb_int16(&b, COPA__RPM_TAG_FILEMODES, shorts, 2);
    hb_add(&b, 1146, 7, 4, bin, 4, 1);
    hb_add(&b, COPA__RPM_TAG_LONGFILESIZES, 5, 1, i64, 8, 8);
    hb_add(&b, 1200, 1, 2, "xy", 2, 1);
    hb_strings(&b, COPA__RPM_TAG_BASENAMES, 8, 3, "a\0bb\0", 6);
    hb_finish(&b, 0, 0, 0);
    h = parse_ok(NULL);
    assert_int_equal(h->region_tag, 0);

    assert_int_equal(copa__rpm_header_string(h, COPA__RPM_TAG_NAME, &s), 0);
    assert_string_equal(s, "pkg");
    assert_int_equal(copa__rpm_header_string(h, COPA__RPM_TAG_SUMMARY, &s), 0);
    assert_string_equal(s, "sum"); /* the C locale's translation */
    assert_int_equal(copa__rpm_header_ints(h, COPA__RPM_TAG_FILESIZES, &v, &n), 0);
    assert_int_equal(n, 3);
    assert_true(v[1] == 0xfffffffe);
    free(v);
    assert_int_equal(copa__rpm_header_ints(h, COPA__RPM_TAG_FILEMODES, &v, &n), 0);
    assert_int_equal(v[0], 0100644);
    assert_int_equal(v[1], 040755);
    free(v);
    assert_int_equal(copa__rpm_header_int(h, COPA__RPM_TAG_LONGFILESIZES, &one), 0);
    assert_true(one == 0x100000002ull);
    assert_int_equal(copa__rpm_header_ints(h, 1200, &v, &n), 0);
    assert_int_equal(v[1], 'y');
    free(v);
    assert_int_equal(copa__rpm_header_binary(h, 1146, &bp, &n), 0);
    assert_int_equal(n, 4);
    assert_int_equal(bp[3], 255);
    assert_int_equal(copa__rpm_header_strings(h, COPA__RPM_TAG_BASENAMES, &arr, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(arr[0], "a");
    assert_string_equal(arr[1], "bb");
    assert_string_equal(arr[2], "");
    free(arr);
    /* wrong types are errors, absent tags are COPA_ENOTFOUND */
    assert_int_equal(copa__rpm_header_string(h, COPA__RPM_TAG_FILESIZES, &s), COPA_EINVALID);
    assert_int_equal(copa__rpm_header_ints(h, COPA__RPM_TAG_NAME, &v, &n), COPA_EINVALID);
    assert_int_equal(copa__rpm_header_binary(h, COPA__RPM_TAG_NAME, &bp, &n), COPA_EINVALID);
    assert_int_equal(copa__rpm_header_string(h, COPA__RPM_TAG_VERSION, &s), COPA_ENOTFOUND);
    copa__rpm_header_free(h);
}

static void region_and_magic(void **state)
{
    copa__rpm_header_options opts = {1, COPA__RPM_TAG_HEADERIMMUTABLE, 1, 0};
    copa__rpm_header *h;
    (void)state;
    hb_string(&b, COPA__RPM_TAG_NAME, "pkg");
    hb_string(&b, COPA__RPM_TAG_VERSION, "1");
    hb_finish(&b, 1, COPA__RPM_TAG_HEADERIMMUTABLE, 0);
    b.len += 5; /* whatever follows (the payload) is not the header's */
    h = parse_ok(&opts);
    assert_int_equal(h->blob_len + 8, b.len - 5);
    assert_int_equal(h->region_tag, COPA__RPM_TAG_HEADERIMMUTABLE);
    assert_int_equal(h->region_entries, 3);
    copa__rpm_header_free(h);
}

static void region_required(void **state)
{
    copa__rpm_header_options opts = {0, COPA__RPM_TAG_HEADERSIGNATURES, 0, 0};
    (void)state;
    hb_string(&b, COPA__RPM_TAG_NAME, "pkg");
    hb_finish(&b, 0, COPA__RPM_TAG_HEADERIMMUTABLE, 0);
    parse_bad(&opts, "no region tag 62");
}

static void no_magic(void **state)
{
    copa__rpm_header_options opts = {1, 0, 0, 0};
    (void)state;
    hb_string(&b, COPA__RPM_TAG_NAME, "pkg");
    hb_finish(&b, 0, 0, 0);
    parse_bad(&opts, "no rpm header magic");
}

/* rpmdb appends install-time tags after the region; they may repeat a region tag. */
static void rpmdb_dribble(void **state)
{
    copa__rpm_header_options whole = {0, COPA__RPM_TAG_HEADERIMMUTABLE, 1, 0};
    copa__rpm_header_options part = {0, COPA__RPM_TAG_HEADERIMMUTABLE, 0, 0};
    copa__rpm_header *h;
    const char *s;
    unsigned char *p;
    (void)state;
    /* lay out: "old\0" at 0, trailer at 4..20, int at 20, "new\0" at 24 */
    memset(b.data, 0, sizeof(b.data));
    memcpy(b.data, "old", 4);
    hb_put32(b.data + 4, COPA__RPM_TAG_HEADERIMMUTABLE);
    hb_put32(b.data + 8, 7);
    hb_put32(b.data + 12, (uint32_t)-32);
    hb_put32(b.data + 16, 16);
    hb_put32(b.data + 20, 1234);
    memcpy(b.data + 24, "new", 4);
    b.dl = 28;
    b.n = 0;
    p = b.out;
    hb_put32(p, 4);
    hb_put32(p + 4, 28);
    p += 8;
    hb_put32(p, COPA__RPM_TAG_HEADERIMMUTABLE), hb_put32(p + 4, 7), hb_put32(p + 8, 4),
        hb_put32(p + 12, 16);
    p += 16;
    hb_put32(p, COPA__RPM_TAG_NAME), hb_put32(p + 4, 6), hb_put32(p + 8, 0), hb_put32(p + 12, 1);
    p += 16;
    hb_put32(p, 1008), hb_put32(p + 4, 4), hb_put32(p + 8, 20), hb_put32(p + 12, 1);
    p += 16;
    hb_put32(p, COPA__RPM_TAG_NAME), hb_put32(p + 4, 6), hb_put32(p + 8, 24), hb_put32(p + 12, 1);
    p += 16;
    memcpy(p, b.data, 28);
    b.len = (size_t)(p + 28 - b.out);
    h = parse_ok(&part);
    assert_int_equal(h->region_entries, 2);
    assert_int_equal(h->region_data_len, 20);
    assert_int_equal(copa__rpm_header_string(h, COPA__RPM_TAG_NAME, &s), 0);
    assert_string_equal(s, "new");
    copa__rpm_header_free(h);
    parse_bad(&whole, "covers 2 of 4 entries");
}

static void bad_trailers(void **state)
{
    (void)state;
    hb_string(&b, COPA__RPM_TAG_NAME, "pkg");
    hb_finish(&b, 0, COPA__RPM_TAG_HEADERIMMUTABLE, 16);
    parse_bad(NULL, "not negative");
    hb_finish(&b, 0, COPA__RPM_TAG_HEADERIMMUTABLE, -48);
    parse_bad(NULL, "claims 48 index bytes");
    hb_finish(&b, 0, COPA__RPM_TAG_HEADERIMMUTABLE, -20);
    parse_bad(NULL, "claims 20 index bytes");
    hb_finish(&b, 0, COPA__RPM_TAG_HEADERIMMUTABLE, 0);
    b.out[8 + 32 + 4 + 3] = 62; /* trailer tag 62 in an immutable region */
    parse_bad(NULL, "invalid trailer");
    hb_finish(&b, 0, COPA__RPM_TAG_HEADERIMMUTABLE, 0);
    hb_put32(b.out + 8 + 8, 100); /* region entry points past the store */
    parse_bad(NULL, "outside the store");
    hb_finish(&b, 0, COPA__RPM_TAG_HEADERIMMUTABLE, 0);
    hb_put32(b.out + 8 + 12, 15); /* region entry count */
    parse_bad(NULL, "want BIN, 16");
}

/* An entry whose data reaches into the region trailer. */
static void data_over_trailer(void **state)
{
    (void)state;
    hb_string(&b, COPA__RPM_TAG_NAME, "pkg");
    hb_finish(&b, 0, COPA__RPM_TAG_HEADERIMMUTABLE, 0);
    /* make NAME's string run into the trailer: overwrite its NUL */
    b.out[8 + 32 + 3] = 'x';
    parse_bad(NULL, "overlaps the region trailer");
}

static void sizes(void **state)
{
    (void)state;
    hb_string(&b, COPA__RPM_TAG_NAME, "pkg");
    hb_finish(&b, 0, 0, 0);
    b.len -= 1;
    parse_bad(NULL, "header needs");
    b.len = 7;
    parse_bad(NULL, "truncated");
    hb_finish(&b, 0, 0, 0);
    hb_put32(b.out, 0);
    parse_bad(NULL, "0 index entries");
    hb_put32(b.out, 70000);
    parse_bad(NULL, "70000 index entries");
    hb_put32(b.out, 1);
    hb_put32(b.out + 4, 0x10000000);
    parse_bad(NULL, "data store of 268435456 bytes");
    {
        copa__rpm_header_options small = {0, 0, 0, 2};
        hb_finish(&b, 0, 0, 0);
        parse_bad(&small, "1 to 2 allowed");
    }
}

static void set_entry(unsigned i, uint32_t tag, uint32_t type, uint32_t offset, uint32_t count)
{
    unsigned char *p = b.out + 8 + 16 * i;
    hb_put32(p, tag);
    hb_put32(p + 4, type);
    hb_put32(p + 8, offset);
    hb_put32(p + 12, count);
}

static void bad_entries(void **state)
{
    static const uint32_t v[] = {1, 2};
    (void)state;
    hb_string(&b, COPA__RPM_TAG_NAME, "pkg");
    hb_int32(&b, COPA__RPM_TAG_FILESIZES, v, 2); /* at offset 4 */
    hb_finish(&b, 0, 0, 0);

    set_entry(0, COPA__RPM_TAG_NAME, 10, 0, 1);
    parse_bad(NULL, "unknown type 10");
    set_entry(0, COPA__RPM_TAG_NAME, 0, 0, 1);
    parse_bad(NULL, "unknown type 0");
    set_entry(0, COPA__RPM_TAG_NAME, 6, 0, 0);
    parse_bad(NULL, "count 0");
    set_entry(0, COPA__RPM_TAG_NAME, 6, 0, 2);
    parse_bad(NULL, "string tag 1000 has count 2");
    set_entry(0, COPA__RPM_TAG_NAME, 8, 0, 9);
    parse_bad(NULL, "not NUL-terminated");
    set_entry(0, COPA__RPM_TAG_NAME, 6, 100, 1);
    parse_bad(NULL, "outside");
    set_entry(0, 99, 6, 0, 1);
    parse_bad(NULL, "reserved tag 99");
    set_entry(0, COPA__RPM_TAG_NAME, 6, 0, 1);
    set_entry(1, COPA__RPM_TAG_FILESIZES, 4, 6, 2);
    parse_bad(NULL, "not aligned to 4");
    set_entry(1, COPA__RPM_TAG_FILESIZES, 4, 4, 3);
    parse_bad(NULL, "runs off the store");
    set_entry(1, COPA__RPM_TAG_FILESIZES, 4, 4, 0x40000001);
    parse_bad(NULL, "count 1073741825");
    set_entry(1, COPA__RPM_TAG_FILESIZES, 4, 0, 1);
    parse_bad(NULL, "overlaps the previous");
    set_entry(1, COPA__RPM_TAG_NAME, 6, 0, 1);
    parse_bad(NULL, "overlaps the previous");
    set_entry(1, COPA__RPM_TAG_NAME, 4, 4, 2);
    parse_bad(NULL, "appears twice");
    /* an int of huge count whose byte size wraps 32 bits */
    set_entry(1, COPA__RPM_TAG_FILESIZES, 5, 8, 0x20000001);
    parse_bad(NULL, "count");
}

static void unterminated_last_string(void **state)
{
    (void)state;
    hb_add(&b, COPA__RPM_TAG_NAME, 6, 1, "abc", 3, 1);
    hb_finish(&b, 0, 0, 0);
    parse_bad(NULL, "not NUL-terminated");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(every_type, setup),
        cmocka_unit_test_setup(region_and_magic, setup),
        cmocka_unit_test_setup(region_required, setup),
        cmocka_unit_test_setup(no_magic, setup),
        cmocka_unit_test_setup(rpmdb_dribble, setup),
        cmocka_unit_test_setup(bad_trailers, setup),
        cmocka_unit_test_setup(data_over_trailer, setup),
        cmocka_unit_test_setup(sizes, setup),
        cmocka_unit_test_setup(bad_entries, setup),
        cmocka_unit_test_setup(unterminated_last_string, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
