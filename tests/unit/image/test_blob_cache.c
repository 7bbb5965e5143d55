/*
 * The blob cache: entries verified on lookup (a corrupt one is deleted and
 * reported missing), fills through a temporary file that disappears on
 * failure, the default location, two processes filling the same entries
 * at once, and eviction by age (never in an OCI layout).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image/blob_cache.h"
#include "image/store.h"
#include "util/buffer.h"
#include "util/digest.h"
#include "util/error.h"

static char root[] = "/tmp/copa-cache-test-XXXXXX";

static void digest_of(char out[COPA_DIGEST_STRING_MAX], const void *data, size_t length)
{
    unsigned char raw[COPA_SHA256_LEN];
    copa__sha256_buffer(raw, data, length);
    copa__digest_format(out, raw);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(root) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    copa__remove_tree(root);
    return 0;
}

/* Names in the blob directory, temporary files included. */
static size_t entries(const char *dir, int *temps)
{
    char path[1024];
    struct dirent *e;
    DIR *d;
    size_t n = 0;

    snprintf(path, sizeof(path), "%s/blobs/sha256", dir);
    assert_non_null(d = opendir(path));
    *temps = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        n++;
        *temps += strstr(e->d_name, ".tmp-") != NULL;
    }
    closedir(d);
    return n;
}

static void test_put_lookup_corrupt(void **state)
{
    static const char body[] = "a cached blob\n";
    char digest[COPA_DIGEST_STRING_MAX], dir[512], *path = NULL;
    copa__blob_cache *cache;
    FILE *f;
    int temps;

    (void)state;
    snprintf(dir, sizeof(dir), "%s/one", root);
    digest_of(digest, body, strlen(body));
    assert_int_equal(copa__blob_cache_open(&cache, dir), 0);
    assert_string_equal(copa__blob_cache_dir(cache), dir);
    assert_int_equal(copa__blob_cache_lookup(&path, cache, digest, -1), COPA_ENOTFOUND);
    assert_null(path);

    assert_int_equal(copa__blob_cache_put(cache, digest, body, strlen(body)), 0);
    assert_int_equal(copa__blob_cache_lookup(&path, cache, digest, (double)strlen(body)), 0);
    assert_non_null(strstr(path, digest + 7));
    /* A wrong expected size is a miss, and the entry is gone. */
    free(path);
    assert_int_equal(copa__blob_cache_lookup(&path, cache, digest, 3), COPA_ENOTFOUND);
    assert_int_equal(entries(dir, &temps), 0);

    /* Bytes that do not hash to the name are never served. */
    assert_int_equal(copa__blob_cache_put(cache, digest, body, strlen(body)), 0);
    assert_int_equal(copa__blob_cache_lookup(&path, cache, digest, -1), 0);
    assert_non_null(f = fopen(path, "r+b"));
    fputc('A', f);
    fclose(f);
    free(path);
    assert_int_equal(copa__blob_cache_lookup(&path, cache, digest, -1), COPA_ENOTFOUND);
    assert_null(path);
    assert_int_equal(entries(dir, &temps), 0);

    /* put refuses bytes that do not match the digest. */
    assert_int_equal(copa__blob_cache_put(cache, digest, "other", 5), COPA_EVERIFY);
    assert_int_equal(entries(dir, &temps), 0);
    copa__blob_cache_free(cache);
}

static int failing_fetch(void *payload, int fd)
{
    (void)payload;
    assert_int_equal(write(fd, "partial", 7), 7);
    return copa__error_set(COPA_ENETWORK, "connection reset");
}

static void test_failed_fill_leaves_nothing(void **state)
{
    char dir[512], *path = (char *)"x";
    copa__blob_cache *cache;
    int temps;

    (void)state;
    snprintf(dir, sizeof(dir), "%s/two", root);
    assert_int_equal(copa__blob_cache_open(&cache, dir), 0);
    assert_int_equal(copa__blob_cache_fill(&path, cache,
                                           "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934c"
                                           "a495991b7852b855",
                                           failing_fetch, NULL),
                     COPA_ENETWORK);
    assert_null(path);
    assert_int_equal(entries(dir, &temps), 0);
    copa__blob_cache_free(cache);
}

