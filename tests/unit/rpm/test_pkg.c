/*
 * The package model on crafted headers: epoch absent vs 0, dependency
 * triples, file paths from DIRNAMES/BASENAMES/DIRINDEXES, and the headers
 * it must refuse (paths that leave the root, indexes out of range, arrays
 * of the wrong length, a path listed twice).
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
#include "rpm/rpm_pkg.h"
#include "rpm/rpm_tags.h"
#include "rpm_header_builder.h"

static hb b;

static int setup(void **state)
{
    (void)state;
    memset(&b, 0, sizeof(b));
    hb_string(&b, COPA__RPM_TAG_NAME, "demo");
    hb_string(&b, COPA__RPM_TAG_VERSION, "1.0");
    hb_string(&b, COPA__RPM_TAG_RELEASE, "2.el9");
    return 0;
}

/* Build the model; returns the code, *out when 0. */
static int model(copa__rpm_pkg **out, copa__rpm_header **h)
{
    hb_finish(&b, 0, 0, 0);
    assert_int_equal(copa__rpm_header_parse(h, "t", b.out, b.len, NULL, NULL), 0);
    return copa__rpm_pkg_from_header(out, *h, "t");
}

static void expect_refused(const char *what)
{
    copa__rpm_pkg *p = NULL;
    copa__rpm_header *h;
    int rc = model(&p, &h);
    assert_int_equal(rc, COPA_EINVALID);
    assert_null(p);
    if (strstr(copa_error_last(), what) == NULL)
        fail_msg("message '%s' lacks '%s'", copa_error_last(), what);
    copa__rpm_header_free(h);
}

static void add_files(const char *dirs, size_t dlen, uint32_t ndirs, const char *bases, size_t blen,
                      uint32_t nbase, const uint32_t *idx, uint32_t nidx)
{
    hb_int32(&b, COPA__RPM_TAG_DIRINDEXES, idx, nidx);
    hb_strings(&b, COPA__RPM_TAG_BASENAMES, 8, nbase, bases, blen);
    hb_strings(&b, COPA__RPM_TAG_DIRNAMES, 8, ndirs, dirs, dlen);
}

static void identity_and_files(void **state)
{
    static const uint32_t idx[] = {0, 1, 1};
    static const uint16_t modes[] = {040755, 0100644, 0120777};
    static const uint32_t zero = 0,
                          flags[] = {0, COPA__RPM_FILE_CONFIG | COPA__RPM_FILE_NOREPLACE, 0};
    copa__rpm_pkg *p;
    copa__rpm_header *h;
    char *nevra;
    (void)state;

    hb_int32(&b, COPA__RPM_TAG_EPOCH, &zero, 1);
    hb_string(&b, COPA__RPM_TAG_ARCH, "x86_64");
    hb_int16(&b, COPA__RPM_TAG_FILEMODES, modes, 3);
    hb_int32(&b, COPA__RPM_TAG_FILEFLAGS, flags, 3);
    hb_strings(&b, COPA__RPM_TAG_FILELINKTOS, 8, 3, "\0\0target", 9);
    add_files("/\0/etc/demo/", 13, 2, "etc\0demo.conf\0link", 19, 3, idx, 3);
    hb_strings(&b, COPA__RPM_TAG_REQUIRENAME, 8, 2, "a\0b", 4);
    hb_int32(&b, COPA__RPM_TAG_REQUIREFLAGS, flags, 2);
    hb_strings(&b, COPA__RPM_TAG_REQUIREVERSION, 8, 2,
               "\0"
               "2.0",
               5);
    assert_int_equal(model(&p, &h), 0);
    assert_true(p->has_epoch);
    assert_int_equal(p->epoch, 0);
    nevra = copa__rpm_pkg_nevra(p);
    assert_string_equal(nevra, "demo-0:1.0-2.el9.x86_64");
    free(nevra);
    assert_int_equal(p->file_count, 3);
    assert_string_equal(p->files[0].path, "/etc");
    assert_string_equal(p->files[1].path, "/etc/demo/demo.conf");
    assert_string_equal(p->files[2].path, "/etc/demo/link");
    assert_string_equal(p->files[2].link, "target");
    assert_int_equal(p->files[1].flags, COPA__RPM_FILE_CONFIG | COPA__RPM_FILE_NOREPLACE);
    assert_int_equal(p->files[2].mode, 0120777);
    assert_int_equal(copa__rpm_pkg_find_file(p, "/etc/demo/link"), 2);
    assert_int_equal(copa__rpm_pkg_find_file(p, "/etc/demo"), -1);
    assert_int_equal(p->file_digest_algo, COPA__RPM_HASH_MD5);
    assert_int_equal(p->requires.count, 2);
    assert_string_equal(p->requires.items[1].version, "2.0");
    assert_string_equal(p->payload_compressor, "gzip");
    copa__rpm_pkg_free(p);
    copa__rpm_header_free(h);
}

