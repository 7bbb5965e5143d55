/*
 * Tag selection: semver precedence, and each strategy with exclude and
 * maxTags over a registry's tag list.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "bulk/config.h"
#include "bulk/select.h"
#include "copa/errors.h"

static int cmp(const char *a, const char *b)
{
    int ok = 0, c = copa__semver_compare(a, b, &ok);

    assert_true(ok);
    return c;
}

static void semver_precedence(void **state)
{
    int ok = 1;
    (void)state;

    assert_true(cmp("1.10.0", "1.9.9") > 0);
    assert_true(cmp("v1.2.3", "1.2.3") == 0);
    assert_true(cmp("1.2", "1.2.0") == 0);
    assert_true(cmp("2", "1.99.99") > 0);
    assert_true(cmp("1.0.0-rc.1", "1.0.0") < 0);
    assert_true(cmp("1.0.0-alpha", "1.0.0-alpha.1") < 0);
    assert_true(cmp("1.0.0-alpha.1", "1.0.0-alpha.beta") < 0);
    assert_true(cmp("1.0.0-beta.2", "1.0.0-beta.11") < 0);
    assert_true(cmp("1.0.0-rc.1", "1.0.0-beta.11") > 0);
    assert_true(cmp("1.0.0+build.5", "1.0.0") == 0);
    assert_true(cmp("3.19-alpine", "3.19") < 0);
    copa__semver_compare("latest", "1.0", &ok);
    assert_false(ok);
    assert_false(copa__semver_valid("01.2.3"));
    assert_false(copa__semver_valid("1.2.3.4"));
    assert_false(copa__semver_valid("1..2"));
    assert_false(copa__semver_valid("1.2.3-"));
    assert_false(copa__semver_valid("bookworm"));
    assert_true(copa__semver_valid("v12"));
}

static char *const registry_tags[] = {"1.9.0",       "1.10.0", "1.10.1", "1.2.0", "latest",
                                      "1.11.0-rc.1", "1.11.0", "stable", "alpha", "1.10.1"};
enum { REGISTRY_TAGS = sizeof(registry_tags) / sizeof(registry_tags[0]) };

static void expect(char **tags, size_t count, const char *const *want)
{
    size_t i;

    for (i = 0; want[i] != NULL; i++) {
        assert_true(i < count);
        assert_string_equal(tags[i], want[i]);
    }
    assert_int_equal(count, i);
    assert_null(tags == NULL ? NULL : tags[count]);
}

static void pattern_strategy(void **state)
{
    copa__bulk_image image = {0};
    char **tags = NULL;
    size_t count = 0;
    char *exclude[] = {"1.10.0"};
    const char *const want_all[] = {"1.11.0", "1.11.0-rc.1", "1.10.1", "1.9.0", "1.2.0", NULL};
    const char *const want_capped[] = {"1.11.0", "1.11.0-rc.1", "1.10.1", NULL};
    const char *const want_lexical[] = {"stable", "latest", "alpha", NULL};
    (void)state;

    image.name = "n";
    image.strategy = COPA__TAGS_PATTERN;
    assert_int_equal(copa__bulk_pattern_compile(&image.regex, "^1\\."), 0);
    image.exclude = exclude;
    image.exclude_count = 1;
    assert_int_equal(copa__bulk_select_tags(&tags, &count, &image, registry_tags, REGISTRY_TAGS),
                     0);
    expect(tags, count, want_all);
    copa__bulk_tags_free(tags, count);
    image.max_tags = 3;
    assert_int_equal(copa__bulk_select_tags(&tags, &count, &image, registry_tags, REGISTRY_TAGS),
                     0);
    expect(tags, count, want_capped);
    copa__bulk_tags_free(tags, count);
    regfree(&image.regex);

    /* tags that are not versions: lexical, highest first */
    image.max_tags = 0;
    assert_int_equal(copa__bulk_pattern_compile(&image.regex, "^[a-z]+$"), 0);
    assert_int_equal(copa__bulk_select_tags(&tags, &count, &image, registry_tags, REGISTRY_TAGS),
                     0);
    expect(tags, count, want_lexical);
    copa__bulk_tags_free(tags, count);

    /* nothing matches: no tags, no error */
    assert_int_equal(copa__bulk_select_tags(&tags, &count, &image, registry_tags, 3), 0);
    assert_int_equal(count, 0);
    copa__bulk_tags_free(tags, count);
    regfree(&image.regex);
}

static void latest_strategy(void **state)
{
    copa__bulk_image image = {0};
    char **tags = NULL;
    size_t count = 0;
    char *exclude[] = {"1.11.0"};
    const char *const want[] = {"1.11.0", NULL};
    const char *const want_excluded[] = {"1.10.1", NULL}; /* a release, not 1.11.0-rc.1 */
    (void)state;

    image.name = "n";
    image.image = "reg.test/n";
    image.strategy = COPA__TAGS_LATEST;
    assert_int_equal(copa__bulk_select_tags(&tags, &count, &image, registry_tags, REGISTRY_TAGS),
                     0);
    expect(tags, count, want);
    copa__bulk_tags_free(tags, count);
    image.exclude = exclude;
    image.exclude_count = 1;
    assert_int_equal(copa__bulk_select_tags(&tags, &count, &image, registry_tags, REGISTRY_TAGS),
                     0);
    expect(tags, count, want_excluded);
    copa__bulk_tags_free(tags, count);
    /* a pre-release is chosen only when there is no release */
    {
        char *pre[] = {"2.1.0-rc.1", "2.0.0", "1.9.9"};
        char *only_pre[] = {"3.18-alpine", "3.19-alpine"};
        const char *const want_release[] = {"2.0.0", NULL};
        const char *const want_pre[] = {"3.19-alpine", NULL};

        image.exclude_count = 0;
        assert_int_equal(copa__bulk_select_tags(&tags, &count, &image, pre, 3), 0);
        expect(tags, count, want_release);
        copa__bulk_tags_free(tags, count);
        assert_int_equal(copa__bulk_select_tags(&tags, &count, &image, only_pre, 2), 0);
        expect(tags, count, want_pre);
        copa__bulk_tags_free(tags, count);
    }
    /* "stable", "alpha": neither is a version */
    assert_int_equal(copa__bulk_select_tags(&tags, &count, &image, registry_tags + 7, 2),
                     COPA_ENOTFOUND);
    assert_null(tags);
    assert_non_null(strstr(copa_error_last(), "no tag of reg.test/n parses as a semantic version"));
}

static void list_strategy(void **state)
{
    copa__bulk_image image = {0};
    char **tags = NULL;
    size_t count = 0;
    char *list[] = {"b", "a", "b", "c"};
    char *exclude[] = {"c"};
    const char *const want[] = {"b", "a", NULL};
    (void)state;

    image.strategy = COPA__TAGS_LIST;
    image.list = list;
    image.list_count = 4;
    image.exclude = exclude;
    image.exclude_count = 1;
    assert_int_equal(copa__bulk_select_tags(&tags, &count, &image, NULL, 0), 0);
    expect(tags, count, want);
    copa__bulk_tags_free(tags, count);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(semver_precedence),
        cmocka_unit_test(pattern_strategy),
        cmocka_unit_test(latest_strategy),
        cmocka_unit_test(list_strategy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
