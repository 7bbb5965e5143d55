/* The distroless manifests of CBL-Mariner / Azure Linux. */
#include "rpmrepo/manifest.h"
#include "copa/errors.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "rpmrepo_test.h"

/* Lines as `rpm -qa` and the Azure Linux image build's --qf write them. */
static const char manifest1[] = "filesystem-1.1-21.azl3.x86_64\n"
                                "tzdata-2024a-1.azl3.noarch\n"
                                "openssl-libs-3.3.2-1.azl3.x86_64\n"
                                "gpg-pubkey-3135ce90-5e6fda74\n";
static const char manifest2[] =
    "filesystem\t1.1-21.azl3\t1713312345\t1712000000\tMicrosoft Corporation\t(none)\t7710\t"
    "x86_64\t0\tfilesystem-1.1-21.azl3.src.rpm\n"
    "openssl-libs\t3.3.2-1.azl3\t1713312346\t1712000001\tMicrosoft Corporation\t1\t5827612\t"
    "x86_64\t1\topenssl-3.3.2-1.azl3.src.rpm\n";

static void test_read_both(void **state)
{
    char *root = root_new();
    copa__image_files files;
    copa__rpm_manifest *m = NULL;
    const copa__rpm_manifest_entry *e;
    (void)state;

    root_put(root, COPA_RPM_MANIFEST_1, manifest1);
    root_put(root, COPA_RPM_MANIFEST_2, manifest2);
    assert_int_equal(copa__image_files_dir_open(&files, root), 0);
    assert_int_equal(copa__rpm_manifest_read(&m, &files), 0);
    assert_true(m->one.present && m->two.present);
    assert_true(m->one.final_newline);
    assert_int_equal(m->one.count, 4);
    e = &m->one.entries[2];
    assert_string_equal(e->line, "openssl-libs-3.3.2-1.azl3.x86_64");
    assert_string_equal(e->name, "openssl-libs");
    assert_string_equal(e->version, "3.3.2");
    assert_string_equal(e->release, "1.azl3");
    assert_string_equal(e->arch, "x86_64");
    assert_null(e->epoch);
    e = &m->one.entries[3];
    assert_string_equal(e->name, "gpg-pubkey");
    assert_string_equal(e->version, "3135ce90");
    assert_null(e->arch);
    assert_int_equal(m->two.count, 2);
    e = &m->two.entries[0];
    assert_string_equal(e->name, "filesystem");
    assert_string_equal(e->version, "1.1");
    assert_string_equal(e->release, "21.azl3");
    assert_null(e->epoch);
    assert_string_equal(e->arch, "x86_64");
    assert_string_equal(e->fields[COPA_RPM_MANIFEST2_VENDOR], "Microsoft Corporation");
    assert_string_equal(e->fields[COPA_RPM_MANIFEST2_SOURCERPM], "filesystem-1.1-21.azl3.src.rpm");
    assert_string_equal(m->two.entries[1].epoch, "1");
    copa__rpm_manifest_free(m);
    copa__image_files_dir_close(&files);
    root_remove(root);
}

static void test_none(void **state)
{
    char *root = root_new();
    copa__image_files files;
    copa__rpm_manifest *m = NULL;
    (void)state;

    assert_int_equal(copa__image_files_dir_open(&files, root), 0);
    assert_int_equal(copa__rpm_manifest_read(&m, &files), COPA_ENOTFOUND);
    assert_null(m);
    copa__image_files_dir_close(&files);
    root_remove(root);
}

static int parse(int two, const char *text)
{
    copa__rpm_manifest m;
    int rc;

    memset(&m, 0, sizeof(m));
    rc = copa__rpm_manifest_parse(&m, two, "container-manifest", text, strlen(text));
    copa__arena_free(&m.arena);
    return rc;
}

static void test_malformed(void **state)
{
    (void)state;
    assert_int_equal(parse(0, "a-1-1.x86_64\nnodashes\n"), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "container-manifest:2"));
    assert_int_equal(parse(0, "a-1.x86_64\n"), COPA_EINVALID);
    assert_int_equal(parse(0, "-1-1.x86_64\n"), COPA_EINVALID);
    assert_int_equal(parse(0, "a-1-.x86_64\n"), COPA_EINVALID);
    assert_int_equal(parse(0, "a-1-1.x86_64\r\n"), COPA_EINVALID);
    assert_int_equal(parse(1, "a\t1-1\tx\n"), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "ten tab-separated"));
    assert_int_equal(parse(1, "a\t1-1\t1\t2\tv\t(none)\t3\tx86_64\t0\ts.src.rpm\textra\n"),
                     COPA_EINVALID);
    assert_int_equal(parse(1, "a\t1\t1\t2\tv\t(none)\t3\tx86_64\t0\ts.src.rpm\n"), COPA_EINVALID);
    assert_int_equal(parse(1, "a\t1-1\t1\t2\tv\t(none)\t3\tx86_64\t0\ts.src.rpm"), 0);
    assert_int_equal(parse(0, ""), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_both),
        cmocka_unit_test(test_none),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