static void test_default_location(void **state)
{
    char dir[512], expect[600];
    copa__blob_cache *cache;

    (void)state;
    snprintf(dir, sizeof(dir), "%s/xdg", root);
    unsetenv("COPA_CACHE_DIR");
    setenv("XDG_CACHE_HOME", dir, 1);
    assert_int_equal(copa__blob_cache_open(&cache, NULL), 0);
    snprintf(expect, sizeof(expect), "%s/copa", dir);
    assert_string_equal(copa__blob_cache_dir(cache), expect);
    copa__blob_cache_free(cache);

    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", root, 1);
    assert_int_equal(copa__blob_cache_open(&cache, NULL), 0);
    snprintf(expect, sizeof(expect), "%s/.cache/copa", root);
    assert_string_equal(copa__blob_cache_dir(cache), expect);
    copa__blob_cache_free(cache);

    setenv("COPA_CACHE_DIR", dir, 1);
    assert_int_equal(copa__blob_cache_open(&cache, NULL), 0);
    assert_string_equal(copa__blob_cache_dir(cache), dir);
    copa__blob_cache_free(cache);
    unsetenv("COPA_CACHE_DIR");

    /* An unusable default falls back to a private temporary cache. */
    setenv("XDG_CACHE_HOME", "/proc/copa-cannot-exist", 1);
    assert_int_equal(copa__blob_cache_open(&cache, NULL), 0);
    assert_null(strstr(copa__blob_cache_dir(cache), "/proc/"));
    assert_int_equal(access(copa__blob_cache_dir(cache), W_OK), 0);
    snprintf(expect, sizeof(expect), "%s", copa__blob_cache_dir(cache));
    copa__blob_cache_free(cache);
    assert_int_not_equal(access(expect, F_OK), 0);
    unsetenv("XDG_CACHE_HOME");
    /* An explicit directory that cannot be made is an error. */
    assert_int_not_equal(copa__blob_cache_open(&cache, "/proc/copa-cannot-exist"), 0);
}

enum { BLOBS = 16, ROUNDS = 40 };

static void fill_many(const char *dir, char digests[BLOBS][COPA_DIGEST_STRING_MAX],
                      char bodies[BLOBS][4096])
{
    copa__blob_cache *cache;
    int round, i;

    if (copa__blob_cache_open(&cache, dir) != 0)
        _exit(2);
    for (round = 0; round < ROUNDS; round++)
        for (i = 0; i < BLOBS; i++) {
            char *path = NULL;
            if (copa__blob_cache_lookup(&path, cache, digests[i], sizeof(bodies[i])) == 0) {
                free(path);
                if (round % 2 == 0)
                    continue;
            }
            if (copa__blob_cache_put(cache, digests[i], bodies[i], sizeof(bodies[i])) != 0)
                _exit(3);
        }
    copa__blob_cache_free(cache);
}

static void test_two_processes(void **state)
{
    static char bodies[BLOBS][4096], digests[BLOBS][COPA_DIGEST_STRING_MAX];
    char dir[512], *path;
    copa__blob_cache *cache;
    pid_t pids[2];
    int i, status, temps;

    (void)state;
    snprintf(dir, sizeof(dir), "%s/shared", root);
    for (i = 0; i < BLOBS; i++) {
        memset(bodies[i], 'a' + i, sizeof(bodies[i]));
        digest_of(digests[i], bodies[i], sizeof(bodies[i]));
    }
    for (i = 0; i < 2; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            fill_many(dir, digests, bodies);
            _exit(0);
        }
    }
    for (i = 0; i < 2; i++) {
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    assert_int_equal(entries(dir, &temps), BLOBS);
    assert_int_equal(temps, 0);
    assert_int_equal(copa__blob_cache_open(&cache, dir), 0);
    for (i = 0; i < BLOBS; i++) {
        assert_int_equal(copa__blob_cache_lookup(&path, cache, digests[i], sizeof(bodies[i])), 0);
        free(path);
    }
    copa__blob_cache_free(cache);
}

/* Make <dir>/blobs/sha256/<name>, 40 days old. */
static void old_blob(const char *dir, const char *name)
{
    copa__buf cmd = COPA__BUF_INIT;
    assert_int_equal(copa__buf_appendf(&cmd,
                                       "mkdir -p '%s/blobs/sha256' && printf x > "
                                       "'%s/blobs/sha256/%s' && touch -d '40 days ago' "
                                       "'%s/blobs/sha256/%s'",
                                       dir, dir, name, dir, name),
                     0);
    assert_int_equal(system(cmd.data), 0);
    copa__buf_free(&cmd);
}

/* Opening the cache drops month-old blobs, but never an OCI layout's. */
static void test_eviction(void **state)
{
    char cache[1024], layout[1024], path[1200];
    copa__blob_cache *c = NULL;
    FILE *f;
    (void)state;

    snprintf(cache, sizeof(cache), "%s/evict-cache", root);
    snprintf(layout, sizeof(layout), "%s/evict-layout", root);
    old_blob(cache, "stale");
    old_blob(layout, "kept");
    snprintf(path, sizeof(path), "%s/oci-layout", layout);
    assert_non_null(f = fopen(path, "w"));
    fputs("{\"imageLayoutVersion\":\"1.0.0\"}", f);
    fclose(f);

    assert_int_equal(copa__blob_cache_open(&c, cache), 0);
    copa__blob_cache_free(c);
    snprintf(path, sizeof(path), "%s/blobs/sha256/stale", cache);
    assert_int_not_equal(access(path, F_OK), 0);
    assert_int_equal(copa__blob_cache_open(&c, layout), 0);
    copa__blob_cache_free(c);
    snprintf(path, sizeof(path), "%s/blobs/sha256/kept", layout);
    assert_int_equal(access(path, F_OK), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_lookup_corrupt),
        cmocka_unit_test(test_failed_fill_leaves_nothing),
        cmocka_unit_test(test_default_location),
        cmocka_unit_test(test_two_processes),
        cmocka_unit_test(test_eviction),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
