/*
 * The apk installed database model (lib/apk/installed.c, installed_write.c):
 * a realistic Alpine database (every field letter apk-tools writes, an
 * unknown letter, directory and file acls, a last stanza without its blank
 * line) and one apk-tools 2.14 wrote itself; byte-exact round trips,
 * stanzas written from their fields in apk-tools' order, packages added,
 * replaced and removed, and hostile input refused with file and line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apk/installed.h"
#include "test_support.h"

static copa__apk_installed *parse_fixture(const char *name, char **text, size_t *len)
{
    copa__apk_installed *db = NULL;
    const char *path = test_fixture_path(name);

    *text = test_read_file(path, len);
    assert_int_equal(copa__apk_installed_parse(&db, path, *text, *len), 0);
    return db;
}

static void write_equals(const copa__apk_installed *db, const char *expected, size_t len)
{
    copa__buf out = COPA__BUF_INIT;

    assert_int_equal(copa__apk_installed_write(&out, db), 0);
    if (out.length != len || (len > 0 && memcmp(out.data, expected, len) != 0))
        fail_msg("written database differs:\n--- got\n%s\n--- expected\n%.*s",
                 out.data ? out.data : "", (int)len, expected);
    copa__buf_free(&out);
}

static void reads_every_field(void **state)
{
    copa__apk_installed *db;
    copa__apk_installed_pkg *pkg;
    char *text;
    size_t len;
    (void)state;

    db = parse_fixture("apk-db/installed", &text, &len);
    assert_int_equal(db->count, 4);

    pkg = copa__apk_installed_find(db, "alpine-baselayout");
    assert_non_null(pkg);
    assert_string_equal(pkg->version, "3.6.5-r0");
    assert_string_equal(pkg->arch, "x86_64");
    assert_string_equal(pkg->origin, "alpine-baselayout");
    assert_string_equal(pkg->checksum, "Q1p78yvTLG094tjE1+kGcT4E5BrQo=");
    assert_int_equal(pkg->depends.count, 2);
    assert_string_equal(pkg->depends.items[0], "alpine-baselayout-data=3.6.5-r0");
    assert_string_equal(pkg->depends.items[1], "/bin/sh");
    assert_int_equal(pkg->replaces.count, 1);
    assert_string_equal(pkg->replaces_priority, "1");
    assert_int_equal(pkg->dir_count, 7);
    assert_string_equal(pkg->dirs[4].path, "root");
    assert_true(pkg->dirs[4].acl.present);
    assert_int_equal(pkg->dirs[4].acl.mode, 0700);
    assert_int_equal(pkg->dirs[5].acl.mode, 01777);
    assert_false(pkg->dirs[0].acl.present);
    assert_string_equal(pkg->dirs[3].files[0].name, "root");
    assert_int_equal(pkg->dirs[3].files[0].acl.mode, 0600);
    assert_string_equal(pkg->dirs[3].files[0].checksum, "Q1vfk1apUWI4yLJGhhNRd0kJixfvY=");

    pkg = copa__apk_installed_find(db, "busybox");
    assert_non_null(pkg);
    assert_int_equal(pkg->provides.count, 3);
    assert_string_equal(pkg->provides.items[1], "cmd:sh=1.36.1-r29");
    assert_string_equal(pkg->depends.items[0], "so:libc.musl-x86_64.so.1");
    assert_int_equal(pkg->other_count, 1);
    assert_int_equal(pkg->others[0].letter, 'g');
    assert_string_equal(pkg->others[0].value, "some future field");
    assert_int_equal(pkg->dirs[0].file_count, 2);
    assert_int_equal(pkg->dirs[0].files[1].acl.mode, 0777);

    pkg = copa__apk_installed_find(db, "openssl-bash-completion");
    assert_non_null(pkg);
    assert_string_equal(pkg->provider_priority, "10");
    assert_int_equal(pkg->install_if.count, 2);
    assert_string_equal(pkg->install_if.items[0], "openssl=3.3.1-r0");
    assert_string_equal(pkg->repository_tag, "edge");
    assert_string_equal(pkg->broken, "f");
    assert_string_equal(pkg->origin, "openssl");
    assert_null(copa__apk_installed_find(db, "bash"));

    copa__apk_installed_free(db);
    free(text);
}

static void round_trips_byte_for_byte(void **state)
{
    static const char *const fixtures[] = {"apk-db/installed",
                                           "apk-db/installed-written-by-apk-tools"};
    size_t i;
    (void)state;

    for (i = 0; i < 2; i++) {
        char *text;
        size_t len;
        copa__apk_installed *db = parse_fixture(fixtures[i], &text, &len);
        write_equals(db, text, len);
        copa__apk_installed_free(db);
        free(text);
    }
}

/* Blank lines before, between (several) and after stanzas are kept as they were. */
static void keeps_odd_blank_lines(void **state)
{
    static const char text[] = "\n\nP:a\nV:1\n\n\n\nP:b\nV:2\n\n\n";
    copa__apk_installed *db = NULL;
    (void)state;

    assert_int_equal(copa__apk_installed_parse(&db, "installed", text, sizeof(text) - 1), 0);
    assert_int_equal(db->count, 2);
    write_equals(db, text, sizeof(text) - 1);
    copa__apk_installed_free(db);

    assert_int_equal(copa__apk_installed_parse(&db, "installed", "", 0), 0);
    assert_int_equal(db->count, 0);
    write_equals(db, "", 0);
    copa__apk_installed_free(db);
}

