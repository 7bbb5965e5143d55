/*
 * APKINDEX.tar.gz: the stanza parser on texts written here, and the
 * signature check on indexes built by tests/support/apk/apkbuild.py
 * (RSA, RSA256, RSA512; unknown key, unsigned, tampered).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <stdlib.h>
#include <string.h>

#include "apk/index.h"
#include "apk_pkg_test_helpers.h"

static apk_fixture *fx;

static int setup(void **state)
{
    char spec[1024];
    (void)state;
    fx = apk_fixture_new();
    snprintf(spec, sizeof(spec),
             "{\"name\":\"a\",\"version\":\"1.0-r0\",\"depend\":[\"b>=2\"],"
             "\"files\":[{\"path\":\"a\",\"content\":\"x\"}],"
             "\"sign\":{\"key\":\"%s/trusted.pem\",\"keyname\":\"trusted.rsa.pub\"}}",
             fx->dir);
    apk_build_package(fx, "a-1.0-r0.apk", spec);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    apk_fixture_free(fx);
    return 0;
}

static const char TEXT[] = "C:Q1QjYTHNhvktNZ8CKi/N8NcxY92k0=\n"
                           "P:hello\n"
                           "V:1.0-r0\n"
                           "A:x86_64\n"
                           "S:1152\n"
                           "I:21\n"
                           "T:hello test package\n"
                           "U:https://example.invalid/hello\n"
                           "L:MIT\n"
                           "o:hello-src\n"
                           "m:Someone <s@example.invalid>\n"
                           "t:1700000000\n"
                           "c:abc123\n"
                           "k:100\n"
                           "Z:an upper-case letter of a newer apk\n"
                           "q:and a lower-case one\n"
                           "D:so:libc.musl-x86_64.so.1 !hello-legacy busybox>=1.36  musl=~1.2\n"
                           "p:cmd:hello=1.0-r0 so:libhello.so.1=1\n"
                           "i:hello-base docs\n"
                           "\n"
                           "\n"
                           "C:X1424a5f63fe2d1aa4ca51cb0a1fa69fbcbdd8a8ed\n"
                           "P:second\n"
                           "V:2\n";

static void test_parse_fields(void **state)
{
    copa__apk_index x;
    const copa__apk_index_pkg *p;
    char q1[31];
    (void)state;

    memset(&x, 0, sizeof(x));
    assert_int_equal(copa__apk_index_parse(&x, "t", TEXT, strlen(TEXT)), 0);
    assert_int_equal(x.count, 2);
    p = &x.packages[0];
    copa__apk_checksum_encode(q1, p->checksum);
    assert_string_equal(q1, "Q1QjYTHNhvktNZ8CKi/N8NcxY92k0=");
    assert_string_equal(p->name, "hello");
    assert_string_equal(p->version, "1.0-r0");
    assert_string_equal(p->arch, "x86_64");
    assert_int_equal(p->size, 1152);
    assert_int_equal(p->installed_size, 21);
    assert_string_equal(p->description, "hello test package");
    assert_string_equal(p->url, "https://example.invalid/hello");
    assert_string_equal(p->license, "MIT");
    assert_string_equal(p->origin, "hello-src");
    assert_string_equal(p->maintainer, "Someone <s@example.invalid>");
    assert_int_equal(p->build_time, 1700000000);
    assert_string_equal(p->commit, "abc123");
    assert_int_equal(p->provider_priority, 100);
    assert_int_equal(p->depends.count, 4);
    assert_string_equal(p->depends.items[0].name, "so:libc.musl-x86_64.so.1");
    assert_string_equal(p->depends.items[0].op, "");
    assert_int_equal(p->depends.items[1].conflict, 1);
    assert_string_equal(p->depends.items[1].name, "hello-legacy");
    assert_string_equal(p->depends.items[2].name, "busybox");
    assert_string_equal(p->depends.items[2].op, ">=");
    assert_string_equal(p->depends.items[2].version, "1.36");
    assert_string_equal(p->depends.items[3].op, "=~");
    assert_string_equal(p->depends.items[3].text, "musl=~1.2");
    assert_int_equal(p->provides.count, 2);
    assert_string_equal(p->provides.items[1].version, "1");
    assert_int_equal(p->install_if.count, 2);
    p = &x.packages[1];
    assert_string_equal(p->name, "second");
    assert_null(p->origin);
    assert_int_equal(p->checksum[0], 0x42);
    assert_int_equal(p->checksum[19], 0xed);
    copa__apk_index_free(&x);
}

static void expect_parse_error(const char *text, const char *needle)
{
    copa__apk_index x;

    memset(&x, 0, sizeof(x));
    assert_int_equal(copa__apk_index_parse(&x, "idx", text, strlen(text)), COPA_EINVALID);
    if (strstr(copa_error_last(), needle) == NULL)
        fail_msg("'%s' not in '%s'", needle, copa_error_last());
    copa__apk_index_free(&x);
}

static void test_parse_refusals(void **state)
{
    char *long_line, *many;
    (void)state;
    expect_parse_error("P:a\nV:1\n\n", "has no C:");
    expect_parse_error("C:Q1QjYTHNhvktNZ8CKi/N8NcxY92k0=\nV:1\n", "has no P:");
    expect_parse_error("C:Q1QjYTHNhvktNZ8CKi/N8NcxY92k0=\nP:a\n", "has no V:");
    expect_parse_error("C:Q1notbase64!!!!!!!!!!!!!!!!!!!!\nP:a\nV:1\n", "line 1: C:");
    expect_parse_error("C:d41d8cd98f00b204e9800998ecf8427e\nP:a\nV:1\n", "line 1: C:");
    expect_parse_error("P:a\nthis is no field\n", "line 2: not a 'L:value'");
    expect_parse_error("P:a\nS:12k\n", "line 2: not a decimal");
    expect_parse_error("P:a\nI:99999999999999999999\n", "line 2: not a decimal");
    expect_parse_error("P:a\nD:>=1\n", "malformed dependency '>=1'");
    expect_parse_error("P:a\nD:b>=\n", "malformed dependency 'b>='");
    long_line = malloc(COPA__APK_MAX_LINE + 16);
    assert_non_null(long_line);
    memset(long_line, 'x', COPA__APK_MAX_LINE + 15);
    memcpy(long_line, "T:", 2);
    long_line[COPA__APK_MAX_LINE + 15] = '\0';
    expect_parse_error(long_line, "line too long");
    free(long_line);
    many = malloc(2 + 2 * (COPA__APK_MAX_DEPS + 1) + 1);
    assert_non_null(many);
    memcpy(many, "D:", 2);
    for (size_t i = 0; i <= COPA__APK_MAX_DEPS; i++)
        memcpy(many + 2 + 2 * i, "a ", 2);
    many[2 + 2 * (COPA__APK_MAX_DEPS + 1)] = '\0';
    expect_parse_error(many, "more than 4096 dependencies");
    free(many);
}

static void test_checksum_forms(void **state)
{
    unsigned char bytes[COPA__APK_SHA1_LEN], back[COPA__APK_SHA1_LEN];
    char q1[31];
    (void)state;

    for (unsigned seed = 0; seed < 64; seed++) {
        for (size_t i = 0; i < sizeof(bytes); i++)
            bytes[i] = (unsigned char)(seed * 31 + i * 7);
        copa__apk_checksum_encode(q1, bytes);
        assert_int_equal(strlen(q1), 30);
        assert_int_equal(copa__apk_checksum_decode(back, q1, strlen(q1)), 0);
        assert_memory_equal(bytes, back, sizeof(bytes));
    }
    assert_int_equal(copa__apk_checksum_decode(back, "Q1QjYTHNhvktNZ8CKi/N8NcxY92k0", 29), -1);
    assert_int_equal(copa__apk_checksum_decode(back, "Q2QjYTHNhvktNZ8CKi/N8NcxY92k0=", 30), -1);
    assert_int_equal(copa__apk_checksum_decode(back, "Q1QjYTHNhvktNZ8CKi/N8NcxY92k==", 30), -1);
    assert_int_equal(
        copa__apk_checksum_decode(back, "X1zz4a5f63fe2d1aa4ca51cb0a1fa69fbcbdd8a8ed", 42), -1);
}

/* Build an index of a-1.0-r0.apk into `out` with extra apkbuild options; read it. */
static int read_index(copa__apk_index *x, const char *out, const char *options,
                      const copa__apk_key *keys, size_t key_count, int allow_unsigned)
{
    copa__apk_index_options opts = {keys, key_count, allow_unsigned};
    size_t len;
    char *data;
    int rc;

    assert_int_equal(apk_run(NULL, "cd %s && " APKBUILD " index --out %s %s a-1.0-r0.apk", fx->dir,
                             out, options),
                     0);
    data = apk_read(fx->dir, out, &len);
    rc = copa__apk_index_read(x, out, data, len, &opts);
    free(data);
    return rc;
}

