/*
 * Trivy JSON reports: metadata, per-package highest fixed version across
 * vulnerabilities and results, comma-separated fixed versions, epochs,
 * unfixed vulnerabilities, language packages, null vulnerabilities.
 *
 * The fixed-version choices depend on the real deb/rpm/apk orderings
 * (lib/version): they check those orderings through the report.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "report_test_helpers.h"

static void debian_metadata(void **state)
{
    copa_report *r = load_fixture("trivy-debian.json");
    const copa_report_metadata *m = copa_report_metadata_get(r);
    (void)state;
    assert_int_equal(m->format, COPA_REPORT_TRIVY);
    assert_string_equal(m->os_family, "debian");
    assert_string_equal(m->os_version, "12.5");
    assert_int_equal(m->pkg_format, COPA_PKG_DEB);
    assert_string_equal(m->arch, "amd64");
    assert_string_equal(m->variant, "");
    assert_string_equal(m->artifact, "debian:12.5");
    copa_report_free(r);
}

static void debian_updates(void **state)
{
    copa_report *r = load_fixture("trivy-debian.json");
    const copa_report_update *u;
    (void)state;

    /* apt and gcc-12-base have no fix, libblkid1's fix is not newer. */
    assert_int_equal(copa_report_update_count(r), 4);
    /* Sorted by name. */
    assert_string_equal(copa_report_update_get(r, 0)->name, "bsdutils");
    assert_string_equal(copa_report_update_get(r, 3)->name, "libssl3");

    /* Two vulnerabilities: the higher fixed version wins, both IDs kept. */
    u = expect_update(r, "libssl3", "3.0.11-1~deb12u2", "3.0.13-1~deb12u1");
    assert_int_equal(u->vulnerability_count, 2);
    assert_string_equal(u->vulnerability_ids[0], "CVE-2023-6129");
    assert_string_equal(u->vulnerability_ids[1], "CVE-2024-0727");
    assert_string_equal(u->type, "deb");
    assert_string_equal(u->purl,
                        "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12.5");

    /* Epochs: 1:1.2-1 is above 1.9-1 in dpkg's ordering. */
    u = expect_update(r, "libexample", "1.0-1", "1:1.2-1");
    assert_int_equal(u->vulnerability_count, 2);
    expect_update(r, "bsdutils", "1:2.38.1-5+b1", "1:2.38.1-5+deb12u1");

    /* "1.5.2-5, 1.5.2-6+deb12u2, 1.5.3-1": the lowest one above the
     * installed 1.5.2-6+deb12u1 fixes it. */
    expect_update(r, "libpam0g", "1.5.2-6+deb12u1", "1.5.2-6+deb12u2");

    assert_null(find_update(r, "apt"));
    assert_null(find_update(r, "libblkid1"));
    assert_true(has_warning(r, "libblkid1"));
    assert_true(has_warning(r, "CVE-2022-0563"));
    copa_report_free(r);
}

static void debian_unfixed(void **state)
{
    copa_report *r = load_fixture("trivy-debian.json");
    const copa_report_unfixed *u;
    (void)state;

    /* apt (empty FixedVersion), gcc-12-base (no FixedVersion), libssl3's
     * CVE-2023-5678, then the Go module without a fix. */
    assert_int_equal(copa_report_unfixed_count(r), 4);
    u = copa_report_unfixed_get(r, 0);
    assert_string_equal(u->name, "apt");
    assert_string_equal(u->vulnerability_id, "CVE-2011-3374");
    assert_string_equal(u->status, "affected");
    assert_string_equal(u->pkg_class, "os-pkgs");
    u = copa_report_unfixed_get(r, 1);
    assert_string_equal(u->name, "gcc-12-base");
    assert_string_equal(u->status, "will_not_fix");
    u = copa_report_unfixed_get(r, 2);
    assert_string_equal(u->name, "libssl3");
    assert_string_equal(u->vulnerability_id, "CVE-2023-5678");
    u = copa_report_unfixed_get(r, 3);
    assert_string_equal(u->name, "google.golang.org/protobuf");
    assert_string_equal(u->pkg_class, "lang-pkgs");
    assert_null(copa_report_unfixed_get(r, 4));
    copa_report_free(r);
}

