/*
 * The image's apk configuration: /etc/apk/world constraints, the repository
 * lists (repositories and the .list files of repositories.d), /etc/apk/arch and the
 * keys, read from a fixture root through the image-files table, and the
 * hostile or malformed inputs each refuses with file and line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apk/apk_arch.h"
#include "apk/keys.h"
#include "apk/repositories.h"
#include "apk/world.h"
#include "util/buffer.h"
#include "test_support.h"

static copa__image_files fs;

static int open_root(void **state)
{
    (void)state;
    return copa__image_files_dir_open(&fs, test_fixture_path("apk-db/root"));
}

static int close_root(void **state)
{
    (void)state;
    copa__image_files_dir_close(&fs);
    return 0;
}

static void world_constraints(void **state)
{
    copa__apk_world *world = NULL;
    (void)state;

    assert_int_equal(copa__apk_world_load(&world, &fs), 0);
    assert_int_equal(world->count, 6);
    assert_string_equal(world->items[0].name, "busybox");
    assert_int_equal(world->items[0].ops, 0);
    assert_null(world->items[0].version);
    assert_string_equal(world->items[1].name, "hello");
    assert_int_equal(world->items[1].ops, COPA__APK_OP_LESS);
    assert_string_equal(world->items[1].version, "1.1");
    assert_int_equal(world->items[2].ops, COPA__APK_OP_EQUAL | COPA__APK_OP_FUZZY);
    assert_string_equal(world->items[2].version, "2.0");
    assert_string_equal(world->items[3].name, "so:libc.musl-x86_64.so.1");
    assert_string_equal(world->items[4].name, "curl");
    assert_string_equal(world->items[4].tag, "edge");
    assert_int_equal(world->items[4].ops, COPA__APK_OP_GREATER | COPA__APK_OP_EQUAL);
    assert_string_equal(world->items[4].version, "8.9.0-r0");
    assert_int_equal(world->items[4].line, 5);
    assert_true(world->items[5].conflict);
    assert_string_equal(world->items[5].name, "bad-pkg");
    copa__apk_world_free(world);
}

static void world_forms_and_errors(void **state)
{
    static const char good[] = "a=1.2 b~1.2\tc<=3 d>4_rc1-r2  e><Q1abc= cmd:sh f@tag g@tag=1.0\n";
    static const struct {
        const char *text;
        const char *message;
    } bad[] = {
        {"a\nb=\n", "world:2: world entry 'b=': operator without a version"},
        {"a<>1", "world:1: world entry 'a<>1': unknown version operator"},
        {"a=1.0.x", "world:1: world entry 'a=1.0.x': invalid version"},
        {"=1.0", "world:1: world entry '=1.0': no package name"},
        {"!", "world:1: world entry '!': no package name"},
        {"a@=1", "world:1: world entry 'a@=1': empty repository tag after '@'"},
    };
    copa__apk_world *world = NULL;
    size_t i;
    (void)state;

    assert_int_equal(copa__apk_world_parse(&world, "world", good, sizeof(good) - 1), 0);
    assert_int_equal(world->count, 8);
    assert_true(world->items[4].checksum);
    assert_string_equal(world->items[4].version, "Q1abc=");
    assert_string_equal(world->items[5].name, "cmd:sh");
    assert_string_equal(world->items[6].tag, "tag");
    assert_null(world->items[6].version);
    assert_string_equal(world->items[7].name, "g");
    assert_string_equal(world->items[7].tag, "tag");
    assert_string_equal(world->items[7].version, "1.0");
    copa__apk_world_free(world);

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(copa__apk_world_parse(&world, "world", bad[i].text, strlen(bad[i].text)),
                         COPA_EINVALID);
        if (strstr(copa_error_last(), bad[i].message) == NULL)
            fail_msg("case %zu: '%s' lacks '%s'", i, copa_error_last(), bad[i].message);
    }
    assert_int_equal(copa__apk_world_parse(&world, "world", "a\nb\0c", 5), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "world:2: NUL byte"));
    {
        char *big = malloc(5000);
        assert_non_null(big);
        memset(big, 'a', 5000);
        assert_int_equal(copa__apk_world_parse(&world, "world", big, 5000), COPA_EINVALID);
        assert_non_null(strstr(copa_error_last(), "world:1: world entry longer than 4 KiB"));
        free(big);
    }
}

static void repositories_from_both_places(void **state)
{
    copa__apk_repositories *repos = NULL;
    (void)state;

    assert_int_equal(copa__apk_repositories_load(&repos, &fs), 0);
    assert_int_equal(repos->count, 6);
    assert_string_equal(repos->items[0].url, "https://alpine.example.invalid/alpine/v3.20/main");
    assert_null(repos->items[0].tag);
    assert_int_equal(repos->items[0].kind, COPA__APK_REPO_HTTP);
    assert_int_equal(repos->items[0].line, 2);
    assert_string_equal(repos->items[2].tag, "edge");
    assert_string_equal(repos->items[2].url, "https://alpine.example.invalid/alpine/edge/main");
    assert_string_equal(repos->items[3].url, "/media/cdrom/apks");
    assert_int_equal(repos->items[3].kind, COPA__APK_REPO_LOCAL);
    /* repositories.d in name order, only *.list; a URL listed twice counts once */
    assert_string_equal(repos->items[4].tag, "testing");
    assert_string_equal(repos->items[4].file, "/etc/apk/repositories.d/10-testing.list");
    assert_string_equal(repos->items[5].url, "file:///var/cache/local-repo");
    assert_int_equal(repos->items[5].kind, COPA__APK_REPO_LOCAL);
    copa__apk_repositories_free(repos);
}