static void test_read_signed(void **state)
{
    static const char *algos[] = {"RSA", "RSA256", "RSA512"};
    (void)state;

    for (size_t i = 0; i < 3; i++) {
        copa__apk_index x;
        char options[256];
        snprintf(options, sizeof(options),
                 "--key trusted.pem --keyname trusted.rsa.pub --algo %s --description 'v3.20'",
                 algos[i]);
        assert_int_equal(read_index(&x, "signed.tar.gz", options, &fx->trusted, 1, 0), 0);
        assert_int_equal(x.signature.status, COPA__APK_SIG_OK);
        assert_string_equal(x.signature.algorithm, algos[i]);
        assert_string_equal(x.signature.key_name, "trusted.rsa.pub");
        assert_string_equal(x.description, "v3.20");
        assert_int_equal(x.count, 1);
        assert_string_equal(x.packages[0].name, "a");
        assert_string_equal(x.packages[0].depends.items[0].text, "b>=2");
        copa__apk_index_free(&x);
    }
}

static void test_read_unknown_key(void **state)
{
    copa__apk_key both[2] = {fx->trusted, fx->other};
    copa__apk_index x;
    (void)state;

    assert_int_equal(read_index(&x, "other.tar.gz", "--key other.pem --keyname other.rsa.pub",
                                &fx->trusted, 1, 0),
                     COPA_EVERIFY);
    assert_int_equal(x.signature.status, COPA__APK_SIG_UNKNOWN_KEY);
    assert_string_equal(x.signature.key_name, "other.rsa.pub");
    assert_non_null(strstr(copa_error_last(), "key file 'other.rsa.pub', which is not among"));
    assert_int_equal(x.count, 0);
    /* Allowed explicitly, or trusted once the key is there. */
    assert_int_equal(read_index(&x, "other.tar.gz", "--key other.pem --keyname other.rsa.pub",
                                &fx->trusted, 1, 1),
                     0);
    assert_int_equal(x.count, 1);
    copa__apk_index_free(&x);
    assert_int_equal(
        read_index(&x, "other.tar.gz", "--key other.pem --keyname other.rsa.pub", both, 2, 0), 0);
    assert_string_equal(x.signature.key_name, "other.rsa.pub");
    copa__apk_index_free(&x);
}

