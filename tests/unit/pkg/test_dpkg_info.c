/*
 * The small dpkg database files: .list, md5sums, diversions (compared with
 * dpkg-divert --list on the host's database), statoverride (compared with
 * dpkg-statoverride --list), the architecture list, and their errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pkg/dpkg_info.h"
#include "test_support.h"

#include "pkg_test_helpers.h"

static void list_and_md5sums(void **state)
{
    static const char list[] = "/.\n/usr\n/usr/bin\n/usr/bin/with space\n\n";
    static const char sums[] = "d41d8cd98f00b204e9800998ecf8427e  usr/bin/with space\n"
                               "0123456789ABCDEF0123456789abcdef */etc/x\n";
    copa__arena arena;
    copa__dpkg_list l;
    copa__dpkg_md5sums m;
    (void)state;

    copa__arena_init(&arena);
    assert_int_equal(copa__dpkg_list_parse(&l, &arena, list, strlen(list), "x.list"), 0);
    assert_int_equal(l.count, 4);
    assert_string_equal(l.paths[3], "/usr/bin/with space");
    assert_int_equal(copa__dpkg_md5sums_parse(&m, &arena, sums, strlen(sums), "x.md5sums"), 0);
    assert_int_equal(m.count, 2);
    assert_string_equal(copa__dpkg_md5sums_find(&m, "/usr/bin/with space"),
                        "d41d8cd98f00b204e9800998ecf8427e");
    assert_string_equal(copa__dpkg_md5sums_find(&m, "etc/x"), "0123456789ABCDEF0123456789abcdef");
    assert_null(copa__dpkg_md5sums_find(&m, "usr/bin"));
    assert_int_equal(copa__dpkg_list_parse(&l, &arena, "/a\nrel\n", 7, "x.list"), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "x.list:2: 'rel'"));
    assert_int_equal(copa__dpkg_md5sums_parse(&m, &arena, "abc  x\n", 7, "y.md5sums"),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "y.md5sums:1"));
    copa__arena_free(&arena);
}

static void diversions_fixture(void **state)
{
    static const char text[] = "/usr/bin/a\n/usr/bin/a.distrib\npkg-a\n"
                               "/etc/local\n/etc/local.orig\n:\n";
    copa__arena arena;
    copa__dpkg_diversions d;
    (void)state;

    copa__arena_init(&arena);
    assert_int_equal(copa__dpkg_diversions_parse(&d, &arena, text, strlen(text), "diversions"), 0);
    assert_int_equal(d.count, 2);
    assert_string_equal(d.entries[0].package, "pkg-a");
    assert_null(d.entries[1].package);
    /* another package's file goes to the diverted name; pkg-a's own stays */
    assert_string_equal(copa__dpkg_diversions_apply(&d, "/usr/bin/a", "other"),
                        "/usr/bin/a.distrib");
    assert_string_equal(copa__dpkg_diversions_apply(&d, "/usr/bin/a", "pkg-a"), "/usr/bin/a");
    assert_string_equal(copa__dpkg_diversions_apply(&d, "/etc/local", "any"), "/etc/local.orig");
    assert_string_equal(copa__dpkg_diversions_apply(&d, "/usr/bin/b", "any"), "/usr/bin/b");
    assert_int_equal(copa__dpkg_diversions_parse(&d, &arena, "/a\n/b\n", 6, "diversions"),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "truncated diversion"));
    copa__arena_free(&arena);
}

