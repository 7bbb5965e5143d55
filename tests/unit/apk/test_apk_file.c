/*
 * .apk v2 packages built by tests/support/apk/apkbuild.py: the chain
 * (identity = index C:, datahash), .PKGINFO, scripts, data entries with
 * their APK-TOOLS.checksum.SHA1, and the paths that are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "apk/apk_file.h"
#include "apk_pkg_test_helpers.h"

static apk_fixture *fx;

static const char FILES[] =
    "\"files\":[{\"path\":\"usr/\",\"dir\":true},{\"path\":\"usr/bin/\",\"dir\":true},"
    "{\"path\":\"usr/bin/hello\",\"content\":\"#!/bin/sh\\necho hello\\n\",\"mode\":\"0755\"},"
    "{\"path\":\"usr/bin/hi\",\"symlink\":\"hello\"},"
    "{\"path\":\"usr/bin/hello-hard\",\"hardlink\":\"usr/bin/hello\"},"
    "{\"path\":\"usr/bin/suid\",\"content\":\"s\",\"mode\":\"4755\",\"uid\":0,\"gid\":12,"
    "\"gname\":\"wheel\"}]";

static int setup(void **state)
{
    char spec[4096];
    (void)state;
    fx = apk_fixture_new();
    snprintf(
        spec, sizeof(spec),
        "{\"name\":\"hello\",\"version\":\"1.0-r0\",\"arch\":\"aarch64\",\"origin\":\"hi\","
        "\"depend\":[\"so:libc.musl-aarch64.so.1\",\"!old\"],\"provides\":[\"cmd:hello\"],"
        "\"install_if\":[\"base\",\"docs\"],\"replaces\":\"hello-legacy\","
        "\"provider_priority\":\"7\",\"triggers\":[\"/usr/share/a/*\",\"/usr/lib/b\"],"
        "\"commit\":\"c0ffee\",\"builddate\":1700000123,"
        "\"scripts\":{\".post-install\":\"#!/bin/sh\\ntrue\\n\",\".trigger\":\"#!/bin/sh\\n\"},"
        "%s,\"sign\":{\"key\":\"%s/trusted.pem\",\"keyname\":\"trusted.rsa.pub\","
        "\"algo\":\"RSA512\"}}",
        FILES, fx->dir);
    apk_build_package(fx, "hello.apk", spec);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    apk_fixture_free(fx);
    return 0;
}

/* The C: apkbuild computes (independently of the library). */
static void identity_of(const char *name, unsigned char out[COPA__APK_SHA1_LEN])
{
    char *q1 = NULL;
    assert_int_equal(apk_run(&q1, APKBUILD " identity %s/%s", fx->dir, name), 0);
    q1[strcspn(q1, "\n")] = '\0';
    assert_int_equal(copa__apk_checksum_decode(out, q1, strlen(q1)), 0);
    free(q1);
}

static int open_pkg(copa__apk_file **f, const char *name, char **data)
{
    unsigned char id[COPA__APK_SHA1_LEN];
    copa__apk_file_options opts = {id, 0};
    size_t len;

    identity_of(name, id);
    *data = apk_read(fx->dir, name, &len);
    return copa__apk_file_open_memory(f, name, *data, len, &opts);
}

