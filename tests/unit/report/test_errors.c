/*
 * Bad input: each failure is one message naming the file and the problem,
 * a specific code, no report. Also the API's argument checks and options.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "report_test_helpers.h"

/* Parse a fixture expecting failure; check the code and message parts. */
static void expect_failure(const char *fixture, int code, const char *part1, const char *part2)
{
    copa_report *r = (copa_report *)1;
    char relative[256];
    const char *path;

    snprintf(relative, sizeof(relative), "report/%s", fixture);
    path = test_fixture_path(relative);
    assert_int_equal(copa_report_parse_file(&r, path, NULL), code);
    assert_null(r);
    assert_int_equal(copa_error_last_code(), code);
    /* The message starts with the file name. */
    assert_int_equal(strncmp(copa_error_last(), path, strlen(path)), 0);
    if (strstr(copa_error_last(), part1) == NULL || (part2 && !strstr(copa_error_last(), part2)))
        fail_msg("message '%s' lacks '%s' / '%s'", copa_error_last(), part1, part2 ? part2 : "");
}

static void malformed_json_names_the_offset(void **state)
{
    (void)state;
    expect_failure("malformed.json", COPA_EINVALID, "malformed JSON at byte 92",
                   "line 4, column 38): expected a string key");
}

static void empty_files(void **state)
{
    (void)state;
    expect_failure("empty.json", COPA_EINVALID, "the report is empty", NULL);
    expect_failure("blank.json", COPA_EINVALID, "the report is empty", NULL);
}

static void wrong_types_and_missing_fields(void **state)
{
    (void)state;
    expect_failure("wrong-type.json", COPA_EINVALID,
                   "Results[0].Vulnerabilities[1].PkgName: expected a string, got a number", NULL);
    expect_failure("missing-field.json", COPA_EINVALID,
                   "osupdates[0].installedVersion: required field is missing", NULL);
}

static void os_we_cannot_patch(void **state)
{
    (void)state;
    expect_failure("trivy-windows.json", COPA_EUNSUPPORTED, "'windows'", "cannot patch");
}

static void unknown_and_ambiguous_formats(void **state)
{
    (void)state;
    expect_failure("unknown.json", COPA_EINVALID, "unknown report format", "Grype JSON");
    expect_failure("ambiguous.json", COPA_EINVALID, "more than one", "--format");
}

static void missing_file(void **state)
{
    copa_report *r = NULL;
    (void)state;
    assert_int_equal(copa_report_parse_file(&r, "/nonexistent/report.json", NULL), COPA_ENOTFOUND);
    assert_non_null(strstr(copa_error_last(), "/nonexistent/report.json"));
}

static void invalid_version_fails_or_is_skipped(void **state)
{
    copa_report_options opts = COPA_REPORT_OPTIONS_INIT;
    copa_report *r = NULL;
    const char *path = test_fixture_path("report/trivy-invalid-version.json");
    (void)state;

    assert_int_equal(copa_report_parse_file(&r, path, &opts), COPA_EINVALID);
    assert_null(r);
    assert_non_null(strstr(copa_error_last(), path));
    assert_non_null(strstr(copa_error_last(), "'libbroken'"));
    assert_non_null(strstr(copa_error_last(), "'not a version'"));

    opts.ignore_errors = 1;
    assert_int_equal(copa_report_parse_file(&r, path, &opts), 0);
    assert_int_equal(copa_report_update_count(r), 1);
    assert_string_equal(copa_report_update_get(r, 0)->name, "libssl3");
    assert_int_equal(copa_report_warning_count(r), 1);
    assert_non_null(strstr(copa_report_warning_get(r, 0), "skipped package 'libbroken'"));
    copa_report_free(r);
}

static void skipped_package_leaves_nothing_behind(void **state)
{
    /* The package's unfixed vulnerability and dropped-fix warning go with it. */
    copa_report *r = NULL;
    (void)state;
    assert_int_equal(parse_text(&r,
                                "{\"apiVersion\":\"v1alpha1\",\"metadata\":{\"os\":{\"type\":"
                                "\"debian\"}},\"updates\":["
                                "{\"name\":\"a\",\"installedVersion\":\"1.0\",\"fixedVersion\":"
                                "\"\",\"vulnerabilityID\":\"C1\"},"
                                "{\"name\":\"a\",\"installedVersion\":\"1.0\",\"fixedVersion\":"
                                "\"0.9\",\"vulnerabilityID\":\"C2\"},"
                                "{\"name\":\"a\",\"installedVersion\":\"1.0\",\"fixedVersion\":"
                                "\"x:y\",\"vulnerabilityID\":\"C3\"}]}",
                                1),
                     0);
    assert_int_equal(copa_report_update_count(r), 0);
    assert_int_equal(copa_report_unfixed_count(r), 0);
    assert_int_equal(copa_report_warning_count(r), 1);
    assert_non_null(strstr(copa_report_warning_get(r, 0), "'x:y'"));
    copa_report_free(r);
}

