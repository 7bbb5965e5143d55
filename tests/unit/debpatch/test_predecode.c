/*
 * The package predecoder: packages built with dpkg-deb are decoded on
 * 1, 2 and 3 threads; every decoded data.tar must be byte for byte what
 * `dpkg-deb --fsys-tarfile` prints. A damaged package in the middle fails
 * exactly that package with a message naming it, and freeing the handle
 * early (an error elsewhere) stops the workers cleanly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debpatch/predecode.h"
#include "test_support.h"

#include "../pkg/pkg_test_helpers.h"

enum { NPKGS = 6 };

typedef struct fixture {
    char *dir;
    char paths[NPKGS][512];
    const char *list[NPKGS];
} fixture;

/* NPKGS packages with different sizes and compressions; package 3 broken when `broken`. */
static void make_packages(fixture *f, int broken)
{
    static const char *const z[] = {"xz", "gzip", "zstd", "xz", "none", "xz"};
    int i;

    if (!have_tool("dpkg-deb"))
        skip();
    f->dir = make_temp_dir();
    for (i = 0; i < NPKGS; i++) {
        assert_int_equal(
            run_capture(NULL,
                        "set -e; cd '%s'; rm -rf t; mkdir -p t/DEBIAN t/usr/share/p%d; "
                        "printf 'Package: p%d\\nVersion: 1\\nArchitecture: all\\n"
                        "Maintainer: T <t@example.org>\\nDescription: t\\n' > t/DEBIAN/control; "
                        "head -c %d /dev/urandom > t/usr/share/p%d/random; "
                        "seq 1 %d > t/usr/share/p%d/text; "
                        "dpkg-deb --root-owner-group -Z%s --build t p%d.deb >/dev/null",
                        f->dir, i, i, 1000 * (i + 1) * (i + 1), i, 20000 * (i + 1), i, z[i], i),
            0);
        snprintf(f->paths[i], sizeof(f->paths[i]), "%s/p%d.deb", f->dir, i);
        f->list[i] = f->paths[i];
    }
    if (broken) /* cut package 3 in the middle of its data.tar */
        assert_int_equal(run_capture(NULL, "truncate -s -2000 '%s'", f->paths[3]), 0);
}

/* The decoded data.tar in `fd` is what dpkg-deb extracts from `path`. */
static void check_matches_dpkg(const char *path, int fd)
{
    char name[] = "/tmp/copa-predecode.XXXXXX";
    char chunk[65536];
    int copy = mkstemp(name);
    ssize_t n;

    assert_true(copy >= 0);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        assert_int_equal(write(copy, chunk, (size_t)n), n);
    close(copy);
    assert_int_equal(run_capture(NULL, "dpkg-deb --fsys-tarfile '%s' | cmp -s - '%s'", path, name),
                     0);
    unlink(name);
}

static void decodes_like_dpkg(void **state)
{
    fixture f;
    int threads;
    (void)state;

    make_packages(&f, 0);
    for (threads = 1; threads <= 3; threads++) {
        copa__dp_predecode *p = NULL;
        size_t i;
        assert_int_equal(copa__dp_predecode_start(&p, f.list, NPKGS, threads), 0);
        for (i = 0; i < NPKGS; i++) {
            int fd;
            assert_int_equal(copa__dp_predecode_wait(p, i, &fd), 0);
            check_matches_dpkg(f.list[i], fd);
            copa__dp_predecode_done(p, i);
        }
        copa__dp_predecode_free(p);
    }
    rm_rf(f.dir);
}

static void damaged_package_fails_alone(void **state)
{
    fixture f;
    copa__dp_predecode *p = NULL;
    size_t i;
    (void)state;

    make_packages(&f, 1);
    assert_int_equal(copa__dp_predecode_start(&p, f.list, NPKGS, 2), 0);
    for (i = 0; i < NPKGS; i++) {
        int fd = 0;
        int rc = copa__dp_predecode_wait(p, i, &fd);
        if (i == 3) {
            assert_int_equal(rc, COPA_EINVALID);
            assert_int_equal(fd, -1);
            assert_non_null(strstr(copa_error_last(), f.paths[3]));
        } else {
            assert_int_equal(rc, 0);
        }
        copa__dp_predecode_done(p, i);
    }
    copa__dp_predecode_free(p);
    rm_rf(f.dir);
}

static void early_free_stops_workers(void **state)
{
    fixture f;
    copa__dp_predecode *p = NULL;
    int fd;
    (void)state;

    make_packages(&f, 0);
    assert_int_equal(copa__dp_predecode_start(&p, f.list, NPKGS, 3), 0);
    assert_int_equal(copa__dp_predecode_wait(p, 0, &fd), 0);
    copa__dp_predecode_free(p); /* packages 1.. never consumed */
    assert_int_equal(copa__dp_predecode_start(&p, f.list, NPKGS, 2), 0);
    copa__dp_predecode_free(p); /* nothing consumed at all */
    assert_int_equal(copa__dp_predecode_start(&p, f.list, 0, 2), 0);
    copa__dp_predecode_free(p); /* an empty plan */
    rm_rf(f.dir);
}

/* No temporary space: every package comes back "read it yourself", none fails. */
static void no_temp_space_falls_back(void **state)
{
    fixture f;
    copa__dp_predecode *p = NULL;
    const char *saved = getenv("TMPDIR");
    char *keep = saved != NULL ? strdup(saved) : NULL;
    size_t i;
    (void)state;

    make_packages(&f, 0);
    setenv("TMPDIR", "/nonexistent/copa-predecode", 1);
    assert_int_equal(copa__dp_predecode_start(&p, f.list, NPKGS, 2), 0);
    for (i = 0; i < NPKGS; i++) {
        int fd = 0;
        assert_int_equal(copa__dp_predecode_wait(p, i, &fd), 0);
        assert_int_equal(fd, -1);
        copa__dp_predecode_done(p, i);
    }
    copa__dp_predecode_free(p);
    if (keep != NULL)
        setenv("TMPDIR", keep, 1);
    else
        unsetenv("TMPDIR");
    free(keep);
    rm_rf(f.dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decodes_like_dpkg),
        cmocka_unit_test(damaged_package_fails_alone),
        cmocka_unit_test(early_free_stops_workers),
        cmocka_unit_test(no_temp_space_falls_back),
    };
    copa_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
