/*
 * Alpine version ordering, from apk-tools' version grammar
 * (digits{.digits}[letter]{_suffix[N]}[~hash][-rN]) and the relations its
 * test data (test/unit/version.data) asserts.
 */
#include "version_cases.h"

static const version_case cases[] = {
    /* numbers */
    {"1.0", "=", "1.0"},
    {"1.0", "<", "1.1"},
    {"1.0", "<", "1.0.1"},
    {"1.2.3", "<", "1.2.10"},
    {"2.34", ">", "0.1.0_alpha"},
    {"9", ">", "2.18.3-r10"},
    {"10", ">", "9"},
    {"006", ">", "1.06-r6"},
    {"01", "=", "1"},
    {"1.2.2.1", "<", "1.4.1-r1"},
    {"2.59", "<", "20050718-r1"},
    {"18446744073709551616", ">", "18446744073709551615"},
    {"1.99999999999999999999", "<", "1.100000000000000000000"},
    /* later components with a leading zero compare as strings */
    {"1.02", "<", "1.1"},
    {"1.02", ">", "1.002"},
    {"1.0", "<", "1.00"},
    {"1.09", "<", "1.1"},
    {"1.010", "<", "1.02"},
    {"2.01.01_alpha10", ">", "0.94"},
    /* one letter after the numbers */
    {"1.0", "<", "1.0a"},
    {"1.0a", "<", "1.0b"},
    {"1.0z", "<", "1.0.1"},
    {"1.6d", ">", "1.2.07.8"},
    {"2.3.0b-r1", "<", "2.3.0b-r2"},
    {"0.9.8c-r1", "<", "4.5_p1"},
    {"1.0a", ">", "1.0_p1"},
    {"1.0a", ">", "1.0-r5"},
    /* pre-release suffixes sort before the release, in this order */
    {"1.0_alpha", "<", "1.0_beta"},
    {"1.0_beta", "<", "1.0_pre"},
    {"1.0_pre", "<", "1.0_rc"},
    {"1.0_rc", "<", "1.0"},
    {"1.0_alpha", "<", "1.0"},
    {"1.1", ">", "1.1_alpha1"},
    {"1.3_alpha", "<", "1.3_alpha2"},
    {"0.1.0_alpha2", ">", "0.1.0_alpha"},
    {"0.8_beta1", "<", "0.8_beta2"},
    {"0.1_pre20060810", "<", "0.1_pre20060817"},
    {"0.20070207_rc1", "<", "1.0"},
    {"1.2.5_rc2", ">", "0.1"},
    {"6.0_pre1", "<", "6.0"},
    {"1.0_rc9", "<", "1.0_rc10"},
    {"1.0_rc", "<", "1.0_rc1"},
    {"0.1.0_alpha_pre2", "<", "0.1.0_alpha"},
    /* post-release suffixes sort after it, in this order */
    {"1.0", "<", "1.0_cvs"},
    {"1.0_cvs", "<", "1.0_svn"},
    {"1.0_svn", "<", "1.0_git"},
    {"1.0_git", "<", "1.0_hg"},
    {"1.0_hg", "<", "1.0_p"},
    {"1.0_p", "<", "1.0_p1"},
    {"3.1_p16", "<", "3.1_p17"},
    {"1.0_p10-r0", ">", "1.0_p9-r0"},
    {"6.0_p1", ">", "6.0"},
    {"1.0_git20240101", ">", "1.0_git20231231"},
    {"1.0_p1", "<", "1.0.1"},
    {"1.0_rc1", "<", "1.0_p1"},
    {"1.0_p1_alpha", "<", "1.0_p1"},
    {"1.0_p1_p1", ">", "1.0_p1"},
    /* revisions */
    {"1.0-r0", ">", "1.0"},
    {"1.0-r1", ">", "1.0-r0"},
    {"1.0.4-r3", "<", "1.0.4-r4"},
    {"104-r11", ">", "104-r9"},
    {"1.2.2-r1", ">", "1.2.2"},
    {"4.5_p1-r1", ">", "4.5_p1"},
    {"1.0-r99", "<", "1.0_p1"},
    {"1.0-r99", "<", "1.0_cvs"},
    {"1.0_rc1-r5", "<", "1.0"},
    {"1.0-r01", "=", "1.0-r1"},
    {"2.9.11_pre20051101-r3", ">", "2.9.11_pre20051101"},
    /* commit hashes */
    {"1.0~1234", "<", "1.0~2345"},
    {"1.0~1234-r1", "<", "1.0~2345-r0"},
    {"1.0~1234-r1", ">", "1.0~1234-r0"},
    {"1.0~abc", ">", "1.0"},
    {"1.0~abc", ">", "1.0-r1"},
    {"1.0~abc", "<", "1.0_p1"},
    {"0.1_pre2~1234abcd", ">", "0.1_pre2"},
};

static const char *const sorted[] = {
    "0.9",      "1.0_alpha", "1.0_alpha1", "1.0_alpha2", "1.0_beta", "1.0_beta1", "1.0_pre",
    "1.0_pre1", "1.0_rc",    "1.0_rc1",    "1.0",        "1.0-r1",   "1.0-r2",    "1.0-r10",
    "1.0~0123", "1.0~abc",   "1.0_cvs",    "1.0_cvs1",   "1.0_svn",  "1.0_git",   "1.0_git20240101",
    "1.0_hg",   "1.0_p",     "1.0_p1",     "1.0_p1-r1",  "1.0_p2",   "1.0a",      "1.0a_p1",
    "1.0b",     "1.0.0",     "1.0.01",     "1.0.1",      "1.0.2",    "1.0.10",    "1.1",
    "2",        "10",
};

static const char *const invalid[] = {
    "",
    "a",
    ".1",
    "_pre1",
    "-r1",
    "1.0bc",
    "0.1bc1",
    "0.1a1",
    "0.1a.1",
    "0.1_pre2~",
    "0.1_pre2~1234xbcd",
    "0.1_pre2~1234abcd_pre1",
    "0.1_pre2-r1~1234abcd",
    "0.1_foobar",
    "0.1_foobar1",
    "0.1-pre1.1",
    "0.1-r",
    "0.1-r2_pre1",
    "0.1-r2_p3_pre1",
    "0.1-r2-r3",
    "0.1-r2.1",
    "0.1_",
    "0.1_-r0",
    "0.1__alpha",
    "0.1_1_alpha",
    "1.0A",
    "1.0 ",
    " 1.0",
    "1..0",
    "1.0.",
    "1.0-1",
    "1:1.0",
    "1.0~ABC",
    "1.0_Alpha",
    "1.0_pa",
    "1.0-r1 ",
    "1.0\xc3\xa9",
};

static const char *const odd_valid[] = {
    "0",
    "1.2",
    "0.1_pre2",
    "0.1_pre2~1234abcd",
    "0.1_p1_pre2",
    "0.1_alpha1_pre2",
    "0.1_git20240101_pre1",
    "1.0~0-r0",
    "00.000",
};

static void relations(void **state)
{
    (void)state;
    check_cases(COPA_PKG_APK, cases, COUNT(cases));
}

static void sorted_list(void **state)
{
    (void)state;
    check_sorted(COPA_PKG_APK, sorted, COUNT(sorted));
}

static void invalid_versions(void **state)
{
    (void)state;
    check_invalid(COPA_PKG_APK, invalid, COUNT(invalid));
}

static void odd_but_valid(void **state)
{
    (void)state;
    check_valid(COPA_PKG_APK, odd_valid, COUNT(odd_valid));
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
