/*
 * The validating pruner in front of cJSON: it accepts exactly JSON, says
 * where malformed input goes wrong, and drops only the unread members.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <copa.h>
#include <stdlib.h>
#include <string.h>

#include "report/prune.h"

static char *prune(const char *text)
{
    char *out = NULL;
    size_t length;
    if (copa__json_prune(&out, &length, text, strlen(text)) != 0)
        return NULL;
    assert_int_equal(strlen(out), length);
    return out;
}

static void valid_documents_are_copied_compactly(void **state)
{
    static const char *const cases[][2] = {
        {"{}", "{}"},
        {" [ 1 , -0.5e+3 , true , false , null , \"a\\\"b\\u00e9\" ] ", "[1,-0.5e+3,true,false,"
                                                                        "null,\"a\\\"b\\u00e9\"]"},
        {"\xEF\xBB\xBF{\"a\" : {\"b\" : []}}", "{\"a\":{\"b\":[]}}"},
        {"0", "0"},
        {"\"x\"", "\"x\""},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = prune(cases[i][0]);
        assert_non_null(out);
        assert_string_equal(out, cases[i][1]);
        free(out);
    }
}

static void unread_members_are_dropped(void **state)
{
    char *out;
    (void)state;
    out = prune("{\"Results\":[{\"Vulnerabilities\":[{\"VulnerabilityID\":\"C\",\"Description\":"
                "\"long text\",\"References\":[\"u1\",\"u2\"],\"CVSS\":{\"nvd\":{\"V3Score\":9.8}},"
                "\"PkgName\":\"p\"}]}],\"metadata\":{\"config\":{\"arch\":\"amd64\"}}}");
    assert_non_null(out);
    assert_string_equal(out,
                        "{\"Results\":[{\"Vulnerabilities\":[{\"VulnerabilityID\":\"C\","
                        "\"PkgName\":\"p\"}]}],\"metadata\":{\"config\":{\"arch\":\"amd64\"}}}");
    free(out);
    /* The first member dropped: no leading comma. */
    out = prune("{\"Description\":1,\"a\":2,\"Title\":3}");
    assert_string_equal(out, "{\"a\":2}");
    free(out);
    /* Dropped members are still validated. */
    assert_null(prune("{\"Description\": [1,]}"));
}

static void malformed_input_is_located(void **state)
{
    static const char *const cases[][2] = {
        {"{\"a\":1,}", "byte 7 (line 1, column 8): expected a string key"},
        {"[1 2]", "byte 3 (line 1, column 4): expected ',' or ']'"},
        {"{\"a\" 1}", "byte 5 (line 1, column 6): expected ':'"},
        {"{\"a\":01}", "byte 6 (line 1, column 7): expected ',' or '}'"},
        {"{\"a\":\"x\ny\"}", "byte 7 (line 1, column 8): expected no control character"},
        {"{\"a\":\"\\q\"}", "byte 7 (line 1, column 8): expected a valid escape"},
        {"{\"a\":\"\\u12g4\"}", "expected four hex digits"},
        {"{\"a\":tru}", "byte 5 (line 1, column 6): expected a JSON value"},
        {"{}\n{}", "byte 3 (line 2, column 1): expected nothing after the JSON value"},
        {"{\"a\":[", "unexpected end of input at byte 6 (line 1), expected a JSON value"},
        {"{\"a\":\"abc", "unexpected end of input at byte 9 (line 1), expected the end"},
        {"-", "unexpected end of input at byte 1 (line 1), expected a digit"},
        {"1.", "expected a digit"},
        {"+1", "expected a JSON value"},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = NULL;
        size_t length;
        assert_int_equal(copa__json_prune(&out, &length, cases[i][0], strlen(cases[i][0])),
                         COPA_EINVALID);
        assert_null(out);
        if (strstr(copa_error_last(), cases[i][1]) == NULL)
            fail_msg("case %zu: '%s' lacks '%s'", i, copa_error_last(), cases[i][1]);
    }
}

static void nesting_is_limited(void **state)
{
    char *deep = malloc(2 * 1002 + 1), *out = NULL;
    size_t length;
    (void)state;
    memset(deep, '[', 1001);
    memset(deep + 1001, ']', 1001);
    deep[2002] = '\0';
    assert_int_equal(copa__json_prune(&out, &length, deep, 2002), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "byte 1000"));
    assert_non_null(strstr(copa_error_last(), "1000 levels"));
    /* 1000 levels are fine. */
    assert_int_equal(copa__json_prune(&out, &length, deep + 1, 2000), 0);
    free(out);
    free(deep);
}

static void agrees_with_cjson(void **state)
{
    /* The pruned copy of a document without dropped keys is the same tree. */
    static const char text[] = "{\"a\":[1,2.5,-3e2,{\"b\":null,\"c\":[true,false]}],"
                               "\"d\":\"\\u00e9\\n\\t\",\"e\":{}}";
    cJSON *original = cJSON_Parse(text), *copy;
    char *out = prune(text);
    (void)state;
    copy = cJSON_Parse(out);
    assert_non_null(copy);
    assert_true(cJSON_Compare(original, copy, 1));
    cJSON_Delete(original);
    cJSON_Delete(copy);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_documents_are_copied_compactly),
        cmocka_unit_test(unread_members_are_dropped),
        cmocka_unit_test(malformed_input_is_located),
        cmocka_unit_test(nesting_is_limited),
        cmocka_unit_test(agrees_with_cjson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
