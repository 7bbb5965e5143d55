/*
 * UTF-8 validation and the repairing copy used for JSON output: valid text
 * (ASCII, 2-, 3- and 4-byte sequences) is kept byte for byte; stray
 * continuation bytes, Latin-1, overlongs, surrogates, code points above
 * U+10FFFF and sequences cut by the end become U+FFFD, one per byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/utf8.h"

#include <string.h>

static void valid_text_is_kept(void **state)
{
    static const char *const valid[] = {"",
                                        "libssl3",
                                        "Főtanúsítvány",
                                        "\xe2\x82\xac",
                                        "\xf0\x9f\x98\x80",
                                        "\xf4\x8f\xbf\xbf",
                                        "\xed\x9f\xbf" /* U+D7FF, just below the surrogates */};
    copa__arena a;
    size_t i;
    (void)state;

    copa__arena_init(&a);
    for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
        assert_true(copa__utf8_valid(valid[i]));
        assert_string_equal(copa__utf8_arena_dup(&a, valid[i]), valid[i]);
    }
    copa__arena_free(&a);
}

static void invalid_bytes_become_replacement_characters(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"caf\xe9", "caf\xef\xbf\xbd"},                           /* Latin-1 */
        {"\x80x", "\xef\xbf\xbdx"},                               /* stray continuation */
        {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},                 /* overlong '/' */
        {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* a surrogate */
        {"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* > U+10FFFF */
        {"ab\xe2\x82", "ab\xef\xbf\xbd\xef\xbf\xbd"}, /* cut by the end */
        {"\xff\xfe", "\xef\xbf\xbd\xef\xbf\xbd"},
    };
    copa__arena a;
    size_t i;
    (void)state;

    copa__arena_init(&a);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = copa__utf8_arena_dup(&a, cases[i].in);
        assert_false(copa__utf8_valid(cases[i].in));
        assert_non_null(out);
        assert_string_equal(out, cases[i].out);
        assert_true(copa__utf8_valid(out));
    }
    copa__arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_text_is_kept),
        cmocka_unit_test(invalid_bytes_become_replacement_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