static void debian_lang_packages(void **state)
{
    copa_report *r = load_fixture("trivy-debian.json");
    const copa_report_update *u;
    (void)state;

    /* The pip result has "Vulnerabilities": null and adds nothing. */
    assert_int_equal(copa_report_lang_count(r), 2);
    u = find_lang(r, "stdlib");
    assert_non_null(u);
    assert_int_equal(u->handled, 0);
    assert_string_equal(u->pkg_class, "lang-pkgs");
    assert_string_equal(u->type, "gobinary");
    assert_string_equal(u->path, "usr/local/bin/app");
    assert_string_equal(u->installed_version, "1.21.5");
    assert_string_equal(u->fixed_version, "1.21.8, 1.22.1");
    assert_string_equal(u->vulnerability_ids[0], "CVE-2024-24783");
    /* Language packages never appear among the OS updates. */
    assert_null(find_update(r, "stdlib"));
    copa_report_free(r);
}

static void duplicates_across_results(void **state)
{
    copa_report *r = load_fixture("trivy-debian-multi.json");
    const copa_report_update *u;
    (void)state;

    assert_int_equal(copa_report_update_count(r), 1);
    u = expect_update(r, "libssl3", "3.0.11-1~deb12u2", "3.0.13-1~deb12u2");
    /* CVE-2024-0727 is listed twice and kept once. */
    assert_int_equal(u->vulnerability_count, 2);
    assert_string_equal(u->vulnerability_ids[0], "CVE-2024-0727");
    assert_string_equal(u->vulnerability_ids[1], "CVE-2024-2511");
    copa_report_free(r);
}

static void ubuntu_arm64(void **state)
{
    copa_report *r = load_fixture("trivy-ubuntu.json");
    const copa_report_metadata *m = copa_report_metadata_get(r);
    (void)state;
    assert_string_equal(m->os_family, "ubuntu");
    assert_string_equal(m->os_version, "22.04");
    assert_string_equal(m->arch, "arm64");
    assert_string_equal(m->variant, "v8");
    assert_int_equal(copa_report_update_count(r), 3);
    /* 0ubuntu3.5 > 0ubuntu3.4 */
    expect_update(r, "libc6", "2.35-0ubuntu3.1", "2.35-0ubuntu3.5");
    expect_update(r, "libc-bin", "2.35-0ubuntu3.1", "2.35-0ubuntu3.4");
    assert_int_equal(copa_report_unfixed_count(r), 1);
    copa_report_free(r);
}

static void alpine_suffixes(void **state)
{
    copa_report *r = load_fixture("trivy-alpine.json");
    const copa_report_metadata *m = copa_report_metadata_get(r);
    (void)state;
    assert_string_equal(m->os_family, "alpine");
    assert_int_equal(m->pkg_format, COPA_PKG_APK);
    assert_string_equal(m->arch, "arm");
    assert_string_equal(m->variant, "v7");
    expect_update(r, "libcrypto3", "3.1.4-r2", "3.1.4-r5");
    /* -r17 > -r16 (numeric, not textual) */
    expect_update(r, "busybox", "1.36.1-r15", "1.36.1-r17");
    /* 1.2_p1 > 1.2, and 1.2_rc1 < 1.2 so that fix is dropped. */
    expect_update(r, "libexample", "1.2-r0", "1.2_p1-r0");
    assert_int_equal(find_update(r, "libexample")->vulnerability_count, 1);
    assert_true(has_warning(r, "1.2_rc1-r0"));
    copa_report_free(r);
}

static void rhel_epochs(void **state)
{
    copa_report *r = load_fixture("trivy-rhel.json");
    const copa_report_metadata *m = copa_report_metadata_get(r);
    (void)state;
    assert_string_equal(m->os_family, "rhel");
    assert_int_equal(m->pkg_format, COPA_PKG_RPM);
    /* Release 12.el8_9 > 10.el8_9 (numeric segments). */
    expect_update(r, "openssl-libs", "1:1.1.1k-9.el8_7", "1:1.1.1k-12.el8_9");
    expect_update(r, "gnutls", "3.6.16-7.el8", "3.6.16-8.el8_9.1");
    assert_int_equal(copa_report_unfixed_count(r), 2);
    copa_report_free(r);
}

