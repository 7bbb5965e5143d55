/* repomd.xml: entries, checksum verification, refused input. */
#include "rpmrepo/repomd.h"
#include "copa/errors.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_support.h"

static copa__repomd *parse_fixture(void)
{
    size_t len;
    char *xml = test_read_file(test_fixture_path("rpmrepo/repomd.xml"), &len);
    copa__repomd *md = NULL;

    assert_int_equal(copa__repomd_parse(&md, "repomd.xml", xml, len), 0);
    free(xml);
    return md;
}

static void test_createrepo_output(void **state)
{
    copa__repomd *md = parse_fixture();
    const copa__repomd_data *p;
    (void)state;

    assert_string_equal(md->revision, "1796544892");
    assert_int_equal(md->count, 3);
    p = copa__repomd_find(md, "primary");
    assert_non_null(p);
    assert_string_equal(p->href, "repodata/4550c1a1aafe9882c1729f46ac38104253e6bf87e85c88ac3352e46"
                                 "270b2046e-primary.xml.gz");
    assert_null(p->base);
    assert_string_equal(p->checksum_type, "sha256");
    assert_string_equal(p->checksum,
                        "4550c1a1aafe9882c1729f46ac38104253e6bf87e85c88ac3352e46270b2046e");
    assert_string_equal(p->open_checksum,
                        "a12a7a64f26a6f4027ef9df0fe4b7fe07a1004c30dde02350c4b2c927f9695f1");
    assert_int_equal(p->size, 934);
    assert_int_equal(p->open_size, 2929);
    assert_int_equal(p->timestamp, 1796544892);
    assert_non_null(copa__repomd_find(md, "filelists"));
    assert_null(copa__repomd_find(md, "updateinfo"));
    copa__repomd_free(md);
}

static void test_verify(void **state)
{
    copa__repomd *md = parse_fixture();
    const copa__repomd_data *p = copa__repomd_find(md, "primary");
    size_t len;
    char *gz = test_read_file(test_fixture_path("rpmrepo/primary.xml.gz"), &len);
    copa__repomd_data d;
    (void)state;

    assert_int_equal(copa__repomd_verify(p, gz, len, 0), 0);
    gz[100] ^= 1;
    assert_int_equal(copa__repomd_verify(p, gz, len, 0), COPA_EVERIFY);
    assert_non_null(strstr(copa_error_last(), "checksum mismatch"));
    gz[100] ^= 1;
    assert_int_equal(copa__repomd_verify(p, gz, len - 1, 0), COPA_EVERIFY);
    assert_non_null(strstr(copa_error_last(), "size"));
    /* md5 and unknown types prove nothing: refused unless insecure. */
    d = *p;
    d.checksum_type = "md5";
    assert_int_equal(copa__repomd_verify(&d, gz, len, 0), COPA_EUNSUPPORTED);
    assert_int_equal(copa__repomd_verify(&d, gz, len, 1), 0);
    d.checksum_type = "crc32";
    assert_int_equal(copa__repomd_verify(&d, gz, len, 0), COPA_EUNSUPPORTED);
    /* sha1 and sha512 as declared */
    assert_int_equal(copa__rpm_checksum_verify(
                         "x", "sha1", "a9993e364706816aba3e25717850c26c9cd0d89d", "abc", 3, 0),
                     0);
    assert_int_equal(copa__rpm_checksum_verify(
                         "x", "sha", "a9993e364706816aba3e25717850c26c9cd0d89d", "abc", 3, 0),
                     0);
    assert_int_equal(
        copa__rpm_checksum_verify(
            "x", "sha512",
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1"
            "a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            "abc", 3, 0),
        0);
    free(gz);
    copa__repomd_free(md);
}

static int parse_text(const char *xml)
{
    copa__repomd *md = NULL;
    int rc = copa__repomd_parse(&md, "repomd.xml", xml, strlen(xml));

    copa__repomd_free(md);
    return rc;
}

#define DATA(type, href)                                                                           \
    "<data type=\"" type "\"><checksum type=\"sha256\">ab</checksum><location href=\"" href        \
    "\"/></data>"

static void test_refused(void **state)
{
    (void)state;
    assert_int_equal(parse_text("<repomd>" DATA("primary", "repodata/p.xml.gz") "</repomd>"), 0);
    assert_int_equal(parse_text("<repomd>" DATA("primary", "../p.xml.gz") "</repomd>"),
                     COPA_EINVALID);
    assert_int_equal(parse_text("<repomd>" DATA("primary", "/etc/passwd") "</repomd>"),
                     COPA_EINVALID);
    assert_int_equal(parse_text("<repomd>" DATA("primary", "http://evil/p") "</repomd>"),
                     COPA_EINVALID);
    assert_int_equal(parse_text("<repomd>" DATA("primary", "a") DATA("primary", "b") "</repomd>"),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "listed twice"));
    assert_int_equal(parse_text("<repomd><data type=\"primary\"><location href=\"a\"/></data>"
                                "</repomd>"),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "without checksum"));
    assert_int_equal(parse_text("<repomd><data type=\"primary\"><checksum type=\"sha256\">zz"
                                "</checksum><location href=\"a\"/></data></repomd>"),
                     COPA_EINVALID);
    assert_int_equal(parse_text("<metadata/>"), COPA_EINVALID);
    assert_int_equal(parse_text("<repomd><data"), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "malformed XML"));
    assert_int_equal(parse_text("<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY a \"aaaa\">]>\n"
                                "<repomd><revision>&a;</revision></repomd>"),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "DTD"));
    assert_non_null(strstr(copa_error_last(), "repomd.xml:2"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_createrepo_output),
        cmocka_unit_test(test_verify),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
