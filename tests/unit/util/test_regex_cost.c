/*
 * The regex cost check that stands before glibc's regcomp (util/regex_cost.h):
 * ordinary patterns pass; '+' chains, nested repeated groups and large
 * counts that glibc would expand into millions of nodes are refused; and a
 * refused pattern is one regcomp really struggles with (the first case the
 * apt_prefs fuzz target found: 50 '+' in a pin's /regex/ took > 2 GB).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/regex_cost.h"

#include <string.h>

static void ordinary_patterns_pass(void **state)
{
    static const char *const ok[] = {"",
                                     "^1\\.2\\..*",
                                     "^[0-9]+\\.[0-9]+$",
                                     "(foo|bar)+baz",
                                     "a{3}b{2,5}",
                                     "[]+]+",
                                     "[[:digit:]]{1,3}",
                                     "x\\+\\+\\+\\+",
                                     "((a+)b)+",
                                     "^v?[0-9]+(\\.[0-9]+){0,3}$",
                                     "a{10}{10}{10}"};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        assert_true(copa__regex_cost_ok(ok[i], 1000));
}

static void costly_patterns_are_refused(void **state)
{
    char pluses[64];
    static const char *const costly[] = {
        "((((((((((a+)+)+)+)+)+)+)+)+)+)+", /* 2^11 copies of a */
        "a{1001}",
        "(a{10}){10}{11}",
        "((a{100}){100})",
        "[x]{2000}",
    };
    size_t i;
    (void)state;

    memset(pluses, '+', sizeof(pluses) - 1);
    pluses[0] = 'b';
    pluses[sizeof(pluses) - 1] = '\0';
    assert_false(copa__regex_cost_ok(pluses, 1000));
    for (i = 0; i < sizeof(costly) / sizeof(costly[0]); i++)
        assert_false(copa__regex_cost_ok(costly[i], 1000));
}

/* n groups around "a": "((...(a)...))". */
static void nested(char *out, int n)
{
    memset(out, '(', (size_t)n);
    out[n] = 'a';
    memset(out + n + 1, ')', (size_t)n);
    out[2 * n + 1] = '\0';
}

static void groups_nest_at_most_100_deep(void **state)
{
    char deep[256];
    (void)state;
    nested(deep, 100);
    assert_true(copa__regex_cost_ok(deep, 1000));
    nested(deep, 101);
    assert_false(copa__regex_cost_ok(deep, 1000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ordinary_patterns_pass),
        cmocka_unit_test(costly_patterns_are_refused),
        cmocka_unit_test(groups_nest_at_most_100_deep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
