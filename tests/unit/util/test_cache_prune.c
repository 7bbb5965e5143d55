/*
 * Cache eviction by age: files unused (mtime) for longer than the limit go,
 * touched ones stay, directories, symlinks and a missing directory are left
 * alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/cache_prune.h"

#define DAY ((int64_t)24 * 3600)

static void make_file(const char *dir, const char *name, int64_t age)
{
    char path[512];
    struct timespec times[2];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("x", f);
    fclose(f);
    times[0].tv_sec = times[1].tv_sec = (time_t)(time(NULL) - age);
    times[0].tv_nsec = times[1].tv_nsec = 0;
    assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

static int exists(const char *dir, const char *name)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return lstat(path, &st) == 0;
}

static void prunes_only_old_regular_files(void **state)
{
    char dir[] = "/tmp/copa-prune-XXXXXX", path[512], link_path[512];
    (void)state;

    assert_non_null(mkdtemp(dir));
    make_file(dir, "old", 40 * DAY);
    make_file(dir, "recent", 2 * DAY);
    make_file(dir, "used", 40 * DAY);
    make_file(dir, ".old.tmp-abc", 40 * DAY); /* a crashed run's temp file */
    snprintf(path, sizeof(path), "%s/subdir", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(link_path, sizeof(link_path), "%s/link", dir);
    assert_int_equal(symlink("old", link_path), 0);

    snprintf(path, sizeof(path), "%s/used", dir);
    copa__cache_touch(path);
    assert_int_equal(copa__cache_prune(dir, (int64_t)time(NULL), 30 * DAY), 2);
    assert_false(exists(dir, "old"));
    assert_false(exists(dir, ".old.tmp-abc"));
    assert_true(exists(dir, "recent"));
    assert_true(exists(dir, "used"));
    assert_true(exists(dir, "subdir"));
    assert_true(exists(dir, "link"));
    /* nothing left to remove; a missing directory removes nothing */
    assert_int_equal(copa__cache_prune(dir, (int64_t)time(NULL), 30 * DAY), 0);
    snprintf(path, sizeof(path), "%s/missing", dir);
    assert_int_equal(copa__cache_prune(path, (int64_t)time(NULL), 30 * DAY), 0);
    copa__cache_touch(path); /* best effort, no crash */

    snprintf(path, sizeof(path), "rm -rf '%s'", dir);
    assert_int_equal(system(path), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prunes_only_old_regular_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
