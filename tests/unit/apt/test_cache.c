/* Cache paths, the cached-document format, and which index URLs are chosen. */
#include "apt/apt.h"
#include "util/file.h"
#include "copa/errors.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/cache_dir.h"

static const char H[] = "27386fb652b42e0a9540e5cff42164bc7a2af7486d86e51b80df0b1e0d525941";

static void test_default_dir(void **state)
{
    char *d;
    (void)state;
    setenv("XDG_CACHE_HOME", "/x/cache", 1);
    assert_int_equal(copa__cache_default_dir(&d), 0);
    assert_string_equal(d, "/x/cache/copa");
    free(d);
    setenv("XDG_CACHE_HOME", "relative", 1); /* ignored, as the XDG spec says */
    setenv("HOME", "/home/u", 1);
    assert_int_equal(copa__cache_default_dir(&d), 0);
    assert_string_equal(d, "/home/u/.cache/copa");
    free(d);
    setenv("COPA_CACHE_DIR", "/own/cache", 1); /* first, as for the blob cache */
    assert_int_equal(copa__cache_default_dir(&d), 0);
    assert_string_equal(d, "/own/cache");
    free(d);
    unsetenv("COPA_CACHE_DIR");
    unsetenv("XDG_CACHE_HOME");
    unsetenv("HOME");
    assert_int_equal(copa__cache_default_dir(&d), COPA_ENOTFOUND);
}

static void test_paths(void **state)
{
    char *a, *b;
    (void)state;
    assert_int_equal(copa__apt_cache_index_path(&a, "/c", H), 0);
    assert_string_equal(
        a,
        "/c/apt/by-hash/sha256/27386fb652b42e0a9540e5cff42164bc7a2af7486d86e51b80df0b1e0d525941");
    free(a);
    assert_int_equal(copa__apt_cache_index_path(&a, "/c", "../../etc/passwd"), COPA_EINVALID);
    assert_int_equal(copa__apt_cache_release_path(&a, "/c", "http://h/debian/dists/x/InRelease"),
                     0);
    assert_int_equal(copa__apt_cache_release_path(&b, "/c", "http://h/debian/dists/y/InRelease"),
                     0);
    assert_int_equal(strncmp(a, "/c/apt/lists/", 13), 0);
    assert_int_equal(strlen(a), 13 + 64);
    assert_string_not_equal(a, b);
    free(a);
    free(b);
}

static void test_doc_roundtrip(void **state)
{
    char dir[] = "/tmp/copa-cache-XXXXXX", path[256];
    copa__apt_cached c;
    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/sub/doc", dir);
    assert_int_equal(copa__file_mkdirs_parent(path), 0);
    assert_int_equal(copa__apt_cache_write_doc(path, "\"abc\"", "Sat, 01 Jan 2000 00:00:00 GMT",
                                               "body\n\nmore", 10),
                     0);
    assert_int_equal(copa__apt_cache_read_doc(&c, path), 0);
    assert_string_equal(c.etag, "\"abc\"");
    assert_string_equal(c.last_modified, "Sat, 01 Jan 2000 00:00:00 GMT");
    assert_int_equal(c.len, 10);
    assert_memory_equal(c.body, "body\n\nmore", 10);
    copa__apt_cached_free(&c);
    /* A header value with a line break is dropped, never injected. */
    assert_int_equal(copa__apt_cache_write_doc(path, "x\nlast-modified: evil", NULL, "b", 1), 0);
    assert_int_equal(copa__apt_cache_read_doc(&c, path), 0);
    assert_null(c.etag);
    assert_null(c.last_modified);
    copa__apt_cached_free(&c);
    remove(path);
    snprintf(path, sizeof(path), "%s/sub", dir);
    remove(path);
    remove(dir);
}

static const char RELEASE[] =
    "Origin: t\nSuite: stable\nArchitectures: amd64 i386 all\nComponents: main contrib\n"
    "Acquire-By-Hash: yes\nSHA256:\n"
    " 27386fb652b42e0a9540e5cff42164bc7a2af7486d86e51b80df0b1e0d525941 10 "
    "main/binary-amd64/Packages\n"
    " 17386fb652b42e0a9540e5cff42164bc7a2af7486d86e51b80df0b1e0d525941 5 "
    "main/binary-amd64/Packages.xz\n"
    " 07386fb652b42e0a9540e5cff42164bc7a2af7486d86e51b80df0b1e0d525941 6 "
    "main/binary-all/Packages.gz\n"
    " 37386fb652b42e0a9540e5cff42164bc7a2af7486d86e51b80df0b1e0d525941 7 "
    "contrib/binary-amd64/Packages.gz\n"
    " 47386fb652b42e0a9540e5cff42164bc7a2af7486d86e51b80df0b1e0d525941 7 "
    "contrib/binary-all/Packages\n";

static void test_plan(void **state)
{
    const char *comps[] = {"main", "contrib"}, *i386[] = {"i386"};
    copa__apt_repo repo;
    copa__apt_index *items = NULL;
    size_t n = 0;
    (void)state;
    memset(&repo, 0, sizeof(repo));
    repo.src.uri = "http://m/debian";
    repo.src.suite = "stable";
    repo.src.components = comps;
    repo.src.component_count = 2;
    assert_int_equal(copa__apt_release_parse(&repo.release, "t", RELEASE, strlen(RELEASE)), 0);
    assert_int_equal(copa__apt_plan_indexes(&items, &n, &repo, "amd64", "/c"), 0);
    assert_int_equal(n, 4); /* per component: amd64 (best variant) + the listed "all" */
    assert_string_equal(items[0].url,
                        "http://m/debian/dists/stable/main/binary-amd64/by-hash/SHA256/"
                        "17386fb652b42e0a9540e5cff42164bc7a2af7486d86e51b80df0b1e0d525941");
    assert_string_equal(items[0].file->path, "main/binary-amd64/Packages.xz");
    assert_string_equal(items[1].file->path, "main/binary-all/Packages.gz");
    assert_string_equal(items[2].file->path, "contrib/binary-amd64/Packages.gz");
    assert_string_equal(
        items[3].cache,
        "/c/apt/by-hash/sha256/47386fb652b42e0a9540e5cff42164bc7a2af7486d86e51b80df0b1e0d525941");
    copa__apt_indexes_free(items, n);
    items = NULL;
    n = 0;
    /* Without by-hash: the canonical path; No-Support-for-Architecture-all: no binary-all. */
    repo.release.acquire_by_hash = 0;
    repo.release.no_support_arch_all = 1;
    assert_int_equal(copa__apt_plan_indexes(&items, &n, &repo, "amd64", "/c"), 0);
    assert_int_equal(n, 2);
    assert_string_equal(items[0].url, "http://m/debian/dists/stable/main/binary-amd64/Packages.xz");
    copa__apt_indexes_free(items, n);
    items = NULL;
    n = 0;
    /* arch=i386 excludes an amd64 image: nothing to fetch. */
    repo.src.archs = i386;
    repo.src.arch_count = 1;
    assert_int_equal(copa__apt_plan_indexes(&items, &n, &repo, "amd64", "/c"), 0);
    assert_int_equal(n, 0);
    /* A component without an index for the arch names the repository. */
    repo.src.arch_count = 0;
    assert_int_equal(copa__apt_plan_indexes(&items, &n, &repo, "arm64", "/c"), COPA_ENOTFOUND);
    copa__apt_indexes_free(items, n);
    copa__apt_release_free(&repo.release);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_dir),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_doc_roundtrip),
        cmocka_unit_test(test_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
