/*
 * ld.so.cache reading and writing against glibc's own ldconfig: this
 * host's /etc/ld.so.cache, parsed and written back, lists exactly what
 * `ldconfig -p -C` lists for the original (same entries, same order, same
 * generator line), in both byte orders; ldconfig's entry order is what the
 * sorted insert reproduces; damaged files are refused with a message.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debpatch/ldso_cache.h"
#include "test_support.h"

#define HOST_CACHE "/etc/ld.so.cache"

/* `ldconfig -p -C path` without its first line (which names the file). */
static char *listing(const char *path)
{
    char cmd[512], *out = NULL;
    size_t len = 0, cap = 0;
    FILE *p;
    int ch, line = 0;
    snprintf(cmd, sizeof(cmd), "ldconfig -p -C '%s' 2>&1", path);
    assert_non_null(p = popen(cmd, "r"));
    while ((ch = fgetc(p)) != EOF) {
        if (line > 0) {
            if (len + 2 > cap)
                assert_non_null(out = realloc(out, cap = cap * 2 + 4096));
            out[len++] = (char)ch;
        }
        line += ch == '\n';
    }
    assert_int_equal(pclose(p), 0);
    if (out == NULL)
        assert_non_null(out = calloc(1, 1));
    out[len] = '\0';
    return out;
}

static char *host_cache(size_t *len)
{
    char *data = test_read_file(HOST_CACHE, len);
    if (data == NULL || system("ldconfig -p >/dev/null 2>&1") != 0) {
        free(data);
        return NULL;
    }
    return data;
}

static void write_file(const char *path, const copa__buf *b)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b->data, 1, b->length, f), b->length);
    assert_int_equal(fclose(f), 0);
}

static void round_trip(int big_endian)
{
    char path[] = "/tmp/copa-ldso-XXXXXX", *data, *want, *got;
    copa__ldso_cache c;
    copa__buf out = COPA__BUF_INIT;
    size_t len;
    int fd;

    if ((data = host_cache(&len)) == NULL)
        skip();
    assert_int_equal(copa__ldso_cache_parse(&c, data, len), 0);
    assert_true(c.count > 0);
    c.big_endian = big_endian;
    assert_int_equal(copa__ldso_cache_write(&out, &c), 0);
    assert_true((fd = mkstemp(path)) >= 0);
    close(fd);
    write_file(path, &out);
    if (!big_endian) {
        want = listing(HOST_CACHE);
        got = listing(path);
        assert_string_equal(got, want);
        free(want);
        free(got);
    } else {
        /* ldconfig reads only its own byte order: parse it back instead. */
        copa__ldso_cache back;
        copa__buf again = COPA__BUF_INIT;
        assert_int_equal(copa__ldso_cache_parse(&back, out.data, out.length), 0);
        assert_int_equal(back.big_endian, 1);
        back.big_endian = 0;
        c.big_endian = 0;
        assert_int_equal(copa__ldso_cache_write(&again, &back), 0);
        copa__buf_clear(&out);
        assert_int_equal(copa__ldso_cache_write(&out, &c), 0);
        assert_int_equal(again.length, out.length);
        assert_memory_equal(again.data, out.data, out.length);
        copa__ldso_cache_free(&back);
        copa__buf_free(&again);
    }
    unlink(path);
    copa__ldso_cache_free(&c);
    copa__buf_free(&out);
    free(data);
}

static void host_cache_round_trip(void **state)
{
    (void)state;
    round_trip(0);
}

static void big_endian_round_trip(void **state)
{
    (void)state;
    round_trip(1);
}

/* Inserting ldconfig's entries one by one, in its order or reversed, gives its order. */
static void sorted_insert_matches_ldconfig(void **state)
{
    copa__ldso_cache c, fwd, rev;
    size_t len, i;
    char *data;
    (void)state;

    if ((data = host_cache(&len)) == NULL)
        skip();
    assert_int_equal(copa__ldso_cache_parse(&c, data, len), 0);
    memset(&fwd, 0, sizeof(fwd));
    memset(&rev, 0, sizeof(rev));
    for (i = 0; i < c.count; i++) {
        if (c.entries[i].hwcap != 0)
            continue;
        assert_int_equal(
            copa__ldso_cache_put(&fwd, c.entries[i].key, c.entries[i].value, c.entries[i].flags),
            1);
        assert_int_equal(copa__ldso_cache_put(&rev, c.entries[c.count - 1 - i].key,
                                              c.entries[c.count - 1 - i].value,
                                              c.entries[c.count - 1 - i].flags),
                         1);
    }
    assert_int_equal(fwd.count, c.count);
    assert_int_equal(rev.count, c.count);
    for (i = 0; i < c.count; i++) {
        assert_string_equal(fwd.entries[i].value, c.entries[i].value);
        /* Ties (same soname and flags) keep insertion order, as in ldconfig. */
        assert_string_equal(rev.entries[i].key, c.entries[i].key);
        assert_int_equal(rev.entries[i].flags, c.entries[i].flags);
    }
    /* An entry already there is not added twice; dropping one by path. */
    assert_int_equal(
        copa__ldso_cache_put(&fwd, c.entries[0].key, c.entries[0].value, c.entries[0].flags), 0);
    assert_int_equal(fwd.count, c.count);
    /* The effect passes an entry's own string (freed while removing). */
    assert_int_equal(copa__ldso_cache_remove(&fwd, fwd.entries[0].value), 1);
    assert_int_equal(fwd.count, c.count - 1);
    copa__ldso_cache_free(&c);
    copa__ldso_cache_free(&fwd);
    copa__ldso_cache_free(&rev);
    free(data);
}

static void libcmp_orders_numbers(void **state)
{
    (void)state;
    assert_true(copa__ldso_libcmp("libfoo.so.10", "libfoo.so.9") > 0);
    assert_true(copa__ldso_libcmp("libfoo.so.1", "libfoo.so") > 0);
    assert_true(copa__ldso_libcmp("libfoo.so", "libfoo.so.1") < 0);
    assert_true(copa__ldso_libcmp("libfoo1.so", "libfooa.so") > 0);
    assert_int_equal(copa__ldso_libcmp("libx.so.01", "libx.so.1"), 0);
    assert_true(copa__ldso_libcmp("liba.so", "libb.so") < 0);
}

static void expect_refused(const void *data, size_t len)
{
    copa__ldso_cache c;
    assert_int_equal(copa__ldso_cache_parse(&c, data, len), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "ld.so.cache: "));
    copa_error_clear();
}

static void damaged_files_are_refused(void **state)
{
    unsigned char *d;
    size_t len;
    char *data;
    (void)state;

    expect_refused("ld.so-1.7.0", 11);
    if ((data = host_cache(&len)) == NULL)
        skip();
    d = (unsigned char *)data;
    expect_refused(d, 47);          /* truncated header */
    expect_refused(d, 48 + 24 * 3); /* entries beyond the end */
    d[28] = 0;                      /* byte order unset */
    expect_refused(d, len);
    d[28] = 2;
    memset(d + 48 + 4, 0xff, 4); /* key offset outside */
    expect_refused(d, len);
    memcpy(d + 48 + 4, data + 48 + 8, 4);
    d[len - 1] = 'x'; /* still fine: generator is counted bytes */
    d[32] ^= 1;       /* extension directory misaligned */
    expect_refused(d, len);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(host_cache_round_trip),          cmocka_unit_test(big_endian_round_trip),
        cmocka_unit_test(sorted_insert_matches_ldconfig), cmocka_unit_test(libcmp_orders_numbers),
        cmocka_unit_test(damaged_files_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
