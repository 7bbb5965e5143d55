/* primary.xml: the model of createrepo_c output, compressions, caps and refusals. */
#include "rpmrepo/primary.h"
#include "copa/errors.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_support.h"

static copa__rpm_primary *parse_fixture(const char *name)
{
    size_t len;
    char path[64], *data;
    copa__rpm_primary *p = NULL;

    snprintf(path, sizeof(path), "rpmrepo/%s", name);
    data = test_read_file(test_fixture_path(path), &len);
    assert_int_equal(copa__rpm_primary_parse(&p, name, data, len, NULL), 0);
    free(data);
    return p;
}

static void check_model(const copa__rpm_primary *p)
{
    const copa__rpm_pkg *a = &p->pkgs[0], *b = &p->pkgs[1];
    const copa__rpm_dep *d;

    assert_int_equal(p->count, 2);
    assert_string_equal(a->name, "alpha");
    assert_string_equal(a->arch, "noarch");
    assert_string_equal(a->epoch, "0");
    assert_string_equal(a->version, "1.0");
    assert_string_equal(a->release, "1");
    assert_string_equal(a->checksum_type, "sha256");
    assert_string_equal(a->checksum,
                        "7e08268f09128a81e5168b18da837419652e740e5f4a4d990fff7637c199f1c6");
    assert_string_equal(a->href, "alpha-1.0-1.noarch.rpm");
    assert_string_equal(a->sourcerpm, "alpha-1.0-1.src.rpm");
    assert_int_equal(a->size_package, 6054);
    assert_int_equal(a->size_installed, 3);
    assert_int_equal(a->dep_count[COPA_RPM_DEP_PROVIDES], 2);
    d = &a->deps[COPA_RPM_DEP_PROVIDES][1];
    assert_string_equal(d->name, "alpha-cap");
    assert_int_equal(d->cmp, COPA_RPM_CMP_EQ);
    assert_string_equal(d->ver, "2");
    assert_null(d->rel);
    assert_int_equal(a->file_count, 0);

    assert_string_equal(b->name, "beta");
    assert_string_equal(b->epoch, "2");
    assert_string_equal(b->release, "4.cm2");
    assert_int_equal(b->dep_count[COPA_RPM_DEP_PROVIDES], 4);
    assert_string_equal(b->deps[COPA_RPM_DEP_PROVIDES][3].name, "libbeta.so.1()(64bit)");
    assert_int_equal(b->deps[COPA_RPM_DEP_PROVIDES][3].cmp, COPA_RPM_CMP_ANY);
    assert_int_equal(b->dep_count[COPA_RPM_DEP_REQUIRES], 2);
    assert_string_equal(b->deps[COPA_RPM_DEP_REQUIRES][0].name, "/bin/sh");
    assert_true(b->deps[COPA_RPM_DEP_REQUIRES][0].pre);
    assert_int_equal(b->deps[COPA_RPM_DEP_REQUIRES][1].cmp, COPA_RPM_CMP_GE);
    assert_false(b->deps[COPA_RPM_DEP_REQUIRES][1].pre);
    assert_int_equal(b->deps[COPA_RPM_DEP_CONFLICTS][0].cmp, COPA_RPM_CMP_LT);
    assert_string_equal(b->deps[COPA_RPM_DEP_CONFLICTS][0].epoch, "2");
    assert_int_equal(b->deps[COPA_RPM_DEP_OBSOLETES][0].cmp, COPA_RPM_CMP_LE);
    assert_string_equal(b->deps[COPA_RPM_DEP_SUGGESTS][0].name, "(epsilon or zeta)");
    assert_string_equal(b->deps[COPA_RPM_DEP_RECOMMENDS][0].name, "delta");
    assert_int_equal(b->dep_count[COPA_RPM_DEP_SUPPLEMENTS], 0);
    assert_int_equal(b->file_count, 4);
    assert_string_equal(b->files[0].path, "/etc/beta");
    assert_int_equal(b->files[0].type, COPA_RPM_FILE_DIR);
    assert_int_equal(b->files[1].type, COPA_RPM_FILE_REGULAR);
    assert_int_equal(b->files[2].type, COPA_RPM_FILE_GHOST);
    assert_string_equal(b->files[3].path, "/usr/bin/beta");
}