static void repository_lines(void **state)
{
    static const char text[] =
        "  https://a.invalid/main  \r\n#https://commented.invalid\n"
        "ftp://f.invalid/x\n@t:https://b.invalid/x\nhttp://c.invalid/$ARCH\n";
    copa__apk_repositories *repos = NULL;
    (void)state;

    assert_int_equal(copa__apk_repositories_new(&repos), 0);
    assert_int_equal(copa__apk_repositories_parse(repos, "r", text, sizeof(text) - 1), 0);
    assert_int_equal(repos->count, 4);
    assert_string_equal(repos->items[0].url, "https://a.invalid/main");
    assert_int_equal(repos->items[1].kind, COPA__APK_REPO_FTP);
    assert_string_equal(repos->items[2].tag, "t");
    assert_string_equal(repos->items[2].url, "https://b.invalid/x");
    assert_string_equal(repos->items[3].url, "http://c.invalid/$ARCH");
    assert_int_equal(copa__apk_repositories_parse(repos, "r", "\n@edge\n", 7), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "r:2: '@tag' without a tag or without a URL"));
    assert_int_equal(copa__apk_repositories_parse(repos, "r", "https://a b\n", 12), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "r:1: repository URL holds a blank"));
    assert_int_equal(copa__apk_repositories_parse(repos, "r", "x\0y", 3), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "r:1: NUL byte"));
    copa__apk_repositories_free(repos);
}

/* Repeated URLs are found without comparing every pair of lines. */
static void many_repositories_in_linear_time(void **state)
{
    const size_t count = 200000;
    copa__buf text = COPA__BUF_INIT;
    copa__apk_repositories *repos = NULL;
    struct timespec start, end;
    double seconds;
    size_t i;
    (void)state;

    for (i = 0; i < count; i++)
        assert_int_equal(copa__buf_appendf(&text, "https://h%zu.invalid/main\n", i % (count / 2)),
                         0);
    assert_int_equal(copa__apk_repositories_new(&repos), 0);
    clock_gettime(CLOCK_MONOTONIC, &start);
    assert_int_equal(copa__apk_repositories_parse(repos, "r", text.data, text.length), 0);
    clock_gettime(CLOCK_MONOTONIC, &end);
    seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    assert_int_equal(repos->count, count / 2);
    if (seconds > 10)
        fail_msg("parsing %zu repository lines took %.1f s", count, seconds);
    copa__apk_repositories_free(repos);
    copa__buf_free(&text);
}

static void arch_file(void **state)
{
    char arch[32];
    (void)state;

    assert_int_equal(copa__apk_arch_load(arch, sizeof(arch), &fs), 0);
    assert_string_equal(arch, "x86_64");
    assert_int_equal(copa__apk_arch_parse(arch, sizeof(arch), "arch", " aarch64\n\n", 10), 0);
    assert_string_equal(arch, "aarch64");
    assert_int_equal(copa__apk_arch_parse(arch, sizeof(arch), "arch", "\n", 1), COPA_EINVALID);
    assert_int_equal(copa__apk_arch_parse(arch, sizeof(arch), "arch", "../x", 4), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "arch: architecture holds '.'"));
    assert_int_equal(copa__apk_arch_parse(arch, sizeof(arch), "arch", "x86 64", 6), COPA_EINVALID);
    assert_int_equal(copa__apk_arch_parse(arch, 4, "arch", "x86_64", 6), COPA_EINVALID);
}

static void keys_from_both_folders(void **state)
{
    copa__apk_keys *keys = NULL;
    const copa__apk_key *key;
    (void)state;

    assert_int_equal(copa__apk_keys_load(&keys, &fs, "x86_64"), 0);
    /* /etc/apk/keys first; the shared copy of the same name and the README are skipped */
    assert_int_equal(keys->count, 2);
    key = copa__apk_keys_find(keys, "test-6165ee59.rsa.pub");
    assert_non_null(key);
    assert_string_equal(key->path, "/etc/apk/keys/test-6165ee59.rsa.pub");
    assert_memory_equal(key->pem, "-----BEGIN PUBLIC KEY-----\n", 27);
    key = copa__apk_keys_find(keys, "shared-61666e3f.rsa.pub");
    assert_non_null(key);
    assert_string_equal(key->path, "/usr/share/apk/keys/x86_64/shared-61666e3f.rsa.pub");
    assert_null(copa__apk_keys_find(keys, "README"));
    copa__apk_keys_free(keys);

    /* no arch: only /etc/apk/keys; an arch that is a path is not followed */
    assert_int_equal(copa__apk_keys_load(&keys, &fs, NULL), 0);
    assert_int_equal(keys->count, 1);
    copa__apk_keys_free(keys);
    assert_int_equal(copa__apk_keys_load(&keys, &fs, "../../../etc"), 0);
    assert_int_equal(keys->count, 1);
    copa__apk_keys_free(keys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(world_constraints),
        cmocka_unit_test(world_forms_and_errors),
        cmocka_unit_test(repositories_from_both_places),
        cmocka_unit_test(repository_lines),
        cmocka_unit_test(many_repositories_in_linear_time),
        cmocka_unit_test(arch_file),
        cmocka_unit_test(keys_from_both_folders),
    };
    return cmocka_run_group_tests(tests, open_root, close_root);
}
