/*
 * Debian version ordering, from Debian Policy 5.6.12 and dpkg's
 * parseversion()/verrevcmp() rules (every case also agrees with
 * `dpkg --compare-versions`).
 */
#include "version_cases.h"

static const version_case cases[] = {
    /* plain numbers and components */
    {"1.0", "<", "1.1"},
    {"1.0", "=", "1.0"},
    {"1.2.3", "<", "1.2.10"},
    {"1.2", "<", "1.2.0"},
    {"1.0.0", ">", "1.0"},
    {"0.0.1", "<", "0.1"},
    {"10", ">", "9"},
    {"1.10", ">", "1.9"},
    /* numeric runs: leading zeros ignored, any length */
    {"01", "=", "1"},
    {"1.01", "=", "1.1"},
    {"1.001", "=", "1.1"},
    {"1.0010", ">", "1.9"},
    {"1.0a", "<", "1.09"},
    {"18446744073709551616", ">", "18446744073709551615"},
    {"99999999999999999999999", ">", "99999999999999999999998"},
    {"100000000000000000000", ">", "99999999999999999999"},
    {"000000000000000000000000001", "=", "1"},
    /* tilde sorts before everything, even the end */
    {"1.0~rc1", "<", "1.0"},
    {"1.0~rc1", "<", "1.0~rc2"},
    {"1.0~beta1", "<", "1.0~rc1"},
    {"1.0~~", "<", "1.0~"},
    {"1.0~~a", "<", "1.0~"},
    {"1.0~", "<", "1.0"},
    {"1~", "<", "1"},
    {"1~~", "<", "1~~a"},
    {"1.0~rc1", "<", "1.0~rc1+b1"},
    /* letters sort before non-letters, the end before letters */
    {"1", "<", "1a"},
    {"1.0", "<", "1.0a"},
    {"1.0a", "<", "1.0b"},
    {"1.0Z", "<", "1.0a"},
    {"1aa", ">", "1a"},
    {"1.0a", "<", "1.0+"},
    {"1.0+", "<", "1.0."},
    {"1.2a", ">", "1.2"},
    {"1.2a", "<", "1.2.0"},
    {"1.0", "<", "1.0+1"},
    {"1.0+dfsg-1", ">", "1.0-1"},
    {"1.0+dfsg-1", "<", "1.0.1-1"},
    /* epochs */
    {"1:0.1", ">", "2.0"},
    {"0:1.0", "=", "1.0"},
    {"00:1.0", "=", "1.0"},
    {"2:1", ">", "1:9"},
    {"10:1", ">", "9:1"},
    {"2:0", ">", "1:999"},
    {"2147483647:1", ">", "2147483646:9"},
    {"+1:1.0", "=", "1:1.0"},
    /* revisions: split at the last hyphen, missing equals "0" */
    {"1.0", "=", "1.0-0"},
    {"1.0-00", "=", "1.0-0"},
    {"1.0", "<", "1.0-1"},
    {"1.0-1", "<", "1.0-2"},
    {"1.0-9", "<", "1.0-10"},
    {"1.0-1", "<", "1.0.1"},
    {"1.0-1-1", ">", "1.0-1"},
    {"1.0-a", ">", "1.0-9"},
    {"3.0-0ubuntu1", ">", "3.0"},
    {"1.0-1ubuntu1", ">", "1.0-1"},
    {"1.0-1ubuntu1", "<", "1.0-2"},
    {"1.0-1+deb11u1", ">", "1.0-1"},
    {"1.0-1+deb11u1", "<", "1.0-1+deb11u2"},
    {"1.0-1~bpo11+1", "<", "1.0-1"},
    {"2.30-1", "<", "2.30-1+b1"},
    {"7.4.052-1ubuntu3", "<", "7.4.052-1ubuntu3.1"},
    {"2.36.1-8+deb11u1", "<", "2.36.1-8+deb11u2"},
    {"1.1.1n-0+deb11u3", "<", "1.1.1n-0+deb11u4"},
    {"1.1.1n-0+deb11u5", "<", "1.1.1w-0+deb11u1"},
    /* colons after the epoch belong to the upstream version */
    {"1:2:3", ">", "1:2"},
    {"1:2:3", ">", "1:2.3"},
    /* blanks around the version are trimmed, as dpkg does */
    {" 1.0", "=", "1.0"},
    {"1.0\t", "=", "1.0"},
};

static const char *const sorted[] = {
    "0.1~",
    "0.1",
    "0.1-1",
    "1.0~~",
    "1.0~~a",
    "1.0~",
    "1.0~beta1",
    "1.0~rc1",
    "1.0",
    "1.0-0.1",
    "1.0-1~bpo1",
    "1.0-1",
    "1.0-1+b1",
    "1.0-1.1",
    "1.0-2",
    "1.0-10",
    "1.0a",
    "1.0+dfsg",
    "1.0+dfsg-1",
    "1.0.1",
    "1.1",
    "1.9",
    "1.10",
    "99999999999999999999",
    "0:100000000000000000000",
    "1:0",
    "1:0.1-1",
    "2:0~",
    "2147483647:0",
};

static const char *const invalid[] = {
    "",        "   ",     "1.0 beta",     "a:1",           ":1.0",
    "1:",      "-1:1.0",  "2147483648:1", "99999999999:1", "1.0-",
    "1:-1",    "-1",      "abc",          "x1.0",          ".1",
    "~1",      "1.0_1",   "1.0-1_2",      "1.0-1-",        "1.0\n",
    "1.0,1",   "1.0-a:b", "1.0:1",        "1.0-1:2",       "1.0\xc3\xa9",
    "1.0-1/2", "1:a1",    "1.0-r1 x",     "1 0",           "1.0\t-1",
};

/* Odd but accepted, because dpkg accepts them without a warning. */
static const char *const odd_valid[] = {
    "+1:1.0", " 1.0 ", "1:2:3", "1.0-1-2", "0:0", "1.0-~", "-0:1", "\n1:1", "0",
};

static void relations(void **state)
{
    (void)state;
    check_cases(COPA_PKG_DEB, cases, COUNT(cases));
}

static void sorted_list(void **state)
{
    (void)state;
    check_sorted(COPA_PKG_DEB, sorted, COUNT(sorted));
}

static void invalid_versions(void **state)
{
    (void)state;
    check_invalid(COPA_PKG_DEB, invalid, COUNT(invalid));
}

static void odd_but_valid(void **state)
{
    (void)state;
    check_valid(COPA_PKG_DEB, odd_valid, COUNT(odd_valid));
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
