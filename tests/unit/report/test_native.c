/*
 * copa native reports v1alpha1 and v1alpha2, field for field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "report_test_helpers.h"

static void v1alpha1(void **state)
{
    copa_report *r = load_fixture("native-v1alpha1.json");
    const copa_report_metadata *m = copa_report_metadata_get(r);
    const copa_report_update *u;
    (void)state;
    assert_int_equal(m->format, COPA_REPORT_NATIVE);
    assert_string_equal(m->os_family, "azurelinux");
    assert_string_equal(m->os_version, "3.0");
    assert_string_equal(m->arch, "amd64");
    assert_int_equal(copa_report_update_count(r), 2);
    u = expect_update(r, "openssl", "3.3.0-1.azl3", "3.3.0-3.azl3");
    assert_int_equal(u->vulnerability_count, 2);
    expect_update(r, "glibc", "2.38-6.azl3", "2.38-7.azl3");
    copa_report_free(r);
}

static void v1alpha2(void **state)
{
    copa_report *r = load_fixture("native-v1alpha2.json");
    const copa_report_metadata *m = copa_report_metadata_get(r);
    const copa_report_update *u;
    (void)state;
    assert_string_equal(m->os_family, "debian");
    assert_string_equal(m->arch, "arm");
    assert_string_equal(m->variant, "v7");
    expect_update(r, "libssl3", "3.0.11-1~deb12u2", "3.0.13-1~deb12u1");
    assert_int_equal(copa_report_lang_count(r), 1);
    u = copa_report_lang_get(r, 0);
    assert_string_equal(u->name, "requests");
    assert_string_equal(u->type, "python-pkg");
    assert_string_equal(u->fixed_version, "2.32.0");
    assert_int_equal(u->handled, 0);
    copa_report_free(r);
}

static void plugin_template_output(void **state)
{
    /* What copa's scanner-plugin template prints (one line, v1alpha1),
     * with its made-up OS replaced by a real one. */
    copa_report *r = NULL;
    (void)state;
    assert_int_equal(
        parse_text(&r,
                   "{\"apiVersion\":\"v1alpha1\",\"metadata\":{\"os\":{\"type\":\"Debian\","
                   "\"version\":\"11\"},\"config\":{\"arch\":\"amd64\"}},\"updates\":[{\"name\":"
                   "\"openssl\",\"installedVersion\":\"1.1.1n-0+deb11u5\",\"fixedVersion\":"
                   "\"1.1.1w-0+deb11u1\",\"vulnerabilityID\":\"CVE-2023-5678\"}]}",
                   0),
        0);
    /* Family names are case-insensitive. */
    assert_string_equal(copa_report_metadata_get(r)->os_family, "debian");
    expect_update(r, "openssl", "1.1.1n-0+deb11u5", "1.1.1w-0+deb11u1");
    copa_report_free(r);
}

static void errors(void **state)
{
    copa_report *r = NULL;
    (void)state;
    assert_int_equal(parse_text(&r, "{\"apiVersion\":\"v2\",\"metadata\":{}}", 0),
                     COPA_EUNSUPPORTED);
    assert_non_null(strstr(copa_error_last(), "'v2'"));
    assert_int_equal(parse_text(&r, "{\"apiVersion\":\"v1alpha1\",\"updates\":[]}", 0),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "metadata: required field is missing"));
    assert_int_equal(parse_text(&r, "{\"apiVersion\":\"v1alpha1\",\"metadata\":{\"os\":{}}}", 0),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "metadata.os.type"));
    assert_int_equal(parse_text(&r,
                                "{\"apiVersion\":\"v1alpha2\",\"metadata\":{\"os\":{\"type\":"
                                "\"alpine\"},\"config\":{\"arch\":7}}}",
                                0),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "metadata.config.arch: expected a string"));
    assert_int_equal(parse_text(&r,
                                "{\"apiVersion\":\"v1alpha2\",\"metadata\":{\"os\":{\"type\":"
                                "\"alpine\"}},\"osupdates\":[\"x\"]}",
                                0),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "osupdates[0]: expected an object, got a string"));
    assert_null(r);
}

/* OS family and architecture spellings from the scanners all land on one name. */
static void normalization(void **state)
{
    static const char *const cases[][4] = {
        /* raw family, raw arch, family, arch/variant */
        {"redhat", "x86_64", "rhel", "amd64"},
        {"RHEL", "aarch64", "rhel", "arm64"},
        {"amzn", "arm64", "amazon", "arm64"},
        {"ol", "amd64", "oracle", "amd64"},
        {"almalinux", "ppc64le", "alma", "ppc64le"},
        {"rockylinux", "s390x", "rocky", "s390x"},
        {"opensuse.leap", "x86_64", "opensuse-leap", "amd64"},
        {"opensuse-leap", "x86_64", "opensuse-leap", "amd64"},
        {"sles", "x86_64", "sles", "amd64"},
        {"cbl-mariner", "x86_64", "cbl-mariner", "amd64"},
        {"azurelinux", "x86_64", "azurelinux", "amd64"},
        {"Ubuntu", "armhf", "ubuntu", "arm/v7"},
        {"alpine", "armv7", "alpine", "arm/v7"},
        {"debian", "armel", "debian", "arm/v6"},
        {"debian", "i386", "debian", "386"},
        {"wolfi", "x86_64", "wolfi", "amd64"},
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char json[512], arch[64];
        copa_report *r = NULL;
        const copa_report_metadata *m;
        snprintf(json, sizeof(json),
                 "{\"apiVersion\":\"v1alpha1\",\"metadata\":{\"os\":{\"type\":\"%s\","
                 "\"version\":\"1\"},\"config\":{\"arch\":\"%s\"}},\"updates\":[]}",
                 cases[i][0], cases[i][1]);
        assert_int_equal(parse_text(&r, json, 0), 0);
        m = copa_report_metadata_get(r);
        snprintf(arch, sizeof(arch), "%s%s%s", m->arch, m->variant[0] ? "/" : "", m->variant);
        assert_string_equal(m->os_family, cases[i][2]);
        assert_string_equal(arch, cases[i][3]);
        copa_report_free(r);
    }
}

static void unknown_arch_is_kept_with_warning(void **state)
{
    copa_report *r = NULL;
    (void)state;
    assert_int_equal(parse_text(&r,
                                "{\"apiVersion\":\"v1alpha1\",\"metadata\":{\"os\":{\"type\":"
                                "\"debian\"},\"config\":{\"arch\":\"sparc64\"}}}",
                                0),
                     0);
    assert_string_equal(copa_report_metadata_get(r)->arch, "sparc64");
    assert_true(has_warning(r, "sparc64"));
    copa_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(v1alpha1),
        cmocka_unit_test(v1alpha2),
        cmocka_unit_test(plugin_template_output),
        cmocka_unit_test(errors),
        cmocka_unit_test(normalization),
        cmocka_unit_test(unknown_arch_is_kept_with_warning),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