static void rpm_families(void **state)
{
    copa_report *r;
    (void)state;

    r = load_fixture("trivy-amazon.json");
    assert_string_equal(copa_report_metadata_get(r)->os_family, "amazon");
    assert_string_equal(copa_report_metadata_get(r)->os_version, "2023");
    assert_int_equal(copa_report_update_count(r), 3);
    expect_update(r, "curl-minimal", "8.5.0-1.amzn2023.0.2", "8.5.0-1.amzn2023.0.4");
    copa_report_free(r);

    r = load_fixture("trivy-azurelinux.json");
    assert_string_equal(copa_report_metadata_get(r)->os_family, "azurelinux");
    expect_update(r, "openssl-libs", "3.3.0-1.azl3", "3.3.0-3.azl3");
    expect_update(r, "openssl", "3.3.0-1.azl3", "3.3.0-2.azl3");
    copa_report_free(r);

    r = load_fixture("trivy-mariner.json");
    assert_string_equal(copa_report_metadata_get(r)->os_family, "cbl-mariner");
    copa_report_free(r);

    r = load_fixture("trivy-rocky.json");
    assert_string_equal(copa_report_metadata_get(r)->os_family, "rocky");
    assert_string_equal(copa_report_metadata_get(r)->arch, "arm64");
    expect_update(r, "unbound-libs", "1.16.2-5.el9", "1.16.2-5.el9_3.1");
    copa_report_free(r);
}

static void language_only_report(void **state)
{
    copa_report *r = load_fixture("trivy-lang-only.json");
    const copa_report_metadata *m = copa_report_metadata_get(r);
    (void)state;
    assert_string_equal(m->os_family, "");
    assert_int_equal(m->pkg_format, COPA_PKG_UNKNOWN);
    assert_int_equal(copa_report_update_count(r), 0);
    assert_int_equal(copa_report_lang_count(r), 2);
    assert_string_equal(copa_report_lang_get(r, 0)->path, "app/package-lock.json");
    copa_report_free(r);
}

static void nothing_to_fix(void **state)
{
    copa_report *r = load_fixture("trivy-nothing.json");
    (void)state;
    assert_int_equal(copa_report_update_count(r), 0);
    assert_int_equal(copa_report_lang_count(r), 0);
    assert_int_equal(copa_report_unfixed_count(r), 0);
    assert_int_equal(copa_report_warning_count(r), 0);
    copa_report_free(r);
}

static void minimal_documents(void **state)
{
    copa_report *r = NULL;
    (void)state;
    /* No Results at all: Trivy omits the key when nothing was found. */
    assert_int_equal(parse_text(&r, "{\"SchemaVersion\": 2, \"ArtifactName\": \"x\"}", 0), 0);
    assert_int_equal(copa_report_update_count(r), 0);
    copa_report_free(r);
    /* The OS family from the os-pkgs result's Type when Metadata lacks it. */
    assert_int_equal(parse_text(&r,
                                "{\"SchemaVersion\":2,\"Results\":[{\"Class\":\"os-pkgs\","
                                "\"Type\":\"alpine\",\"Vulnerabilities\":[{\"VulnerabilityID\":"
                                "\"CVE-1\",\"PkgName\":\"a\",\"InstalledVersion\":\"1.0-r0\","
                                "\"FixedVersion\":\"1.0-r1\"}]}]}",
                                0),
                     0);
    assert_string_equal(copa_report_metadata_get(r)->os_family, "alpine");
    expect_update(r, "a", "1.0-r0", "1.0-r1");
    copa_report_free(r);
}

static void schema_version_1_unsupported(void **state)
{
    copa_report *r = NULL;
    (void)state;
    assert_int_equal(parse_text(&r, "{\"SchemaVersion\": 1, \"Results\": []}", 0),
                     COPA_EUNSUPPORTED);
    assert_null(r);
    assert_non_null(strstr(copa_error_last(), "SchemaVersion 1"));
    assert_non_null(strstr(copa_error_last(), "test.json"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(debian_metadata),
        cmocka_unit_test(debian_updates),
        cmocka_unit_test(debian_unfixed),
        cmocka_unit_test(debian_lang_packages),
        cmocka_unit_test(duplicates_across_results),
        cmocka_unit_test(ubuntu_arm64),
        cmocka_unit_test(alpine_suffixes),
        cmocka_unit_test(rhel_epochs),
        cmocka_unit_test(rpm_families),
        cmocka_unit_test(language_only_report),
        cmocka_unit_test(nothing_to_fix),
        cmocka_unit_test(minimal_documents),
        cmocka_unit_test(schema_version_1_unsupported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
