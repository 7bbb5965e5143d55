/*
 * The deb822 reader: fields, continuation lines, comments, raw text and
 * offsets, streaming in small pieces, and errors with file and line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <stdlib.h>
#include <string.h>

#include "repo/deb822.h"

static const char sample[] = "Package: hello\n"
                             "Version: 2.10-3\n"
                             "Description: say hello\n"
                             " A longer text.\n"
                             " .\n"
                             " Second paragraph.\n"
                             "depends: libc6 (>= 2.34),\n"
                             "  zlib1g\n"
                             "\n"
                             "\n"
                             "Package: world\n"
                             "Version: 1\n";

static char *value_of(const copa__deb822_field *f, int lines)
{
    char *dst = malloc(f->value_len + 1);
    assert_non_null(dst);
    if (lines)
        copa__deb822_lines(f, dst);
    else
        copa__deb822_unfold(f, dst);
    return dst;
}

static void reads_fields_in_order_with_raw_text(void **state)
{
    copa__deb822_parser p;
    copa__deb822_stanza st;
    const copa__deb822_field *f;
    char *v;
    (void)state;

    copa__deb822_init(&p, "sample", 0);
    copa__deb822_feed(&p, sample, strlen(sample), 1);
    assert_int_equal(copa__deb822_next(&p, &st), 1);
    assert_int_equal(st.count, 4);
    assert_int_equal(st.line, 1);
    assert_int_equal(st.offset, 0);
    assert_true(copa__deb822_is(&st.fields[0], "package"));
    assert_true(copa__deb822_is(&st.fields[3], "Depends"));
    assert_int_equal(st.fields[3].line, 7);
    /* raw text: everything up to and including the last field's newline */
    assert_int_equal(st.raw_len, strlen(sample) - strlen("\n\nPackage: world\nVersion: 1\n"));
    assert_memory_equal(st.raw, sample, st.raw_len);

    f = copa__deb822_get(&st, "DEPENDS");
    assert_non_null(f);
    v = value_of(f, 0);
    assert_string_equal(v, "libc6 (>= 2.34), zlib1g");
    free(v);
    v = value_of(copa__deb822_get(&st, "Description"), 1);
    assert_string_equal(v, "say hello\nA longer text.\n\nSecond paragraph.");
    free(v);
    assert_null(copa__deb822_get(&st, "Missing"));

    assert_int_equal(copa__deb822_next(&p, &st), 1);
    assert_int_equal(st.line, 11);
    assert_int_equal(st.offset, strlen(sample) - strlen("Package: world\nVersion: 1\n"));
    assert_int_equal(st.count, 2);
    assert_int_equal(copa__deb822_next(&p, &st), 0);
    copa__deb822_free(&p);
}

static void no_final_newline_and_multiline_first_line_empty(void **state)
{
    static const char text[] = "SHA256:\n abc 1 x\n def 2 y";
    copa__deb822_parser p;
    copa__deb822_stanza st;
    char *v;
    (void)state;

    copa__deb822_init(&p, "t", 0);
    copa__deb822_feed(&p, text, strlen(text), 1);
    assert_int_equal(copa__deb822_next(&p, &st), 1);
    assert_int_equal(st.raw_len, strlen(text));
    v = value_of(&st.fields[0], 1);
    assert_string_equal(v, "abc 1 x\ndef 2 y");
    free(v);
    v = value_of(&st.fields[0], 0);
    assert_string_equal(v, "abc 1 x def 2 y");
    free(v);
    assert_int_equal(copa__deb822_next(&p, &st), 0);
    copa__deb822_free(&p);
}

static void comments_only_with_flag(void **state)
{
    static const char text[] = "# header\nTypes: deb\n# inside\nURIs: x\n";
    copa__deb822_parser p;
    copa__deb822_stanza st;
    (void)state;

    copa__deb822_init(&p, "a.sources", COPA__DEB822_COMMENTS);
    copa__deb822_feed(&p, text, strlen(text), 1);
    assert_int_equal(copa__deb822_next(&p, &st), 1);
    assert_int_equal(st.count, 2);
    assert_int_equal(st.line, 2);
    assert_int_equal(st.fields[1].line, 4);
    copa__deb822_free(&p);

    copa__deb822_init(&p, "a.list", 0);
    copa__deb822_feed(&p, text, strlen(text), 1);
    assert_int_equal(copa__deb822_next(&p, &st), COPA_EINVALID);
    assert_string_equal(copa_error_last(),
                        "a.list:1: expected 'Field: value', got a line without ':'");
    copa__deb822_free(&p);
}