static void test_compressions(void **state)
{
    static const char *const names[] = {"primary.xml", "primary.xml.gz", "primary.xml.xz",
                                        "primary.xml.zst"};
    size_t i;
    (void)state;

    for (i = 0; i < 4; i++) {
        copa__rpm_primary *p = parse_fixture(names[i]);
        check_model(p);
        copa__rpm_primary_free(p);
    }
}

static int parse_text(const char *xml, const copa__rpm_primary_limits *lim)
{
    copa__rpm_primary *p = NULL;
    int rc = copa__rpm_primary_parse(&p, "primary.xml", xml, strlen(xml), lim);

    copa__rpm_primary_free(p);
    return rc;
}

#define PKG(name, href)                                                                            \
    "<package type=\"rpm\"><name>" name "</name><arch>x86_64</arch><version epoch=\"0\" "          \
    "ver=\"1\" rel=\"1\"/><checksum type=\"sha256\" pkgid=\"YES\">AB01</checksum><location "       \
    "xml:base=\"https://mirror.example/\" href=\"" href "\"/></package>"

static void test_minimal_and_base(void **state)
{
    const char *xml = "<metadata xmlns=\"http://linux.duke.edu/metadata/common\">" PKG(
        "a", "Packages/a.rpm") "</metadata>";
    copa__rpm_primary *p = NULL;
    (void)state;

    assert_int_equal(copa__rpm_primary_parse(&p, "primary.xml", xml, strlen(xml), NULL), 0);
    assert_int_equal(p->count, 1);
    assert_string_equal(p->pkgs[0].checksum, "ab01");
    assert_string_equal(p->pkgs[0].base, "https://mirror.example/");
    assert_null(p->pkgs[0].sourcerpm);
    copa__rpm_primary_free(p);
}

static void test_refused(void **state)
{
    copa__rpm_primary_limits lim;
    (void)state;

    assert_int_equal(parse_text("<metadata>" PKG("a", "../a.rpm") "</metadata>", NULL),
                     COPA_EINVALID);
    assert_int_equal(parse_text("<metadata><package><name>a</name></package></metadata>", NULL),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "without"));
    assert_int_equal(parse_text("<metadata><package><name>a</name><format><rpm:requires>"
                                "<rpm:entry name=\"x\" flags=\"XX\"/></rpm:requires></format>"
                                "</package></metadata>",
                                NULL),
                     COPA_EINVALID);
    assert_int_equal(parse_text("<metadata><package><format><rpm:provides><rpm:entry name=\"a\"/>"
                                "</rpm:provides><rpm:provides><rpm:entry name=\"b\"/>"
                                "</rpm:provides></format></package></metadata>",
                                NULL),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "package ?: two provides lists"));
    assert_int_equal(parse_text("<repomd/>", NULL), COPA_EINVALID);
    assert_int_equal(parse_text("<!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                                "<metadata>&x;</metadata>",
                                NULL),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "DTD"));
    memset(&lim, 0, sizeof(lim));
    lim.max_packages = 1;
    assert_int_equal(
        parse_text("<metadata>" PKG("a", "a.rpm") PKG("b", "b.rpm") "</metadata>", &lim),
        COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "more than 1 packages"));
    memset(&lim, 0, sizeof(lim));
    lim.max_uncompressed = 100;
    assert_int_equal(parse_text("<metadata>" PKG("a", "a.rpm") "</metadata>", &lim), COPA_EINVALID);
    memset(&lim, 0, sizeof(lim));
    lim.max_text = 4;
    assert_int_equal(parse_text("<metadata>" PKG("abcdefgh", "a.rpm") "</metadata>", &lim),
                     COPA_EINVALID);
}

static void test_deep_nesting(void **state)
{
    char *xml = malloc(200 * 3 + 64);
    size_t i;
    (void)state;

    strcpy(xml, "<metadata>");
    for (i = 0; i < 200; i++)
        strcat(xml, "<a>");
    assert_int_equal(parse_text(xml, NULL), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "deeply"));
    free(xml);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compressions),
        cmocka_unit_test(test_minimal_and_base),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_deep_nesting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
