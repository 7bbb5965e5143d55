/*
 * Release files: fields, dates and expiry, the SHA256 table, Packages
 * variant choice, by-hash paths, and malformed input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repo/release.h"
#include "test_support.h"

#define NAME "http://security.example.org/debian-security bookworm-security"

static void load(copa__apt_release *rel, const char *fixture)
{
    size_t len;
    char *text = test_read_file(test_fixture_path(fixture), &len);
    int rc = copa__apt_release_parse(rel, NAME, text, len);
    free(text); /* the model owns copies of everything it keeps */
    if (rc != 0)
        fail_msg("%s: %s", fixture, copa_error_last());
}

static void fields(void **state)
{
    copa__apt_release rel;
    (void)state;
    load(&rel, "apt/Release");
    assert_string_equal(rel.origin, "Debian");
    assert_string_equal(rel.label, "Debian-Security");
    assert_string_equal(rel.suite, "stable-security");
    assert_string_equal(rel.codename, "bookworm-security");
    assert_string_equal(rel.version, "12");
    assert_int_equal(rel.date, 1686387600);        /* date -u -d ... +%s */
    assert_int_equal(rel.valid_until, 1686992400); /* a week later */
    assert_true(rel.acquire_by_hash);
    assert_true(rel.no_support_arch_all);
    assert_int_equal(rel.architecture_count, 9);
    assert_string_equal(rel.architectures[8], "s390x");
    assert_int_equal(rel.component_count, 3);
    assert_string_equal(rel.components[0], "updates/main");
    assert_int_equal(rel.file_count, 8); /* MD5Sum is not read */
    assert_string_equal(rel.files[7].path, "main/i18n/Translation-en.bz2");
    assert_int_equal(rel.files[4].size, 40960);
    copa__apt_release_free(&rel);
}

static void expiry(void **state)
{
    copa__apt_release rel;
    (void)state;
    load(&rel, "apt/Release");
    assert_int_equal(copa__apt_release_check_date(&rel, 1686387600), 0);
    assert_int_equal(copa__apt_release_check_date(&rel, 1686992400), 0);
    assert_int_equal(copa__apt_release_check_date(&rel, 1686992401), COPA_EVERIFY);
    assert_string_equal(copa_error_last(),
                        NAME ": Release file expired (Valid-Until: Sat, 17 Jun 2023 09:00:00 "
                             "UTC); the repository or a mirror is stale, or it is replaying old "
                             "metadata");
    copa__apt_release_free(&rel);
}

/* Date is 1686387600; apt allows it 10 s ahead of the clock. */
static void date_in_future(void **state)
{
    copa__apt_release rel;
    (void)state;
    load(&rel, "apt/Release");
    assert_int_equal(copa__apt_release_check_not_future(&rel, 1686387600, 10), 0);
    assert_int_equal(copa__apt_release_check_not_future(&rel, 1686387590, 10), 0);
    assert_int_equal(copa__apt_release_check_not_future(&rel, 1686387589, 10), COPA_EVERIFY);
    assert_non_null(strstr(copa_error_last(), NAME ": Release file is dated in the future (Date: "
                                                   "Sat, 10 Jun 2023 09:00:00 UTC, 11 s ahead"));
    rel.date = 0; /* no Date: nothing to check */
    assert_int_equal(copa__apt_release_check_not_future(&rel, 0, 10), 0);
    copa__apt_release_free(&rel);
}

/* Suite stable-security, Codename bookworm-security (apt's CheckDist). */
static void names_suite(void **state)
{
    copa__apt_release rel;
    (void)state;
    load(&rel, "apt/Release");
    assert_true(copa__apt_release_names_suite(&rel, "bookworm-security"));
    assert_true(copa__apt_release_names_suite(&rel, "stable-security"));
    assert_true(copa__apt_release_names_suite(&rel, "bookworm-security/updates"));
    assert_false(copa__apt_release_names_suite(&rel, "bookworm-updates"));
    assert_false(copa__apt_release_names_suite(&rel, "bookworm"));
    assert_false(copa__apt_release_names_suite(&rel, "bookworm-securit"));
    assert_false(copa__apt_release_names_suite(&rel, "bookworm-security-x"));
    assert_false(copa__apt_release_names_suite(&rel, "other/bookworm-security"));
    rel.suite = rel.codename = NULL; /* a Release naming no suite matches none */
    assert_false(copa__apt_release_names_suite(&rel, "bookworm-security"));
    copa__apt_release_free(&rel);
}