static void test_read_unsigned(void **state)
{
    copa__apk_index x;
    (void)state;

    assert_int_equal(read_index(&x, "unsigned.tar.gz", "", &fx->trusted, 1, 0), COPA_EVERIFY);
    assert_int_equal(x.signature.status, COPA__APK_SIG_UNSIGNED);
    assert_non_null(strstr(copa_error_last(), "not signed"));
    assert_int_equal(read_index(&x, "unsigned.tar.gz", "", &fx->trusted, 1, 1), 0);
    assert_int_equal(x.signature.status, COPA__APK_SIG_UNSIGNED);
    assert_int_equal(x.count, 1);
    copa__apk_index_free(&x);
}

/* Re-sign: keep the signature member of `good`, swap in another index member. */
static void test_read_tampered(void **state)
{
    copa__apk_index_options opts = {&fx->trusted, 1, 1};
    copa__apk_index x;
    size_t len;
    char *data;
    (void)state;

    assert_int_equal(read_index(&x, "good.tar.gz", "--key trusted.pem --keyname trusted.rsa.pub",
                                &fx->trusted, 1, 0),
                     0);
    copa__apk_index_free(&x);
    assert_int_equal(
        apk_run(NULL,
                "cd %s && python3 -c 'import sys; sys.path.insert(0, \"" COPA_TEST_SOURCE_DIR
                "/tests/support/apk\"); import apkbuild as a; m = "
                "a.gzip_members(open(\"good.tar.gz\", \"rb\").read()); "
                "u = a.gzip_members(a.build_index([\"a-1.0-r0.apk\"], \"evil\")); "
                "open(\"bad.tar.gz\", \"wb\").write(m[0] + u[0])'",
                fx->dir),
        0);
    data = apk_read(fx->dir, "bad.tar.gz", &len);
    /* allow_unsigned does not excuse a signature that fails. */
    assert_int_equal(copa__apk_index_read(&x, "bad.tar.gz", data, len, &opts), COPA_EVERIFY);
    assert_int_equal(x.signature.status, COPA__APK_SIG_BAD);
    assert_non_null(strstr(copa_error_last(), "signature by trusted key 'trusted.rsa.pub' does "
                                              "not verify"));
    free(data);
}

