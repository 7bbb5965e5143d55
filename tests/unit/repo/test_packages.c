/*
 * Packages indexes: a real slice of Debian 12's main index, architecture
 * filtering, name lookup, compressed loading with size and SHA-256 checks,
 * and malformed stanzas.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repo/depends.h"
#include "repo/packages.h"
#include "test_support.h"

/* SHA-256 of a buffer in hex, computed with OpenSSL as the reference. */
static void sha256_hex(char out[65], const void *data, size_t len)
{
    unsigned char md[32];
    unsigned int n = 0;
    int i;
    assert_int_equal(EVP_Digest(data, len, md, &n, EVP_sha256(), NULL), 1);
    for (i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void parse_fixture(copa__apt_packages *idx, const char *arch)
{
    size_t len;
    char *text = test_read_file(test_fixture_path("apt/Packages"), &len);
    assert_int_equal(copa__apt_packages_init(idx, arch), 0);
    if (copa__apt_packages_parse(idx, "Packages", text, len) != 0)
        fail_msg("%s", copa_error_last());
    free(text); /* the index keeps its own copies */
}

static void real_slice_fields(void **state)
{
    copa__apt_packages idx;
    const copa__apt_package *p;
    (void)state;
    parse_fixture(&idx, "amd64");
    assert_int_equal(idx.count, 7);
    assert_int_equal(idx.other_arch, 1); /* the i386 libc6 */

    p = copa__apt_packages_find(&idx, "bash");
    assert_non_null(p);
    assert_string_equal(p->version, "5.2.15-2+b13");
    assert_string_equal(p->arch, "amd64");
    assert_string_equal(p->source, "bash");
    assert_string_equal(p->source_version, "5.2.15-2");
    assert_true(p->essential);
    assert_int_equal(p->multi_arch, COPA__MA_FOREIGN);
    assert_string_equal(p->pre_depends, "libc6 (>= 2.36), libtinfo6 (>= 6)");
    assert_string_equal(p->conflicts, "bash-completion (<< 20060301-0)");
    assert_string_equal(p->filename, "pool/main/b/bash/bash_5.2.15-2+b13_amd64.deb");
    assert_int_equal(p->size, 1490652);
    assert_int_equal(p->installed_size, 7164);
    assert_string_equal(p->sha256,
                        "82130bb6a560cd2a7234d8018baf73f188f5dd56413d5aa0accc987b2197a6a1");
    assert_string_equal(p->section, "shells");
    assert_string_equal(p->priority, "required");
    assert_int_equal(p->next_same, 0);

    p = copa__apt_packages_find(&idx, "libc6");
    assert_non_null(p);
    assert_string_equal(p->source, "glibc");
    assert_string_equal(p->source_version, p->version);
    assert_string_equal(p->arch, "amd64");

    p = copa__apt_packages_find(&idx, "tzdata");
    assert_string_equal(p->arch, "all");
    assert_string_equal(p->depends, "debconf (>= 0.5) | debconf-2.0");
    assert_string_equal(p->provides, "tzdata-bookworm");
    assert_false(p->essential);

    p = copa__apt_packages_find(&idx, "base-files");
    assert_string_equal(p->replaces, "base, dpkg (<= 1.15.0), miscutils");
    assert_null(copa__apt_packages_find(&idx, "bas"));
    assert_null(copa__apt_packages_find(&idx, "nonexistent"));
    copa__apt_packages_free(&idx);
}

static void every_relationship_field_parses(void **state)
{
    copa__apt_packages idx;
    copa__arena arena;
    size_t i, j;
    (void)state;
    parse_fixture(&idx, NULL);
    assert_int_equal(idx.count, 8);
    copa__arena_init(&arena);
    for (i = 0; i < idx.count; i++) {
        const copa__apt_package *p = &idx.items[i];
        const char *fields[] = {p->depends,   p->pre_depends, p->recommends, p->breaks,
                                p->conflicts, p->replaces,    p->provides};
        for (j = 0; j < sizeof(fields) / sizeof(fields[0]); j++) {
            copa__apt_deps d;
            if (fields[j] != NULL && copa__apt_deps_parse(&d, &arena, fields[j], strlen(fields[j]),
                                                          j == 6 ? COPA__DEPS_PROVIDES : 0) != 0)
                fail_msg("%s: %s", p->name, copa_error_last());
        }
    }
    copa__arena_free(&arena);
    copa__apt_packages_free(&idx);
}

static void arch_filter_keeps_all(void **state)
{
    copa__apt_packages idx;
    const copa__apt_package *p;
    (void)state;
    parse_fixture(&idx, "i386");
    assert_int_equal(idx.count, 2);
    p = copa__apt_packages_find(&idx, "libc6");
    assert_string_equal(p->arch, "i386");
    assert_int_equal(p->multi_arch, COPA__MA_SAME);
    assert_non_null(copa__apt_packages_find(&idx, "tzdata"));
    copa__apt_packages_free(&idx);
}

static void compressed_with_verification(void **state)
{
    static const char *const names[] = {"apt/Packages.xz", "apt/Packages.gz", "apt/Packages"};
    size_t i;
    (void)state;
    for (i = 0; i < 3; i++) {
        copa__apt_packages idx;
        size_t len;
        char hex[65], *data = test_read_file(test_fixture_path(names[i]), &len);

        sha256_hex(hex, data, len);
        assert_int_equal(copa__apt_packages_init(&idx, "amd64"), 0);
        if (copa__apt_packages_load(&idx, names[i], data, len, hex, len) != 0)
            fail_msg("%s: %s", names[i], copa_error_last());
        assert_int_equal(idx.count, 7);
        assert_string_equal(copa__apt_packages_find(&idx, "dpkg")->version, "1.21.23");
        copa__apt_packages_free(&idx);

        assert_int_equal(copa__apt_packages_init(&idx, "amd64"), 0);
        assert_int_equal(
            copa__apt_packages_load_file(&idx, test_fixture_path(names[i]), hex, UINT64_MAX), 0);
        assert_int_equal(idx.count, 7);
        copa__apt_packages_free(&idx);

        /* one flipped digit */
        hex[10] = hex[10] == '0' ? '1' : '0';
        assert_int_equal(copa__apt_packages_init(&idx, "amd64"), 0);
        assert_int_equal(copa__apt_packages_load(&idx, "main/binary-amd64/Packages.xz", data, len,
                                                 hex, UINT64_MAX),
                         COPA_EVERIFY);
        assert_non_null(
            strstr(copa_error_last(), "main/binary-amd64/Packages.xz: SHA-256 does not match"));
        assert_int_equal(idx.count, 0);
        assert_int_equal(copa__apt_packages_load(&idx, "P.gz", data, len, NULL, len + 1),
                         COPA_EVERIFY);
        assert_non_null(strstr(copa_error_last(), "P.gz: size "));
        copa__apt_packages_free(&idx);
        free(data);
    }
}

static void truncated_archive_is_an_error(void **state)
{
    copa__apt_packages idx;
    size_t len;
    char *data = test_read_file(test_fixture_path("apt/Packages.xz"), &len);
    (void)state;
    assert_int_equal(copa__apt_packages_init(&idx, "amd64"), 0);
    assert_int_equal(copa__apt_packages_load(&idx, "cut.xz", data, len / 2, NULL, UINT64_MAX),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "cut.xz: "));
    copa__apt_packages_free(&idx);
    free(data);
    assert_int_equal(copa__apt_packages_load_file(&idx, "/nonexistent/Packages", NULL, 0),
                     COPA_ENOTFOUND);
}

static void same_name_chain_in_file_order(void **state)
{
    static const char text[] = "Package: a\nVersion: 1\nArchitecture: all\n\n"
                               "Package: b\nVersion: 1\nArchitecture: all\n\n"
                               "Package: a\nVersion: 2\nArchitecture: all\n";
    copa__apt_packages idx;
    const copa__apt_package *p;
    (void)state;
    assert_int_equal(copa__apt_packages_init(&idx, "amd64"), 0);
    assert_int_equal(copa__apt_packages_parse(&idx, "t", text, strlen(text)), 0);
    p = copa__apt_packages_find(&idx, "a");
    assert_string_equal(p->version, "1");
    assert_int_not_equal(p->next_same, 0);
    p = &idx.items[p->next_same - 1];
    assert_string_equal(p->version, "2");
    assert_int_equal(p->next_same, 0);
    copa__apt_packages_free(&idx);
}

static void expect_bad(const char *text, const char *message)
{
    copa__apt_packages idx;
    assert_int_equal(copa__apt_packages_init(&idx, "amd64"), 0);
    assert_int_equal(copa__apt_packages_parse(&idx, "Packages", text, strlen(text)), COPA_EINVALID);
    assert_string_equal(copa_error_last(), message);
    copa__apt_packages_free(&idx);
}

static void malformed(void **state)
{
    (void)state;
    expect_bad("Package: a\nArchitecture: all\n", "Packages:1: stanza without Version");
    expect_bad("Package: a\nVersion: 1\nArchitecture: all\n\nVersion: 2\nArchitecture: all\n",
               "Packages:5: stanza without Package");
    expect_bad("Package: a\nVersion: 1\nArchitecture: all\nSize: 12k\n",
               "Packages:4: malformed Size value '12k'");
    expect_bad("Package: a\nVersion: 1\nArchitecture: all\nSHA256: abc\n",
               "Packages:4: malformed SHA256 value 'abc'");
    expect_bad("Package: a\nVersion: 1\nArchitecture: all\nSource: b (1.0\n",
               "Packages:4: malformed Source value 'b (1.0'");
    expect_bad("Package: a\nVersion: 1\nArchitecture: all\nInstalled-Size: 99999999999999999999\n",
               "Packages:4: malformed Installed-Size value '99999999999999999999'");
    expect_bad("Package:\nVersion: 1\nArchitecture: all\n",
               "Packages:1: empty Package, Version or Architecture");
    expect_bad("Package: a\nVersion: 1\nArchitecture: all\nFilename: pool/../../etc/x.deb\n",
               "Packages:1: unsafe Filename 'pool/../../etc/x.deb'");
    expect_bad("Package: a\nVersion: 1\nArchitecture: all\nFilename: /etc/x.deb\n",
               "Packages:1: unsafe Filename '/etc/x.deb'");
}

/* Compressed input that expands past the limit is refused, not parsed. */
static void decompression_limit(void **state)
{
    copa__apt_packages idx;
    size_t len;
    char *data = test_read_file(test_fixture_path("apt/Packages.xz"), &len);
    (void)state;
    assert_int_equal(copa__apt_packages_init(&idx, "amd64"), 0);
    assert_int_equal(idx.max_uncompressed, 1u << 30);
    idx.max_uncompressed = 4096; /* the fixture is 7152 bytes uncompressed */
    assert_int_equal(copa__apt_packages_load(&idx, "bomb.xz", data, len, NULL, UINT64_MAX),
                     COPA_EINVALID);
    assert_string_equal(copa_error_last(), "bomb.xz: decompresses to more than 4096 bytes");
    copa__apt_packages_free(&idx);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_slice_fields),
        cmocka_unit_test(every_relationship_field_parses),
        cmocka_unit_test(arch_filter_keeps_all),
        cmocka_unit_test(compressed_with_verification),
        cmocka_unit_test(truncated_archive_is_an_error),
        cmocka_unit_test(same_name_chain_in_file_order),
        cmocka_unit_test(malformed),
        cmocka_unit_test(decompression_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
