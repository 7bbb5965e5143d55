/*
 * Helpers for the lib/apk package and index tests: a temporary directory
 * with throwaway RSA keys, and packages and indexes built there by
 * tests/support/apk/apkbuild.py (the builder apk-tools accepts, see
 * tests/integration/apk).
 */
#ifndef COPA_TEST_APK_PKG_HELPERS_H
#define COPA_TEST_APK_PKG_HELPERS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apk/signature.h"
#include "test_support.h"
#include "util/buffer.h"

typedef struct apk_fixture {
    char dir[64];
    char *trusted_pem, *other_pem;
    size_t trusted_len, other_len;
    copa__apk_key trusted, other;
} apk_fixture;

/* Run a shell command; returns its exit status, its stdout in *out (when not NULL). */
static inline int apk_run(char **out, const char *fmt, ...)
{
    copa__buf cmd = COPA__BUF_INIT, got = COPA__BUF_INIT;
    char chunk[4096];
    size_t n;
    va_list ap;
    FILE *p;
    int status;

    va_start(ap, fmt);
    assert_int_equal(copa__buf_vappendf(&cmd, fmt, ap), 0);
    va_end(ap);
    p = popen(cmd.data, "r");
    assert_non_null(p);
    while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
        assert_int_equal(copa__buf_append(&got, chunk, n), 0);
    status = pclose(p);
    copa__buf_free(&cmd);
    assert_int_equal(copa__buf_append(&got, "", 0), 0);
    if (out != NULL)
        *out = copa__buf_detach(&got);
    else
        copa__buf_free(&got);
    return status;
}

#define APKBUILD "python3 '" COPA_TEST_SOURCE_DIR "/tests/support/apk/apkbuild.py'"

static inline void apk_write(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static inline char *apk_read(const char *dir, const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return test_read_file(path, len);
}

/* A fixture directory with keys trusted.rsa.pub (+ trusted.pem) and other.rsa.pub. */
static inline apk_fixture *apk_fixture_new(void)
{
    apk_fixture *fx = calloc(1, sizeof(*fx));
    assert_non_null(fx);
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/copa-apk-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    assert_int_equal(
        apk_run(NULL, APKBUILD " genkey %s/trusted.pem %s/trusted.rsa.pub", fx->dir, fx->dir), 0);
    assert_int_equal(
        apk_run(NULL, APKBUILD " genkey %s/other.pem %s/other.rsa.pub", fx->dir, fx->dir), 0);
    fx->trusted_pem = apk_read(fx->dir, "trusted.rsa.pub", &fx->trusted_len);
    fx->other_pem = apk_read(fx->dir, "other.rsa.pub", &fx->other_len);
    fx->trusted = (copa__apk_key){"trusted.rsa.pub", fx->trusted_pem, fx->trusted_len};
    fx->other = (copa__apk_key){"other.rsa.pub", fx->other_pem, fx->other_len};
    return fx;
}

static inline void apk_fixture_free(apk_fixture *fx)
{
    assert_int_equal(apk_run(NULL, "rm -rf '%s'", fx->dir), 0);
    free(fx->trusted_pem);
    free(fx->other_pem);
    free(fx);
}

/* Build DIR/OUT from the JSON `spec`; `%DIR%` in the spec is not expanded: use absolute keys. */
static inline void apk_build_package(const apk_fixture *fx, const char *out, const char *spec)
{
    char name[256];
    snprintf(name, sizeof(name), "%s.json", out);
    apk_write(fx->dir, name, spec);
    assert_int_equal(apk_run(NULL, APKBUILD " package %s/%s %s/%s", fx->dir, name, fx->dir, out),
                     0);
}

#endif
