/*
 * Table-driven checks shared by the version ordering tests: expected
 * relations, ordering laws over a sorted list, and invalid strings.
 */
#ifndef COPA_TEST_VERSION_CASES_H
#define COPA_TEST_VERSION_CASES_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <string.h>

/* "a op b" with op one of "<", "=", ">". */
typedef struct version_case {
    const char *a;
    const char *op;
    const char *b;
} version_case;

static inline int op_value(const char *op)
{
    return op[0] == '<' ? -1 : op[0] == '>' ? 1 : 0;
}

static inline int compare_or_fail(copa_pkg_format format, const char *a, const char *b)
{
    int out = 42;
    int rc = copa_version_compare(&out, format, a, b);
    if (rc != 0)
        fail_msg("%s: compare('%s', '%s') failed: %s", copa_pkg_format_name(format), a, b,
                 copa_error_last());
    return out;
}

/* Every case holds, and holds reversed (antisymmetry). */
static inline void check_cases(copa_pkg_format format, const version_case *cases, size_t n)
{
    size_t i;
    int failures = 0;

    for (i = 0; i < n; i++) {
        int want = op_value(cases[i].op);
        int got = compare_or_fail(format, cases[i].a, cases[i].b);
        int back = compare_or_fail(format, cases[i].b, cases[i].a);
        if (got != want || back != -want) {
            print_error("%s: '%s' %s '%s' expected, got %d (reversed %d)\n",
                        copa_pkg_format_name(format), cases[i].a, cases[i].op, cases[i].b, got,
                        back);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
}

/*
 * A strictly ascending list: every pair compares by position, which checks
 * transitivity, antisymmetry and reflexivity over the list.
 */
static inline void check_sorted(copa_pkg_format format, const char *const *list, size_t n)
{
    size_t i, j;
    int failures = 0;

    for (i = 0; i < n; i++) {
        for (j = 0; j < n; j++) {
            int want = i < j ? -1 : i > j ? 1 : 0;
            int got = compare_or_fail(format, list[i], list[j]);
            if (got != want) {
                print_error("%s: compare('%s', '%s') = %d, expected %d\n",
                            copa_pkg_format_name(format), list[i], list[j], got, want);
                failures++;
            }
        }
    }
    assert_int_equal(failures, 0);
}

/* Each string is rejected by both functions, with a message naming it. */
static inline void check_invalid(copa_pkg_format format, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        int out = 42;
        copa_error_clear();
        if (copa_version_valid(format, list[i]) != COPA_EINVALID)
            fail_msg("%s: '%s' was accepted", copa_pkg_format_name(format), list[i]);
        if (strstr(copa_error_last(), list[i]) == NULL || strlen(copa_error_last()) == 0)
            fail_msg("%s: message '%s' does not name '%s'", copa_pkg_format_name(format),
                     copa_error_last(), list[i]);
        assert_int_equal(copa_error_last_code(), COPA_EINVALID);
        assert_int_equal(copa_version_compare(&out, format, list[i], "1"), COPA_EINVALID);
        assert_int_equal(copa_version_compare(&out, format, "1", list[i]), COPA_EINVALID);
        assert_non_null(strstr(copa_error_last(), list[i]));
        assert_int_equal(out, 42);
    }
}

/* Each string is accepted (for edge cases that look wrong but are valid). */
static inline void check_valid(copa_pkg_format format, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (copa_version_valid(format, list[i]) != 0)
            fail_msg("%s: '%s' rejected: %s", copa_pkg_format_name(format), list[i],
                     copa_error_last());
}

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

#endif