static void packages_variant_and_by_hash(void **state)
{
    copa__apt_release rel;
    const copa__apt_release_file *f;
    char *path = NULL;
    (void)state;
    load(&rel, "apt/Release");

    assert_int_equal(copa__apt_release_packages(&f, &rel, "main", "amd64"), 0);
    assert_string_equal(f->path, "main/binary-amd64/Packages.xz");
    assert_string_equal(f->sha256,
                        "dbb867405465d5e0eac3d7468e6a41ed1df9f45bdf89b4462617c269f5a7278f");
    assert_int_equal(f->size, 2836);
    assert_int_equal(copa__apt_release_by_hash_path(&path, f), 0);
    assert_string_equal(path, "main/binary-amd64/by-hash/SHA256/"
                              "dbb867405465d5e0eac3d7468e6a41ed1df9f45bdf89b4462617c269f5a7278f");
    free(path);

    assert_int_equal(copa__apt_release_packages(&f, &rel, "main", "arm64"), 0);
    assert_string_equal(f->path, "main/binary-arm64/Packages.gz");
    assert_int_equal(copa__apt_release_packages(&f, &rel, "contrib", "amd64"), 0);
    assert_string_equal(f->path, "contrib/binary-amd64/Packages");
    assert_int_equal(f->size, 0);

    assert_int_equal(copa__apt_release_packages(&f, &rel, "non-free", "amd64"), COPA_ENOTFOUND);
    assert_null(f);
    assert_string_equal(copa_error_last(),
                        NAME ": component 'non-free' is not in the Release file");
    assert_int_equal(copa__apt_release_packages(&f, &rel, "main", "riscv64"), COPA_ENOTFOUND);
    assert_string_equal(copa_error_last(),
                        NAME ": no Packages index for main/binary-riscv64 in the Release file");
    assert_non_null(copa__apt_release_find(&rel, "main/binary-amd64/Release"));
    assert_null(copa__apt_release_find(&rel, "main/binary-amd64"));
    copa__apt_release_free(&rel);
}

static void flat_repository(void **state)
{
    copa__apt_release rel;
    const copa__apt_release_file *f;
    char *path = NULL;
    (void)state;
    load(&rel, "apt/Release.flat");
    assert_int_equal(rel.date, 1685952672); /* +0200 */
    assert_int_equal(rel.valid_until, 0);
    assert_int_equal(copa__apt_release_check_date(&rel, 4000000000), 0);
    assert_int_equal(copa__apt_release_packages(&f, &rel, NULL, "amd64"), 0);
    assert_string_equal(f->path, "Packages.xz");
    assert_int_equal(copa__apt_release_by_hash_path(&path, f), 0);
    assert_string_equal(path, "by-hash/SHA256/"
                              "dbb867405465d5e0eac3d7468e6a41ed1df9f45bdf89b4462617c269f5a7278f");
    free(path);
    copa__apt_release_free(&rel);
}

static void dates(void **state)
{
    time_t t;
    (void)state;
    assert_int_equal(copa__apt_parse_date(&t, "29 Feb 2024 23:59:59 GMT"), 0);
    assert_int_equal(t, 1709251199);
    assert_int_equal(copa__apt_parse_date(&t, "Thu, 1 Jan 1970 00:00:00 +0000"), 0);
    assert_int_equal(t, 0);
    assert_int_equal(copa__apt_parse_date(&t, "Sat, 10 Jun 2023 09:00:00 Z"), 0);
    assert_int_equal(t, 1686387600);
    assert_int_equal(copa__apt_parse_date(&t, "29 Feb 2023 00:00:00 UTC"), COPA_EINVALID);
    assert_int_equal(copa__apt_parse_date(&t, "Sat, 10 Jun 2023 09:00:00"), COPA_EINVALID);
    assert_int_equal(copa__apt_parse_date(&t, "Sat, 10 Juni 2023 09:00:00 UTC"), COPA_EINVALID);
    assert_int_equal(copa__apt_parse_date(&t, "Sat, 10 Jun 2023 9:00:00 UTC"), COPA_EINVALID);
    assert_int_equal(copa__apt_parse_date(&t, "Sat, 10 Jun 2023 09:00:00 +2500"), COPA_EINVALID);
    assert_int_equal(copa__apt_parse_date(&t, "2023-06-10T09:00:00Z"), COPA_EINVALID);
}

