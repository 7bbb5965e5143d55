/*
 * Grype JSON reports: distro, architecture from source.target, fix
 * versions and states, duplicate matches, language artifacts. Fixed
 * version choices depend on the real deb/rpm/apk orderings (lib/version).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "report_test_helpers.h"

static void debian(void **state)
{
    copa_report *r = load_fixture("grype-debian.json");
    const copa_report_metadata *m = copa_report_metadata_get(r);
    const copa_report_update *u;
    (void)state;

    assert_int_equal(m->format, COPA_REPORT_GRYPE);
    assert_string_equal(m->os_family, "debian");
    assert_string_equal(m->os_version, "12");
    assert_string_equal(m->arch, "arm64");
    assert_string_equal(m->artifact, "debian:12.5");

    assert_int_equal(copa_report_update_count(r), 3);
    /* The same match twice, plus another CVE with a lower fix. */
    u = expect_update(r, "libssl3", "3.0.11-1~deb12u2", "3.0.13-1~deb12u1");
    assert_int_equal(u->vulnerability_count, 2);
    assert_string_equal(u->purl, "pkg:deb/libssl3@3.0.11-1~deb12u2");
    /* fix.versions lists two; the lowest above the installed one counts. */
    expect_update(r, "libpam0g", "1.5.2-6+deb12u1", "1.5.2-6+deb12u2");
    expect_update(r, "bsdutils", "1:2.38.1-5+b1", "1:2.38.1-5+deb12u1");

    /* not-fixed and wont-fix keep their state. */
    assert_int_equal(copa_report_unfixed_count(r), 2);
    assert_string_equal(copa_report_unfixed_get(r, 0)->status, "not-fixed");
    assert_string_equal(copa_report_unfixed_get(r, 1)->status, "wont-fix");

    /* npm artifact: a language package with its location. */
    assert_int_equal(copa_report_lang_count(r), 1);
    u = copa_report_lang_get(r, 0);
    assert_string_equal(u->name, "semver");
    assert_string_equal(u->type, "npm");
    assert_string_equal(u->path, "/app/node_modules/semver/package.json");
    assert_string_equal(u->fixed_version, "7.5.2");
    copa_report_free(r);
}

static void alpine(void **state)
{
    copa_report *r = load_fixture("grype-alpine.json");
    (void)state;
    assert_int_equal(copa_report_metadata_get(r)->pkg_format, COPA_PKG_APK);
    assert_string_equal(copa_report_metadata_get(r)->arch, "amd64");
    expect_update(r, "libcrypto3", "3.1.4-r2", "3.1.4-r5");
    expect_update(r, "libexample", "1.2-r0", "1.2_p1-r0");
    copa_report_free(r);
}

static void mariner(void **state)
{
    copa_report *r = load_fixture("grype-mariner.json");
    (void)state;
    /* Grype says "mariner" (the os-release ID). */
    assert_string_equal(copa_report_metadata_get(r)->os_family, "cbl-mariner");
    assert_string_equal(copa_report_metadata_get(r)->os_version, "2.0");
    expect_update(r, "expat", "2.5.0-1.cm2", "2.6.0-1.cm2");
    /* Fixed equals installed: dropped with a note. */
    assert_null(find_update(r, "python3"));
    assert_true(has_warning(r, "python3"));
    copa_report_free(r);
}

static void directory_source_and_no_distro(void **state)
{
    copa_report *r = NULL;
    (void)state;
    /* A directory scan: target is a string, no distro, npm only. */
    assert_int_equal(parse_text(&r,
                                "{\"matches\":[{\"vulnerability\":{\"id\":\"GHSA-1\",\"fix\":{"
                                "\"versions\":[],\"state\":\"unknown\"}},\"artifact\":{\"name\":"
                                "\"x\",\"version\":\"1.0.0\",\"type\":\"npm\"}}],\"source\":{"
                                "\"type\":\"directory\",\"target\":\"/src\"}}",
                                0),
                     0);
    assert_string_equal(copa_report_metadata_get(r)->arch, "");
    assert_int_equal(copa_report_lang_count(r), 0);
    assert_int_equal(copa_report_unfixed_count(r), 1);
    assert_string_equal(copa_report_unfixed_get(r, 0)->status, "unknown");
    copa_report_free(r);
}

static void bad_documents(void **state)
{
    copa_report *r = NULL;
    (void)state;
    assert_int_equal(parse_text(&r, "{\"matches\": {}}", 0), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "test.json: matches: expected an array"));
    assert_int_equal(parse_text(&r,
                                "{\"matches\":[{\"vulnerability\":{\"id\":\"C\",\"fix\":{"
                                "\"versions\":[1]}},\"artifact\":{\"name\":\"a\",\"version\":"
                                "\"1\",\"type\":\"deb\"}}],\"distro\":{\"name\":\"debian\"}}",
                                0),
                     COPA_EINVALID);
    assert_non_null(
        strstr(copa_error_last(), "matches[0].vulnerability.fix.versions[0]: expected a string"));
    assert_int_equal(parse_text(&r, "{\"matches\":[{\"vulnerability\":{\"id\":\"C\"}}]}", 0),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "matches[0].artifact: required field is missing"));
    assert_null(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(debian),        cmocka_unit_test(alpine),
        cmocka_unit_test(mariner),       cmocka_unit_test(directory_source_and_no_distro),
        cmocka_unit_test(bad_documents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