/*
 * A stanza written from its fields is what apk-tools wrote: every package of
 * the database apk-tools 2.14 wrote, touched, comes out identical.
 */
static void touched_stanzas_follow_apk_tools_order(void **state)
{
    char *text, *expected;
    size_t len, i;
    copa__apk_installed *db;
    (void)state;

    db = parse_fixture("apk-db/installed-written-by-apk-tools", &text, &len);
    for (i = 0; i < db->count; i++)
        copa__apk_installed_touch(db->pkgs[i]);
    write_equals(db, text, len);
    copa__apk_installed_free(db);
    free(text);

    /* the realistic fixture is in apk-tools' order too, its unknown g: before F: */
    db = parse_fixture("apk-db/installed", &text, &len);
    for (i = 0; i < db->count; i++)
        copa__apk_installed_touch(db->pkgs[i]);
    expected = malloc(len + 2);
    assert_non_null(expected);
    memcpy(expected, text, len);
    expected[len] = '\n'; /* the last stanza gets its blank line */
    write_equals(db, expected, len + 1);
    copa__apk_installed_free(db);
    free(expected);
    free(text);
}

static void add_replace_remove(void **state)
{
    copa__apk_installed *db, *other;
    copa__apk_installed_pkg *pkg;
    copa__buf out = COPA__BUF_INIT;
    char *text, *other_text;
    size_t len, other_len;
    (void)state;

    db = parse_fixture("apk-db/installed", &text, &len);
    other = parse_fixture("apk-db/installed-written-by-apk-tools", &other_text, &other_len);

    /* new packages go where apk-tools sorts them: by name, case folded */
    assert_int_equal(copa__apk_installed_put(db, copa__apk_installed_find(other, "hello")), 0);
    assert_int_equal(copa__apk_installed_put(db, copa__apk_installed_find(other, "libfoo")), 0);
    assert_int_equal(db->count, 6);
    assert_string_equal(db->pkgs[2]->name, "hello");
    assert_string_equal(db->pkgs[3]->name, "libfoo");
    pkg = copa__apk_installed_add(db, "Zlib-Upper");
    assert_non_null(pkg);
    pkg->version = copa__apk_installed_strdup(db, "1.0-r0");
    assert_string_equal(db->pkgs[6]->name, "Zlib-Upper");
    pkg = copa__apk_installed_add(db, "Abc");
    assert_non_null(pkg);
    assert_string_equal(db->pkgs[0]->name, "Abc");
    assert_int_equal(copa__apk_installed_remove(db, "Abc"), 0);
    assert_int_equal(copa__apk_installed_remove(db, "Zlib-Upper"), 0);
    assert_int_equal(copa__apk_installed_remove(db, "nothere"), COPA_ENOTFOUND);

    /* untouched stanzas are their bytes; the copies are apk-tools' own text */
    assert_int_equal(copa__apk_installed_write(&out, db), 0);
    {
        size_t split = (size_t)(strstr(text, "C:Q1xyjKQ8") - text); /* musl follows libfoo */
        assert_int_equal(out.length, len + other_len);
        assert_memory_equal(out.data, text, split);
        assert_memory_equal(out.data + split, other_text, other_len);
        assert_memory_equal(out.data + split + other_len, text + split, len - split);
    }

    /* replacing keeps the place and writes the new fields in full */
    copa__buf_clear(&out);
    pkg = copa__apk_installed_find(other, "hello");
    pkg->version = "9.9-r9";
    assert_int_equal(copa__apk_installed_put(db, pkg), 0);
    assert_int_equal(db->count, 6);
    assert_string_equal(db->pkgs[2]->name, "hello");
    assert_null(db->pkgs[2]->raw);
    assert_int_equal(copa__apk_installed_write(&out, db), 0);
    assert_non_null(strstr(out.data, "P:hello\nV:9.9-r9\nA:x86_64\n"));

    /* a package put into its own database is only touched */
    pkg = copa__apk_installed_find(db, "musl");
    assert_int_equal(copa__apk_installed_put(db, pkg), 0);
    assert_ptr_equal(copa__apk_installed_find(db, "musl"), pkg);
    assert_null(pkg->raw);
    assert_int_equal(pkg->dirs[0].file_count, 2);
    copa__buf_free(&out);
    copa__apk_installed_free(other);
    copa__apk_installed_free(db);
    free(other_text);
    free(text);
}

#define CASE(text, message)                                                                        \
    {                                                                                              \
        text, sizeof(text) - 1, message                                                            \
    }

