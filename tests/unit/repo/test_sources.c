/*
 * APT sources: one-line and deb822 files, normalization, rejection of what
 * we do not support, URL layout and --mirror rewriting.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <stdlib.h>
#include <string.h>

#include "net/mirror.h"
#include "repo/sources.h"
#include "test_support.h"

static void load(copa__apt_sources *s, const char *fixture, const char *name)
{
    size_t len;
    char *text = test_read_file(test_fixture_path(fixture), &len);
    int rc = copa__apt_sources_parse_file(s, name, text, len);
    free(text);
    if (rc != 0)
        fail_msg("%s: %s", fixture, copa_error_last());
}

static char *url(int (*fn)(char **, const copa__apt_source *, const char *),
                 const copa__apt_source *src, const char *rel)
{
    char *out = NULL;
    assert_int_equal(fn(&out, src, rel), 0);
    return out;
}

static void assert_url(char *got, const char *want)
{
    assert_string_equal(got, want);
    free(got);
}

static void one_line_with_options(void **state)
{
    copa__apt_sources s;
    const copa__apt_source *src;
    (void)state;

    copa__apt_sources_init(&s);
    load(&s, "apt/sources.list", "/etc/apt/sources.list");
    assert_int_equal(s.count, 4);
    assert_int_equal(s.skipped, 1); /* deb-src */

    src = &s.items[0];
    assert_string_equal(src->file, "/etc/apt/sources.list");
    assert_int_equal(src->line, 2);
    assert_string_equal(src->uri, "http://deb.example.org/debian");
    assert_string_equal(src->suite, "bookworm");
    assert_false(src->flat);
    assert_int_equal(src->component_count, 3);
    assert_string_equal(src->components[2], "non-free-firmware");
    assert_int_equal(src->arch_count, 2);
    assert_string_equal(src->archs[0], "amd64");
    assert_string_equal(src->archs[1], "arm64");
    assert_int_equal(src->signed_by_count, 1);
    assert_string_equal(src->signed_by[0], "/usr/share/keyrings/debian-archive-keyring.gpg");
    assert_false(src->trusted);
    assert_true(src->check_valid_until);

    src = &s.items[1];
    assert_int_equal(src->line, 5);
    assert_string_equal(src->uri, "http://security.example.org/debian-security");
    assert_int_equal(src->component_count, 1); /* the comment is gone */
    assert_url(url(copa__apt_source_file_url, src, "InRelease"),
               "http://security.example.org/debian-security/dists/bookworm-security/InRelease");

    src = &s.items[2];
    assert_int_equal(src->line, 6);
    assert_true(src->flat);
    assert_true(src->trusted);
    assert_false(src->check_valid_until);
    assert_int_equal(src->component_count, 0);
    assert_url(url(copa__apt_source_file_url, src, "Release.gpg"),
               "file:///srv/local-repo/Release.gpg");

    src = &s.items[3];
    assert_int_equal(src->line, 8);
    assert_string_equal(src->suite, "sub/dir/");
    assert_url(url(copa__apt_source_file_url, src, "Packages.xz"),
               "https://flat.example.org/repo/sub/dir/Packages.xz");
    assert_url(url(copa__apt_source_pool_url, src, "./hello_1_all.deb"),
               "https://flat.example.org/repo/hello_1_all.deb");
    copa__apt_sources_free(&s);
}

static void deb822_with_inline_key_disabled_and_flat(void **state)
{
    copa__apt_sources s;
    const copa__apt_source *src;
    char *dist = NULL;
    (void)state;

    copa__apt_sources_init(&s);
    load(&s, "apt/debian.sources", "/etc/apt/sources.list.d/debian.sources");
    assert_int_equal(s.count, 6);   /* 2 URIs x 2 suites, then 1 URI x 2 exact paths */
    assert_int_equal(s.skipped, 2); /* Enabled: no, deb-src only */

    src = &s.items[0];
    assert_int_equal(src->line, 2);
    assert_string_equal(src->uri, "http://deb.example.org/debian");
    assert_string_equal(src->suite, "bookworm");
    assert_string_equal(s.items[1].suite, "bookworm-updates");
    assert_string_equal(s.items[2].uri, "https://mirror.example.net/debian");
    assert_int_equal(src->component_count, 2);
    assert_int_equal(src->arch_count, 1);
    assert_int_equal(src->signed_by_count, 0);
    assert_non_null(src->signed_by_key);
    assert_string_equal(src->signed_by_key,
                        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n"
                        "\n"
                        "mDMEZIRkYxYJKwYBBAHaRw8BAQdAtestkeymaterialnotrealAAAAAAAAAAAAAAAA\n"
                        "tBJUZXN0IDx0ZXN0QGV4YW1wbGU+iJMEExYKADsWIQQAAAAAAAAAAAAAAAAAAAAA\n"
                        "=abcd\n"
                        "-----END PGP PUBLIC KEY BLOCK-----\n");
    assert_int_equal(copa__apt_source_dist_url(&dist, src), 0);
    assert_string_equal(dist, "http://deb.example.org/debian/dists/bookworm/");
    free(dist);

    src = &s.items[4];
    assert_true(src->flat);
    assert_true(src->trusted);
    assert_string_equal(src->uri, "file:/srv/flat");
    assert_int_equal(src->signed_by_count, 3);
    assert_string_equal(src->signed_by[1], "/etc/apt/keyrings/b.asc");
    assert_string_equal(src->signed_by[2], "0123456789ABCDEF0123456789ABCDEF01234567");
    assert_url(url(copa__apt_source_file_url, src, "InRelease"), "file:/srv/flat/InRelease");
    assert_url(url(copa__apt_source_file_url, &s.items[5], "InRelease"),
               "file:/srv/flat/pool/InRelease");
    copa__apt_sources_free(&s);
}

