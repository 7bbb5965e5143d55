/*
 * RPM version ordering: rpmvercmp's segment rules (the cases of rpm's own
 * rpmvercmp test suite, which the spec describes) and rpm 4.18's
 * [epoch:]version[-release] handling. Every case also agrees with
 * rpm.vercmp() in rpm's lua.
 */
#include "version_cases.h"

static const version_case cases[] = {
    /* numbers and segments */
    {"1.0", "=", "1.0"},
    {"1.0", "<", "2.0"},
    {"2.0.1", ">", "2.0"},
    {"2.0.1a", ">", "2.0.1"},
    {"5.5p1", "=", "5.5p1"},
    {"5.5p1", "<", "5.5p2"},
    {"5.5p10", ">", "5.5p1"},
    {"10xyz", "<", "10.1xyz"},
    {"xyz10", "=", "xyz10"},
    {"xyz10", "<", "xyz10.1"},
    {"xyz.4", "=", "xyz.4"},
    {"xyz.4", "<", "8"},
    {"xyz.4", "<", "2"},
    {"5.5p2", "<", "5.6p1"},
    {"5.6p1", "<", "6.5p1"},
    {"6.0.rc1", ">", "6.0"},
    {"10b2", ">", "10a1"},
    {"10a2", "<", "10b2"},
    {"1.0aa", "=", "1.0aa"},
    {"1.0a", "<", "1.0aa"},
    {"10.0001", "=", "10.0001"},
    {"10.0001", "=", "10.1"},
    {"10.0001", "<", "10.0039"},
    {"4.999.9", "<", "5.0"},
    {"20101121", "<", "20101122"},
    {"1e", ">", "1"},
    {"1.0a", "<", "1.0.1"},
    {"1.0", "<", "1.0a"},
    {"a", "<", "b"},
    {"A", "<", "a"},
    {"99999999999999999999", "<", "100000000000000000000"},
    {"18446744073709551616", ">", "18446744073709551615"},
    /* separators only separate */
    {"2_0", "=", "2_0"},
    {"2.0", "=", "2_0"},
    {"1..0", "=", "1.0"},
    {"1.0", "=", "1.0."},
    {"1_0", "=", "1.0"},
    {"a+", "=", "a_"},
    {"+a", "=", "_a"},
    {"+_", "=", "_+"},
    /* tilde: pre-release, before everything */
    {"1.0~rc1", "<", "1.0"},
    {"1.0~rc1", "<", "1.0~rc2"},
    {"1.0~rc1~git123", "<", "1.0~rc1"},
    {"1.0~", "<", "1.0"},
    {"1.0~rc1", "<", "1.0.1"},
    {"1.0~rc1", "=", "1.0~rc1"},
    /* caret: post-release, after the end but before more segments */
    {"1.0^", ">", "1.0"},
    {"1.0^git1", ">", "1.0"},
    {"1.0^git1", "<", "1.0^git2"},
    {"1.0^git1", "<", "1.01"},
    {"1.0^20160101", "<", "1.0.1"},
    {"1.0^20160101^git1", ">", "1.0^20160101"},
    {"1.0^20160102", ">", "1.0^20160101^git1"},
    {"1.0~rc1^git1", ">", "1.0~rc1"},
    {"1.0^git1~pre", "<", "1.0^git1"},
    {"1.0^", "<", "1.0.1"},
    {"1.0~rc1^2", ">", "1.0~rc1"},
    /* epochs: missing is 0, compared as numbers */
    {"1:1.0", ">", "2.0"},
    {"0:1.0", "=", "1.0"},
    {"00:1", "=", "0:1"},
    {"2:1.0-1", ">", "1:9.9-9"},
    {"10:1", ">", "9:1"},
    {"99999999999999999999:1", ">", "99999999999999999998:1"},
    /* releases: missing sorts before any release */
    {"1.0", "<", "1.0-1"},
    {"1.0", "<", "1.0-0"},
    {"1.0-1", "<", "1.0-2"},
    {"1.0-2", "<", "1.0-10"},
    {"1.0-1", "<", "1.0-1.el8"},
    {"1.0-1.el8", "<", "1.0-1.el9"},
    {"1.0-1.el8_4", "<", "1.0-1.el8_10"},
    {"1.0-1~", "<", "1.0-1"},
    {"1.0-1", "<", "1.0.1"},
    {"1.2.3-1-2", ">", "1.2.3-1"},
    {"3.2.1-4.el8", ">", "3.2.1-3.fc38"},
    {"1:1.0-1", "=", "1:1.0-1"},
    {"2.28-225.el8", "<", "2.28-225.el8_8.6"},
};

static const char *const sorted[] = {
    "0.9",   "1.0~~",      "1.0~rc1",  "1.0~rc1^git1", "1.0~rc2", "1.0",
    "1.0-0", "1.0-1~beta", "1.0-1",    "1.0-1.el8",    "1.0-2",   "1.0-10",
    "1.0^",  "1.0^git1",   "1.0^git2", "1.0a",         "1.0.1",   "1.0.1.1",
    "1.1",   "1.10",       "2",        "1:0",          "1:1.0",   "2:0.1",
};

static const char *const invalid[] = {
    "",      " ",     "1.0 ",    " 1.0",   "1.0\n", "1.0\t1", "1.0\x7f", "1.0\xc3\xa9",
    ":1.0",  "a:1.0", "1a:1.0",  "1:",     "1:-1",  "-1",     "1.0-",    "1:2:3",
    "1.0:1", "x:1",   "1.0-1:2", "1:1.0-",
};

static const char *const odd_valid[] = {"a", "+_", "1.0-1-2", "^", "~", "1^-~"};

static void relations(void **state)
{
    (void)state;
    check_cases(COPA_PKG_RPM, cases, COUNT(cases));
}

static void sorted_list(void **state)
{
    (void)state;
    check_sorted(COPA_PKG_RPM, sorted, COUNT(sorted));
}

static void invalid_versions(void **state)
{
    (void)state;
    check_invalid(COPA_PKG_RPM, invalid, COUNT(invalid));
}

static void odd_but_valid(void **state)
{
    (void)state;
    check_valid(COPA_PKG_RPM, odd_valid, COUNT(odd_valid));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(relations),
        cmocka_unit_test(sorted_list),
        cmocka_unit_test(invalid_versions),
        cmocka_unit_test(odd_but_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