static void sha1_hex(char out[41], const void *data, size_t len)
{
    unsigned char md[20];
    static const char hex[] = "0123456789abcdef";
    assert_int_equal(EVP_Digest(data, len, md, NULL, EVP_sha1(), NULL), 1);
    for (size_t i = 0; i < 20; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[40] = '\0';
}

static void entry_sha1(char out[41], const copa__apk_entry *e)
{
    static const char hex[] = "0123456789abcdef";
    assert_true(e->has_sha1);
    for (size_t i = 0; i < 20; i++) {
        out[2 * i] = hex[e->sha1[i] >> 4];
        out[2 * i + 1] = hex[e->sha1[i] & 15];
    }
    out[40] = '\0';
}

static void test_pkginfo_and_scripts(void **state)
{
    const copa__apk_pkginfo *p;
    const copa__apk_member *scripts;
    copa__apk_file *f;
    size_t count;
    char *data;
    (void)state;

    assert_int_equal(open_pkg(&f, "hello.apk", &data), 0);
    p = copa__apk_file_pkginfo(f);
    assert_string_equal(p->name, "hello");
    assert_string_equal(p->version, "1.0-r0");
    assert_string_equal(p->arch, "aarch64");
    assert_string_equal(p->origin, "hi");
    assert_string_equal(p->commit, "c0ffee");
    assert_int_equal(p->build_time, 1700000123);
    assert_int_equal(p->provider_priority, 7);
    assert_int_equal(p->installed_size, 21 + 1);
    assert_int_equal(p->depends.count, 2);
    assert_int_equal(p->depends.items[1].conflict, 1);
    assert_string_equal(p->provides.items[0].name, "cmd:hello");
    assert_int_equal(p->install_if.count, 2);
    assert_string_equal(p->replaces.items[0].name, "hello-legacy");
    assert_int_equal(p->trigger_count, 2);
    assert_string_equal(p->triggers[1], "/usr/lib/b");
    assert_true(p->has_datahash);
    scripts = copa__apk_file_scripts(f, &count);
    assert_int_equal(count, 2);
    assert_string_equal(scripts[0].name, ".post-install");
    assert_string_equal(scripts[0].data, "#!/bin/sh\ntrue\n");
    assert_int_equal(scripts[0].mode, 0755);
    assert_string_equal(scripts[1].name, ".trigger");
    copa__apk_file_free(f);
    free(data);
}

static void test_data_entries(void **state)
{
    static const char content[] = "#!/bin/sh\necho hello\n";
    char want[41], got[41], buf[64];
    copa__apk_file *f;
    copa__apk_entry e;
    size_t n;
    char *data;
    (void)state;

    assert_int_equal(open_pkg(&f, "hello.apk", &data), 0);
    assert_int_equal(copa__apk_file_data_next(f, &e), 1);
    assert_string_equal(e.path, "usr");
    assert_int_equal(e.type, COPA__APK_DIR);
    assert_false(e.has_sha1);
    assert_int_equal(copa__apk_file_data_next(f, &e), 1);
    assert_string_equal(e.path, "usr/bin");
    assert_int_equal(copa__apk_file_data_next(f, &e), 1);
    assert_string_equal(e.path, "usr/bin/hello");
    assert_int_equal(e.type, COPA__APK_FILE);
    assert_int_equal(e.mode, 0755);
    assert_int_equal(e.size, strlen(content));
    sha1_hex(want, content, strlen(content));
    entry_sha1(got, &e);
    assert_string_equal(got, want);
    assert_int_equal(copa__apk_file_data_read(f, buf, sizeof(buf), &n), 0);
    assert_int_equal(n, strlen(content));
    assert_memory_equal(buf, content, n);
    /* A symlink's checksum is the SHA-1 of its target, as apk-tools records it. */
    assert_int_equal(copa__apk_file_data_next(f, &e), 1);
    assert_string_equal(e.path, "usr/bin/hi");
    assert_int_equal(e.type, COPA__APK_SYMLINK);
    assert_string_equal(e.link, "hello");
    sha1_hex(want, "hello", 5);
    entry_sha1(got, &e);
    assert_string_equal(got, want);
    assert_int_equal(copa__apk_file_data_next(f, &e), 1);
    assert_string_equal(e.path, "usr/bin/hello-hard");
    assert_int_equal(e.type, COPA__APK_HARDLINK);
    assert_string_equal(e.link, "usr/bin/hello");
    assert_int_equal(copa__apk_file_data_next(f, &e), 1);
    assert_string_equal(e.path, "usr/bin/suid");
    assert_int_equal(e.mode, 04755);
    assert_int_equal(e.gid, 12);
    assert_string_equal(e.gname, "wheel");
    sha1_hex(want, "s", 1);
    entry_sha1(got, &e);
    assert_string_equal(got, want);
    assert_int_equal(copa__apk_file_data_next(f, &e), 0);
    assert_int_equal(copa__apk_file_data_next(f, &e), 0);
    copa__apk_file_free(f);
    free(data);
}

static void test_identity_mismatch(void **state)
{
    unsigned char id[COPA__APK_SHA1_LEN];
    copa__apk_file_options opts = {id, 0};
    copa__apk_file *f = NULL;
    size_t len;
    char *data;
    (void)state;

    identity_of("hello.apk", id);
    id[7] ^= 1;
    data = apk_read(fx->dir, "hello.apk", &len);
    assert_int_equal(copa__apk_file_open_memory(&f, "hello-1.0-r0.apk", data, len, &opts),
                     COPA_EVERIFY);
    assert_null(f);
    assert_non_null(strstr(copa_error_last(), "hello-1.0-r0.apk: control checksum Q1"));
    assert_non_null(strstr(copa_error_last(), "is not the index's C:Q1"));
    /* Without an index (a local file) only on request. */
    opts.identity = NULL;
    assert_int_equal(copa__apk_file_open_memory(&f, "hello.apk", data, len, &opts), COPA_EINVALID);
    opts.no_identity = 1;
    assert_int_equal(copa__apk_file_open_memory(&f, "hello.apk", data, len, &opts), 0);
    copa__apk_file_free(f);
    free(data);
}

static void test_datahash(void **state)
{
    char spec[2048];
    copa__apk_file *f = NULL;
    char *data;
    (void)state;

    snprintf(spec, sizeof(spec), "{\"name\":\"liar\",\"version\":\"1\",\"datahash\":\"%064d\",%s}",
             7, FILES);
    apk_build_package(fx, "liar.apk", spec);
    assert_int_equal(open_pkg(&f, "liar.apk", &data), COPA_EVERIFY);
    assert_non_null(strstr(copa_error_last(), "liar.apk: data SHA-256 "));
    assert_non_null(strstr(copa_error_last(), "is not the .PKGINFO datahash 0000"));
    free(data);
    snprintf(spec, sizeof(spec), "{\"name\":\"old\",\"version\":\"1\",\"datahash\":null,%s}",
             FILES);
    apk_build_package(fx, "old.apk", spec);
    assert_int_equal(open_pkg(&f, "old.apk", &data), COPA_EVERIFY);
    assert_non_null(strstr(copa_error_last(), "old.apk: .PKGINFO has no datahash"));
    free(data);
}

static void test_signature(void **state)
{
    copa__apk_sig_result res;
    copa__apk_file *f;
    char *data, spec[2048];
    (void)state;

    assert_int_equal(open_pkg(&f, "hello.apk", &data), 0);
    assert_int_equal(copa__apk_file_verify_signature(f, &fx->trusted, 1, &res), 0);
    assert_string_equal(res.algorithm, "RSA512");
    assert_int_equal(copa__apk_file_verify_signature(f, &fx->other, 1, &res), COPA_EVERIFY);
    assert_int_equal(res.status, COPA__APK_SIG_UNKNOWN_KEY);
    assert_non_null(strstr(copa_error_last(), "'trusted.rsa.pub', which is not among"));
    copa__apk_file_free(f);
    free(data);
    snprintf(spec, sizeof(spec), "{\"name\":\"plain\",\"version\":\"1\",%s}", FILES);
    apk_build_package(fx, "plain.apk", spec);
    assert_int_equal(open_pkg(&f, "plain.apk", &data), 0);
    assert_int_equal(copa__apk_file_verify_signature(f, &fx->trusted, 1, &res), COPA_EVERIFY);
    assert_int_equal(res.status, COPA__APK_SIG_UNSIGNED);
    copa__apk_file_free(f);
    free(data);
}

/* Iterate `name` until the end or a refusal; the refusal's message must hold `needle`. */
static void expect_data_refused(const char *name, const char *files, const char *needle)
{
    char spec[2048];
    copa__apk_file *f;
    copa__apk_entry e;
    char *data;
    int rc;

    snprintf(spec, sizeof(spec), "{\"name\":\"evil\",\"version\":\"1\",\"files\":[%s]}", files);
    apk_build_package(fx, name, spec);
    assert_int_equal(open_pkg(&f, name, &data), 0);
    while ((rc = copa__apk_file_data_next(f, &e)) == 1)
        ;
    assert_int_equal(rc, COPA_EINVALID);
    if (strstr(copa_error_last(), needle) == NULL)
        fail_msg("'%s' not in '%s'", needle, copa_error_last());
    copa__apk_file_free(f);
    free(data);
}

static void test_paths_refused(void **state)
{
    (void)state;
    expect_data_refused(
        "dotdot.apk", "{\"path\":\"usr/../../etc/passwd\",\"content\":\"x\"}",
        "dotdot.apk: data tar path 'usr/../../etc/passwd' is absolute or contains '..'");
    expect_data_refused("abs.apk", "{\"path\":\"/etc/shadow\",\"content\":\"x\"}",
                        "'/etc/shadow' is absolute");
    expect_data_refused("under.apk",
                        "{\"path\":\"usr/lib\",\"symlink\":\"/etc\"},"
                        "{\"path\":\"usr/lib/cron.d/evil\",\"content\":\"x\"}",
                        "'usr/lib/cron.d/evil' lies under the package's symlink 'usr/lib'");
    expect_data_refused("hard.apk", "{\"path\":\"x\",\"hardlink\":\"../../etc/shadow\"}",
                        "hardlink target '../../etc/shadow'");
    expect_data_refused("hardunder.apk",
                        "{\"path\":\"d\",\"symlink\":\"/etc\"},"
                        "{\"path\":\"x\",\"hardlink\":\"d/shadow\"}",
                        "under the package's symlink 'd'");
}

static void test_open_file(void **state)
{
    unsigned char id[COPA__APK_SHA1_LEN];
    copa__apk_file_options opts = {id, 0};
    copa__apk_file *f;
    char path[256];
    (void)state;

    identity_of("hello.apk", id);
    snprintf(path, sizeof(path), "%s/hello.apk", fx->dir);
    assert_int_equal(copa__apk_file_open(&f, path, &opts), 0);
    assert_string_equal(copa__apk_file_pkginfo(f)->name, "hello");
    copa__apk_file_free(f);
    snprintf(path, sizeof(path), "%s/missing.apk", fx->dir);
    assert_int_equal(copa__apk_file_open(&f, path, &opts), COPA_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pkginfo_and_scripts), cmocka_unit_test(test_data_entries),
        cmocka_unit_test(test_identity_mismatch),   cmocka_unit_test(test_datahash),
        cmocka_unit_test(test_signature),           cmocka_unit_test(test_paths_refused),
        cmocka_unit_test(test_open_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