static void no_epoch(void **state)
{
    copa__rpm_pkg *p;
    copa__rpm_header *h;
    char *nevra;
    (void)state;
    assert_int_equal(model(&p, &h), 0);
    assert_false(p->has_epoch);
    assert_int_equal(p->file_count, 0);
    nevra = copa__rpm_pkg_nevra(p);
    assert_string_equal(nevra, "demo-1.0-2.el9");
    free(nevra);
    copa__rpm_pkg_free(p);
    copa__rpm_header_free(h);
}

static void missing_name(void **state)
{
    (void)state;
    memset(&b, 0, sizeof(b));
    hb_string(&b, COPA__RPM_TAG_VERSION, "1.0");
    expect_refused("has no name");
}

static void dot_dot(void **state)
{
    static const uint32_t idx[] = {0};
    (void)state;
    add_files("/usr/../etc/", 13, 1, "passwd", 7, 1, idx, 1);
    expect_refused("not absolute and normalized");
}

static void relative_dir(void **state)
{
    static const uint32_t idx[] = {0};
    (void)state;
    add_files("etc/", 5, 1, "passwd", 7, 1, idx, 1);
    expect_refused("not absolute and normalized");
}

static void slash_in_basename(void **state)
{
    static const uint32_t idx[] = {0};
    (void)state;
    add_files("/etc/", 6, 1, "../x", 5, 1, idx, 1);
    expect_refused("has a '/'");
}

static void dot_basename(void **state)
{
    static const uint32_t idx[] = {0};
    (void)state;
    add_files("/etc/", 6, 1, "..", 3, 1, idx, 1);
    expect_refused("not absolute and normalized");
}

static void dirindex_out_of_range(void **state)
{
    static const uint32_t idx[] = {1};
    (void)state;
    add_files("/etc/", 6, 1, "a", 2, 1, idx, 1);
    expect_refused("directory index 1 of 1");
}

static void short_array(void **state)
{
    static const uint32_t idx[] = {0, 0};
    static const uint16_t modes[] = {0100644};
    (void)state;
    hb_int16(&b, COPA__RPM_TAG_FILEMODES, modes, 1);
    add_files("/etc/", 6, 1, "a\0b", 4, 2, idx, 2);
    expect_refused("tag 1030 has 1 values for 2 files");
}

static void duplicate_path(void **state)
{
    static const uint32_t idx[] = {0, 1};
    (void)state;
    add_files("/etc/\0/etc/", 12, 2, "a\0a", 4, 2, idx, 2);
    expect_refused("listed twice");
}

static void dep_lengths(void **state)
{
    static const uint32_t flags[] = {8};
    (void)state;
    hb_strings(&b, COPA__RPM_TAG_PROVIDENAME, 8, 2, "a\0b", 4);
    hb_int32(&b, COPA__RPM_TAG_PROVIDEFLAGS, flags, 1);
    expect_refused("has 2 names");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(identity_and_files, setup),
        cmocka_unit_test_setup(no_epoch, setup),
        cmocka_unit_test_setup(missing_name, setup),
        cmocka_unit_test_setup(dot_dot, setup),
        cmocka_unit_test_setup(relative_dir, setup),
        cmocka_unit_test_setup(slash_in_basename, setup),
        cmocka_unit_test_setup(dot_basename, setup),
        cmocka_unit_test_setup(dirindex_out_of_range, setup),
        cmocka_unit_test_setup(short_array, setup),
        cmocka_unit_test_setup(duplicate_path, setup),
        cmocka_unit_test_setup(dep_lengths, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