static void expect_bad(const char *text, const char *message)
{
    copa__apt_release rel;
    assert_int_equal(copa__apt_release_parse(&rel, "repo", text, strlen(text)), COPA_EINVALID);
    assert_string_equal(copa_error_last(), message);
    copa__apt_release_free(&rel); /* already freed: must be harmless */
}

static void malformed(void **state)
{
    static const char hash[] = "aca44503bb971d6cd1d0282ae737a30733adc922080aa0d1f615e01b777c5741";
    char text[512];
    (void)state;
    expect_bad("", "repo: empty Release file");
    expect_bad("Origin: x\n", "repo: Release file has no SHA256 table");
    expect_bad("Origin: x\nSHA256:\n abc 12\n", "repo:3: SHA256 line needs 'hash size path'");
    expect_bad("SHA256:\n xyz 12 main/Packages\n",
               "repo:2: SHA256 hash 'xyz' is not 64 hex digits");
    snprintf(text, sizeof(text), "SHA256:\n %s 1 main/Packages\n %s -1 main/Packages.gz\n", hash,
             hash);
    expect_bad(text, "repo:3: bad size '-1' for main/Packages.gz");
    snprintf(text, sizeof(text), "SHA256:\n %s 1 ../../etc/passwd\n", hash);
    expect_bad(text, "repo:2: unsafe path '../../etc/passwd' in SHA256");
    snprintf(text, sizeof(text), "SHA256:\n %s 1 /etc/passwd\n", hash);
    expect_bad(text, "repo:2: unsafe path '/etc/passwd' in SHA256");
    snprintf(text, sizeof(text), "Date: yesterday\nSHA256:\n %s 1 P\n", hash);
    expect_bad(text, "repo:1: Date: bad date 'yesterday' (expected like 'Sat, 10 Jun 2023 "
                     "09:00:00 UTC')");
    snprintf(text, sizeof(text), "SHA256:\n %s 1 P\n\nOrigin: second\n", hash);
    expect_bad(text, "repo:4: a Release file has one stanza, found a second");
}

/* Found by fuzz_release: tabs separate list words too. */
static void tabs_in_word_lists(void **state)
{
    static const char text[] = "Components: main\t\tcontrib  non-free\n"
                               "Architectures:\tamd64\t\n arm64\n"
                               "SHA256:\n"
                               " aca44503bb971d6cd1d0282ae737a30733adc922080aa0d1f615e01b777c5741 "
                               "1 main/binary-amd64/Packages\n";
    copa__apt_release rel;
    const copa__apt_release_file *f;
    (void)state;
    assert_int_equal(copa__apt_release_parse(&rel, "r", text, strlen(text)), 0);
    assert_int_equal(rel.component_count, 3);
    assert_string_equal(rel.components[1], "contrib");
    assert_int_equal(rel.architecture_count, 2);
    assert_string_equal(rel.architectures[1], "arm64");
    assert_int_equal(copa__apt_release_packages(&f, &rel, "non-free", "amd64"), COPA_ENOTFOUND);
    copa__apt_release_free(&rel);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fields),
        cmocka_unit_test(expiry),
        cmocka_unit_test(date_in_future),
        cmocka_unit_test(names_suite),
        cmocka_unit_test(packages_variant_and_by_hash),
        cmocka_unit_test(flat_repository),
        cmocka_unit_test(dates),
        cmocka_unit_test(malformed),
        cmocka_unit_test(tabs_in_word_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