static void json_shapes(void **state)
{
    copa_report *r = NULL;
    (void)state;
    assert_int_equal(parse_text(&r, "[]", 0), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "expected a JSON object at the top level"));
    assert_int_equal(parse_text(&r, "{\"matches\":[]} x", 0), COPA_EINVALID);
    assert_non_null(
        strstr(copa_error_last(),
               "malformed JSON at byte 15 (line 1, column 16): expected nothing after"));
    assert_int_equal(parse_text(&r, "{\"matches\":[", 0), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "unexpected end of input at byte 12"));
    /* Trailing whitespace is fine. */
    assert_int_equal(parse_text(&r, "{\"matches\":[]}\n\n", 0), 0);
    assert_int_equal(copa_report_update_count(r), 0);
    copa_report_free(r);
}

static void buffer_need_not_be_terminated(void **state)
{
    static const char text[] = "{\"matches\":[]}GARBAGE";
    copa_report *r = NULL;
    char *copy = malloc(14);
    (void)state;
    /* Exactly the document, no NUL after it (ASan checks the bounds). */
    memcpy(copy, text, 14);
    assert_int_equal(copa_report_parse_buffer(&r, copy, 14, NULL, NULL), 0);
    copa_report_free(r);
    free(copy);
}

static void forced_format_mismatch(void **state)
{
    copa_report_options opts = COPA_REPORT_OPTIONS_INIT;
    copa_report *r = NULL;
    const char *grype = "{\"matches\":[]}";
    (void)state;
    opts.format = COPA_REPORT_NATIVE;
    assert_int_equal(copa_report_parse_buffer(&r, grype, strlen(grype), "g.json", &opts),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "g.json: apiVersion: required field is missing"));
    opts.format = COPA_REPORT_GRYPE;
    assert_int_equal(copa_report_parse_buffer(&r, grype, strlen(grype), "g.json", &opts), 0);
    assert_int_equal(copa_report_metadata_get(r)->format, COPA_REPORT_GRYPE);
    copa_report_free(r);
}

static void api_arguments(void **state)
{
    copa_report_options opts;
    copa_report_format format;
    copa_report *r = NULL;
    (void)state;

    assert_int_equal(copa_report_parse_file(NULL, "x", NULL), COPA_EINVALID);
    assert_int_equal(copa_report_parse_file(&r, NULL, NULL), COPA_EINVALID);
    assert_int_equal(copa_report_parse_buffer(&r, NULL, 3, NULL, NULL), COPA_EINVALID);
    assert_int_equal(copa_report_options_init(&opts, 99), COPA_EINVALID);
    assert_int_equal(copa_report_options_init(&opts, COPA_REPORT_OPTIONS_VERSION), 0);
    assert_int_equal(opts.format, COPA_REPORT_AUTO);
    assert_null(opts.scanner);
    opts.version = 99;
    assert_int_equal(copa_report_parse_buffer(&r, "{}", 2, NULL, &opts), COPA_EINVALID);
    copa_report_options_init(&opts, COPA_REPORT_OPTIONS_VERSION);
    opts.scanner = "x";
    assert_int_equal(copa_report_parse_buffer(&r, "{}", 2, NULL, &opts), COPA_EINVALID);
    assert_null(r);

    copa_report_free(NULL);
    assert_null(copa_report_metadata_get(NULL));
    assert_int_equal(copa_report_update_count(NULL), 0);
    assert_null(copa_report_update_get(NULL, 0));
    assert_int_equal(copa_report_lang_count(NULL), 0);
    assert_int_equal(copa_report_unfixed_count(NULL), 0);
    assert_int_equal(copa_report_warning_count(NULL), 0);
    assert_null(copa_report_warning_get(NULL, 0));
    assert_int_equal(copa_report_to_json(NULL, NULL), COPA_EINVALID);
    copa_report_json_free(NULL);

    assert_int_equal(copa_report_format_from_name(&format, "GRYPE"), 0);
    assert_int_equal(format, COPA_REPORT_GRYPE);
    assert_int_equal(copa_report_format_from_name(&format, "plugin"), COPA_EINVALID);
    assert_int_equal(copa_report_format_from_name(&format, "sarif"), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "sarif"));
    assert_string_equal(copa_report_format_name(COPA_REPORT_TRIVY), "trivy");
    assert_string_equal(copa_report_format_name((copa_report_format)42), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(malformed_json_names_the_offset),
        cmocka_unit_test(empty_files),
        cmocka_unit_test(wrong_types_and_missing_fields),
        cmocka_unit_test(os_we_cannot_patch),
        cmocka_unit_test(unknown_and_ambiguous_formats),
        cmocka_unit_test(missing_file),
        cmocka_unit_test(invalid_version_fails_or_is_skipped),
        cmocka_unit_test(skipped_package_leaves_nothing_behind),
        cmocka_unit_test(json_shapes),
        cmocka_unit_test(buffer_need_not_be_terminated),
        cmocka_unit_test(forced_format_mismatch),
        cmocka_unit_test(api_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