static void expect_error(const char *name, const char *text, int code, const char *message)
{
    copa__apt_sources s;
    copa__apt_sources_init(&s);
    assert_int_equal(copa__apt_sources_parse_file(&s, name, text, strlen(text)), code);
    assert_string_equal(copa_error_last(), message);
    assert_int_equal(s.count, 0); /* nothing half-made is left */
    copa__apt_sources_free(&s);
}

static void one_line_rejections(void **state)
{
    (void)state;
    expect_error("x.list",
                 "deb http://ok/ s main\n"
                 "deb cdrom:[Debian GNU/Linux 12 _Bookworm_]/ bookworm main\n",
                 COPA_EUNSUPPORTED, "x.list:2: cdrom: sources are not supported");
    expect_error("x.list", "deb [arch+=i386] http://x/ s main", COPA_EUNSUPPORTED,
                 "x.list:1: option 'arch' uses '+=', which is not supported; list the values "
                 "with '='");
    expect_error("x.list", "deb [signed-by-=/k] http://x/ s main", COPA_EUNSUPPORTED,
                 "x.list:1: option 'signed-by' uses '-=', which is not supported; list the "
                 "values with '='");
    expect_error("x.list", "deb http://x/ s", COPA_EINVALID,
                 "x.list:1: suite 's' needs at least one component");
    expect_error("x.list", "deb http://x/ s/ main", COPA_EINVALID,
                 "x.list:1: suite 's/' is an exact path (ends in '/') and must not have "
                 "components");
    expect_error("x.list", "deb [arch=amd64 http://x s main", COPA_EINVALID,
                 "x.list:1: '[' without ']'");
    expect_error("x.list", "\n\nrpm http://x s main", COPA_EINVALID,
                 "x.list:3: unknown type 'rpm' (expected deb or deb-src)");
    expect_error("x.list", "deb http://x", COPA_EINVALID,
                 "x.list:1: expected 'deb URI SUITE [COMPONENT...]'");
    expect_error("x.list", "deb [trusted=maybe] http://x s main", COPA_EINVALID,
                 "x.list:1: option trusted needs yes or no, not 'maybe'");
    expect_error("x.list", "deb /srv/repo s main", COPA_EINVALID,
                 "x.list:1: '/srv/repo' is not a URI");
}

static void deb822_rejections(void **state)
{
    (void)state;
    expect_error("x.sources", "Types: deb\nSuites: s\nComponents: main\n", COPA_EINVALID,
                 "x.sources:1: stanza without URIs");
    expect_error("x.sources", "Types: deb\nURIs: http://x\nSuites: s\nEnabled: maybe\n",
                 COPA_EINVALID, "x.sources:4: Enabled must be yes or no");
    expect_error("x.sources", "\nTypes: deb rpm\nURIs: http://x\nSuites: s\n", COPA_EINVALID,
                 "x.sources:2: unknown type 'rpm' (expected deb or deb-src)");
    expect_error("x.sources",
                 "Types: deb\nURIs: http://x\nSuites: s\nComponents: main\n"
                 "Architectures-Add: i386\n",
                 COPA_EUNSUPPORTED,
                 "x.sources:5: Architectures-Add is not supported; list them in Architectures");
    expect_error("x.sources", "Types: deb\nURIs: http://x\nSuites: ./\nComponents: main\n",
                 COPA_EINVALID,
                 "x.sources:1: suite './' is an exact path (ends in '/') and must not have "
                 "components");
    expect_error("x.sources", "Types: deb\nURIs: cdrom:/media\nSuites: s\nComponents: main\n",
                 COPA_EUNSUPPORTED, "x.sources:1: cdrom: sources are not supported");
    expect_error("x.sources", "Types: deb\nno colon\n", COPA_EINVALID,
                 "x.sources:2: expected 'Field: value', got a line without ':'");
}

static void mirror_rewriting(void **state)
{
    char *out = NULL, *from = NULL, *to = NULL;
    (void)state;

    assert_int_equal(copa__mirror_rewrite(&out, "http://deb.example.org/debian",
                                          "http://deb.example.org/", "http://mirror.local/deb"),
                     1);
    assert_string_equal(out, "http://mirror.local/deb/debian");
    free(out);
    assert_int_equal(copa__mirror_rewrite(&out, "http://deb.example.org/debian",
                                          "http://deb.example.org/debian/", "file:/m/"),
                     1);
    assert_string_equal(out, "file:/m");
    free(out);
    /* prefix must end at a path boundary */
    assert_int_equal(copa__mirror_rewrite(&out, "http://deb.example.org/debian-security",
                                          "http://deb.example.org/debian", "http://m"),
                     0);
    assert_string_equal(out, "http://deb.example.org/debian-security");
    free(out);
    assert_int_equal(copa__mirror_rewrite(&out, "http://a", "", "http://m"), COPA_EINVALID);
    assert_null(out);

    assert_int_equal(copa__mirror_parse(&from, &to, "http://a/debian=http://b/x?y=1"), 0);
    assert_string_equal(from, "http://a/debian");
    assert_string_equal(to, "http://b/x?y=1");
    free(from);
    free(to);
    assert_int_equal(copa__mirror_parse(&from, &to, "http://a"), COPA_EINVALID);
    assert_int_equal(copa__mirror_parse(&from, &to, "=http://a"), COPA_EINVALID);
    assert_null(from);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_line_with_options),
        cmocka_unit_test(deb822_with_inline_key_disabled_and_flat),
        cmocka_unit_test(one_line_rejections),
        cmocka_unit_test(deb822_rejections),
        cmocka_unit_test(mirror_rewriting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