static void expect_error(const char *text, const char *message)
{
    copa__deb822_parser p;
    copa__deb822_stanza st;
    int rc;

    copa__deb822_init(&p, "bad.txt", 0);
    copa__deb822_feed(&p, text, strlen(text), 1);
    while ((rc = copa__deb822_next(&p, &st)) == 1)
        ;
    assert_int_equal(rc, COPA_EINVALID);
    assert_string_equal(copa_error_last(), message);
    copa__deb822_free(&p);
}

static void malformed_input_names_file_and_line(void **state)
{
    (void)state;
    expect_error("A: 1\n\nB: 2\nno colon here\n", "bad.txt:4: expected 'Field: value', got a line "
                                                  "without ':'");
    expect_error(" leading continuation\n", "bad.txt:1: continuation line before any field");
    expect_error("A: 1\nB: 2\na: 3\n", "bad.txt:3: duplicate field 'a'");
    expect_error("X: 1\n: empty\n", "bad.txt:2: empty field name");
    expect_error("Bad Name: 1\n", "bad.txt:1: invalid character in field name 'Bad Name'");
}

static void whitespace_only_lines_separate_stanzas(void **state)
{
    static const char text[] = "A: 1\n \t\nB: 2\n";
    copa__deb822_parser p;
    copa__deb822_stanza st;
    (void)state;
    copa__deb822_init(&p, "t", 0);
    copa__deb822_feed(&p, text, strlen(text), 1);
    assert_int_equal(copa__deb822_next(&p, &st), 1);
    assert_int_equal(st.count, 1);
    assert_int_equal(copa__deb822_next(&p, &st), 1);
    assert_int_equal(st.line, 3);
    assert_int_equal(copa__deb822_next(&p, &st), 0);
    copa__deb822_free(&p);
}

/* Feeding the text a few bytes at a time gives the same stanzas. */
static void streaming_in_small_pieces(void **state)
{
    size_t piece;
    (void)state;
    for (piece = 1; piece <= 7; piece++) {
        copa__deb822_parser p;
        copa__deb822_stanza st;
        char buf[sizeof(sample)];
        size_t used = 0, given = 0, lines[2], offsets[2], n = 0;
        int rc;

        copa__deb822_init(&p, "stream", 0);
        for (;;) {
            size_t take = sizeof(sample) - 1 - given < piece ? sizeof(sample) - 1 - given : piece;
            int final;
            memcpy(buf + used, sample + given, take);
            used += take;
            given += take;
            final = given == sizeof(sample) - 1;
            copa__deb822_feed(&p, buf, used, final);
            while ((rc = copa__deb822_next(&p, &st)) == 1) {
                assert_true(n < 2);
                lines[n] = st.line;
                offsets[n] = st.offset;
                assert_memory_equal(st.raw, sample + st.offset, st.raw_len);
                n++;
            }
            assert_true(rc == 0 || rc == COPA__DEB822_MORE);
            memmove(buf, buf + copa__deb822_consumed(&p), used - copa__deb822_consumed(&p));
            used -= copa__deb822_consumed(&p);
            copa__deb822_feed(&p, buf, used, final);
            if (rc == 0)
                break;
        }
        assert_int_equal(n, 2);
        assert_int_equal(lines[0], 1);
        assert_int_equal(lines[1], 11);
        assert_int_equal(offsets[1], strlen(sample) - strlen("Package: world\nVersion: 1\n"));
        copa__deb822_free(&p);
    }
}

static void empty_input_has_no_stanza(void **state)
{
    copa__deb822_parser p;
    copa__deb822_stanza st;
    (void)state;
    copa__deb822_init(&p, "t", 0);
    copa__deb822_feed(&p, "\n\n", 2, 1);
    assert_int_equal(copa__deb822_next(&p, &st), 0);
    copa__deb822_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_fields_in_order_with_raw_text),
        cmocka_unit_test(no_final_newline_and_multiline_first_line_empty),
        cmocka_unit_test(comments_only_with_flag),
        cmocka_unit_test(malformed_input_names_file_and_line),
        cmocka_unit_test(whitespace_only_lines_separate_stanzas),
        cmocka_unit_test(streaming_in_small_pieces),
        cmocka_unit_test(empty_input_has_no_stanza),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