static void hostile_input_is_refused_with_file_and_line(void **state)
{
    static const struct {
        const char *text;
        size_t len;
        const char *message;
    } cases[] = {
        CASE("P:a\nV:1\nT:x\0y\n", "installed:3: line holds a NUL byte"),
        CASE("P:a\nV:1\n\nP:a\nV:2\n",
             "installed:4: package 'a' is installed twice (also at line 1)"),
        CASE("F:usr\nP:a\nV:1\n", "installed:1: F: (a directory) before the package's P: line"),
        CASE("P:a\nV:1\nR:file\n", "installed:3: R: (a file) before any F: line"),
        CASE("P:a\nV:1\nF:usr\nZ:Q1abc=\n",
             "installed:4: Z: (a file's checksum) before any R: line"),
        CASE("P:a\nV:1\nF:usr\nM:0:0:999\n",
             "installed:4: M: acl is not uid:gid:octal-mode[:checksum]"),
        CASE("P:a\nV:1\nF:usr\nR:f\na:root:0:644\n", "installed:5: a: acl is not"),
        CASE("P:a\nV:1\nF:usr\nM:0:0:755:\n", "installed:4: M: acl is not"),
        CASE("P:a\nV:1\nF:usr\nR:../x\n", "installed:4: R: file name is empty or holds a '/'"),
        CASE("P:a\nV:1\nnot a field\n", "installed:3: line is not a field"),
        CASE("P:a\nP:b\nV:1\n", "installed:2: field P: appears twice in one package"),
        CASE("V:1\nT:no name\n", "installed:1: package stanza without P: or V:"),
        CASE("P:a\nV:1\n\nT:x\n", "installed:4: package stanza without P: or V:"),
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        copa__apk_installed *db = NULL;
        int rc = copa__apk_installed_parse(&db, "installed", cases[i].text, cases[i].len);
        if (rc != COPA_EINVALID)
            fail_msg("case %zu: %d, not COPA_EINVALID", i, rc);
        if (db != NULL)
            fail_msg("case %zu was accepted", i);
        if (strstr(copa_error_last(), cases[i].message) == NULL)
            fail_msg("case %zu: message '%s' lacks '%s'", i, copa_error_last(), cases[i].message);
    }

    {
        /* a line of 64 KiB and one byte */
        size_t n = 64 * 1024 + 16;
        char *big = malloc(n);
        copa__apk_installed *db = NULL;
        assert_non_null(big);
        memcpy(big, "P:a\nV:1\nT:", 10);
        memset(big + 10, 'x', n - 11);
        big[n - 1] = '\n';
        assert_int_equal(copa__apk_installed_parse(&db, "installed", big, n), COPA_EINVALID);
        assert_non_null(strstr(copa_error_last(), "installed:3: line longer than 64 KiB"));
        free(big);
    }
}

/*
 * Many packages: the duplicate-name check must not compare every pair
 * (200,000 tiny stanzas took minutes that way; a hostile image's database
 * can be that large).
 */
static void many_packages_parse_in_linear_time(void **state)
{
    const size_t count = 200000;
    copa__buf text = COPA__BUF_INIT;
    copa__apk_installed *db = NULL;
    struct timespec start, end;
    size_t i;
    double seconds;
    (void)state;

    for (i = 0; i < count; i++)
        assert_int_equal(copa__buf_appendf(&text, "P:package-%zu\nV:1.0-r0\n\n", i), 0);
    clock_gettime(CLOCK_MONOTONIC, &start);
    assert_int_equal(copa__apk_installed_parse(&db, "installed", text.data, text.length), 0);
    clock_gettime(CLOCK_MONOTONIC, &end);
    seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    assert_int_equal(db->count, count);
    if (seconds > 10)
        fail_msg("parsing %zu packages took %.1f s", count, seconds);
    copa__apk_installed_free(db);
    copa__buf_free(&text);
}

static void loads_through_image_files(void **state)
{
    copa__image_files fs;
    copa__apk_installed *db = NULL;
    (void)state;

    assert_int_equal(copa__image_files_dir_open(&fs, test_fixture_path("apk-db/root")), 0);
    assert_int_equal(copa__apk_installed_load(&db, &fs), 0);
    assert_int_equal(db->count, 2);
    assert_string_equal(db->pkgs[0]->name, "hello");
    copa__apk_installed_free(db);
    copa__image_files_dir_close(&fs);

    assert_int_equal(copa__image_files_dir_open(&fs, test_fixture_path("apk-db")), 0);
    assert_int_equal(copa__apk_installed_load(&db, &fs), COPA_ENOTFOUND);
    copa__image_files_dir_close(&fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_every_field),
        cmocka_unit_test(round_trips_byte_for_byte),
        cmocka_unit_test(keeps_odd_blank_lines),
        cmocka_unit_test(touched_stanzas_follow_apk_tools_order),
        cmocka_unit_test(add_replace_remove),
        cmocka_unit_test(hostile_input_is_refused_with_file_and_line),
        cmocka_unit_test(many_packages_parse_in_linear_time),
        cmocka_unit_test(loads_through_image_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
