/*
 * Shared by the report unit tests: load a fixture, find an update by name.
 * Included by each test file (each test file is its own program).
 */
#ifndef COPA_TEST_REPORT_HELPERS_H
#define COPA_TEST_REPORT_HELPERS_H

#include <copa.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"

/* Parse tests/fixtures/report/NAME with default options; fails the test on error. */
static inline copa_report *load_fixture(const char *name)
{
    copa_report *report = NULL;
    char relative[256];
    int rc;

    snprintf(relative, sizeof(relative), "report/%s", name);
    rc = copa_report_parse_file(&report, test_fixture_path(relative), NULL);
    if (rc != 0)
        fprintf(stderr, "%s: %s\n", name, copa_error_last());
    assert_int_equal(rc, 0);
    assert_non_null(report);
    return report;
}

/* Parse a NUL-terminated JSON text; returns the code, report in *out. */
static inline int parse_text(copa_report **out, const char *json, int ignore_errors)
{
    copa_report_options opts = COPA_REPORT_OPTIONS_INIT;
    opts.ignore_errors = ignore_errors;
    return copa_report_parse_buffer(out, json, strlen(json), "test.json", &opts);
}

static inline const copa_report_update *find_update(const copa_report *report, const char *name)
{
    size_t i;
    for (i = 0; i < copa_report_update_count(report); i++)
        if (strcmp(copa_report_update_get(report, i)->name, name) == 0)
            return copa_report_update_get(report, i);
    return NULL;
}

static inline const copa_report_update *find_lang(const copa_report *report, const char *name)
{
    size_t i;
    for (i = 0; i < copa_report_lang_count(report); i++)
        if (strcmp(copa_report_lang_get(report, i)->name, name) == 0)
            return copa_report_lang_get(report, i);
    return NULL;
}

/* The update of `name` must exist and ask for `fixed`. */
static inline const copa_report_update *expect_update(const copa_report *report, const char *name,
                                                      const char *installed, const char *fixed)
{
    const copa_report_update *u = find_update(report, name);
    if (u == NULL)
        fprintf(stderr, "no update for %s\n", name);
    assert_non_null(u);
    assert_string_equal(u->installed_version, installed);
    assert_string_equal(u->fixed_version, fixed);
    assert_int_equal(u->handled, 1);
    assert_string_equal(u->pkg_class, "os-pkgs");
    return u;
}

static inline int has_warning(const copa_report *report, const char *needle)
{
    size_t i;
    for (i = 0; i < copa_report_warning_count(report); i++)
        if (strstr(copa_report_warning_get(report, i), needle) != NULL)
            return 1;
    return 0;
}

#endif