static void host_diversions_match_dpkg_divert(void **state)
{
    copa__buf ours = COPA__BUF_INIT;
    copa__arena arena;
    copa__dpkg_diversions d;
    char *text, *want;
    size_t len, i;
    (void)state;

    if (access("/var/lib/dpkg/diversions", R_OK) != 0 || !have_tool("dpkg-divert"))
        skip();
    copa__arena_init(&arena);
    text = test_read_file("/var/lib/dpkg/diversions", &len);
    assert_int_equal(copa__dpkg_diversions_parse(&d, &arena, text, len, "diversions"), 0);
    for (i = 0; i < d.count; i++)
        if (d.entries[i].package == NULL)
            assert_int_equal(copa__buf_appendf(&ours, "local diversion of %s to %s\n",
                                               d.entries[i].from, d.entries[i].to),
                             0);
        else
            assert_int_equal(copa__buf_appendf(&ours, "diversion of %s to %s by %s\n",
                                               d.entries[i].from, d.entries[i].to,
                                               d.entries[i].package),
                             0);
    assert_int_equal(run_capture(&want, "dpkg-divert --list | sort"), 0);
    free(text);
    text = NULL;
    assert_int_equal(run_capture(&text, "printf '%%s' '%s' | sort", ours.data ? ours.data : ""), 0);
    assert_string_equal(text, want);
    free(text);
    free(want);
    copa__buf_free(&ours);
    copa__arena_free(&arena);
}

static void statoverride(void **state)
{
    static const char text[] = "root ssl-cert 710 /etc/ssl/private\n"
                               "#0 #101 4754 /usr/lib/dbus-1.0/dbus-daemon-launch-helper\n";
    copa__arena arena;
    copa__dpkg_statoverrides s;
    const copa__dpkg_statoverride *o;
    (void)state;

    copa__arena_init(&arena);
    assert_int_equal(copa__dpkg_statoverride_parse(&s, &arena, text, strlen(text), "so"), 0);
    assert_int_equal(s.count, 2);
    o = copa__dpkg_statoverride_find(&s, "/usr/lib/dbus-1.0/dbus-daemon-launch-helper");
    assert_non_null(o);
    assert_int_equal(o->mode, 04754);
    assert_string_equal(o->user, "#0");
    assert_string_equal(o->group, "#101");
    assert_null(copa__dpkg_statoverride_find(&s, "/etc/ssl"));
    assert_int_equal(copa__dpkg_statoverride_parse(&s, &arena, "root root 999 /x\n", 17, "so"),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "so:1"));
    copa__arena_free(&arena);
}

static void host_statoverride_matches_dpkg(void **state)
{
    copa__buf ours = COPA__BUF_INIT;
    copa__arena arena;
    copa__dpkg_statoverrides s;
    char *text, *want;
    size_t len, i;
    (void)state;

    if (access("/var/lib/dpkg/statoverride", R_OK) != 0 || !have_tool("dpkg-statoverride"))
        skip();
    copa__arena_init(&arena);
    text = test_read_file("/var/lib/dpkg/statoverride", &len);
    assert_int_equal(copa__dpkg_statoverride_parse(&s, &arena, text, len, "statoverride"), 0);
    for (i = 0; i < s.count; i++)
        assert_int_equal(copa__buf_appendf(&ours, "%s %s %o %s\n", s.entries[i].user,
                                           s.entries[i].group, s.entries[i].mode,
                                           s.entries[i].path),
                         0);
    assert_int_equal(run_capture(&want, "dpkg-statoverride --list | sort"), 0);
    free(text);
    assert_int_equal(run_capture(&text, "printf '%%s' '%s' | sort", ours.data ? ours.data : ""), 0);
    assert_string_equal(text, want);
    free(text);
    free(want);
    copa__buf_free(&ours);
    copa__arena_free(&arena);
}

static void arch_list(void **state)
{
    static const char text[] = "amd64\n i386 \n\narm64\n";
    copa__arena arena;
    const char **archs;
    size_t n;
    (void)state;
    copa__arena_init(&arena);
    assert_int_equal(copa__dpkg_arch_parse(&archs, &n, &arena, text, strlen(text)), 0);
    assert_int_equal(n, 3);
    assert_string_equal(archs[1], "i386");
    assert_string_equal(archs[2], "arm64");
    copa__arena_free(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(list_and_md5sums),
        cmocka_unit_test(diversions_fixture),
        cmocka_unit_test(host_diversions_match_dpkg_divert),
        cmocka_unit_test(statoverride),
        cmocka_unit_test(host_statoverride_matches_dpkg),
        cmocka_unit_test(arch_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