static void test_read_bad_trusted_key(void **state)
{
    copa__apk_key broken = {"trusted.rsa.pub", "-----BEGIN PUBLIC KEY-----\nxx\n", 30};
    copa__apk_index x;
    (void)state;

    assert_int_equal(
        read_index(&x, "good.tar.gz", "--key trusted.pem --keyname trusted.rsa.pub", &broken, 1, 0),
        COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "trusted key 'trusted.rsa.pub' is not a PEM"));
}

static void test_read_damaged(void **state)
{
    copa__apk_index_options opts = {&fx->trusted, 1, 1};
    copa__apk_index x;
    size_t len;
    char *data;
    (void)state;

    /* An index tar without APKINDEX, and a signature with nothing after it. */
    assert_int_equal(apk_run(NULL,
                             "cd %s && python3 -c 'import io, tarfile, gzip; b = io.BytesIO(); "
                             "t = tarfile.open(fileobj=b, mode=\"w\"); i = "
                             "tarfile.TarInfo(\"DESCRIPTION\"); i.size = 1; t.addfile(i, "
                             "io.BytesIO(b\"d\")); t.close(); "
                             "open(\"noindex.tar.gz\", \"wb\").write(gzip.compress(b.getvalue()))'",
                             fx->dir),
                     0);
    data = apk_read(fx->dir, "noindex.tar.gz", &len);
    assert_int_equal(copa__apk_index_read(&x, "noindex.tar.gz", data, len, &opts), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "no APKINDEX member"));
    free(data);
    assert_int_equal(read_index(&x, "good.tar.gz", "--key trusted.pem --keyname trusted.rsa.pub",
                                &fx->trusted, 1, 0),
                     0);
    copa__apk_index_free(&x);
    data = apk_read(fx->dir, "good.tar.gz", &len);
    for (size_t cut = 1; cut < len; cut += len / 23 + 1) {
        int rc = copa__apk_index_read(&x, "cut", data, cut, &opts);
        assert_true(rc == COPA_EINVALID || rc == COPA_EVERIFY);
    }
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_fields),     cmocka_unit_test(test_parse_refusals),
        cmocka_unit_test(test_checksum_forms),   cmocka_unit_test(test_read_signed),
        cmocka_unit_test(test_read_unknown_key), cmocka_unit_test(test_read_unsigned),
        cmocka_unit_test(test_read_tampered),    cmocka_unit_test(test_read_bad_trusted_key),
        cmocka_unit_test(test_read_damaged),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
