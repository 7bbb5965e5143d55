/*
 * Tag listing with Link pagination against the real registry, plain (behind
 * paging_proxy.py, as Debian's registry does not page) and TLS + htpasswd
 * (tags.sh pushed 25 tags to each): every page is followed,
 * each tag comes once, an unknown repository is COPA_ENOTFOUND and wrong
 * credentials COPA_EAUTH.
 */
#include "../registry/itest.h"

enum { EXPECTED_TAGS = 25 };

static void expect_all(char **tags, size_t count)
{
    size_t i, j;
    int have_v1 = 0, have_rc = 0;

    assert_int_equal(count, EXPECTED_TAGS);
    for (i = 0; i < count; i++) {
        for (j = 0; j < i; j++)
            assert_string_not_equal(tags[i], tags[j]);
        have_v1 |= strcmp(tags[i], "v1") == 0;
        have_rc |= strcmp(tags[i], "1.11.0-rc.1") == 0;
    }
    assert_null(tags[count]);
    assert_true(have_v1 && have_rc);
}

/* A real registry behind paging_proxy.py, which pages as the spec says. */
static void plain_pages(void **state)
{
    const char *plain = itest_env("COPA_TEST_PAGED");
    const char *insecure[] = {plain, NULL};
    copa__registry_options o = {0};
    copa__registry *r = NULL;
    char **tags = NULL;
    size_t count = 0;
    /* unpaged, pages of 1 (25 pages), of 10 (3 pages), of 25 and 1000 (one page) */
    static const unsigned int pages[] = {0, 1, 10, 25, 1000};
    size_t i;
    (void)state;

    o.insecure_registries = insecure;
    itest_fast_http(&o.http);
    assert_int_equal(copa__registry_new(&r, &o), 0);
    for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        assert_int_equal(copa__registry_tags_list(&tags, &count, r, plain, "skopeo/img", pages[i]),
                         0);
        expect_all(tags, count);
        copa__registry_tags_free(tags, count);
    }
    assert_int_equal(copa__registry_tags_list(&tags, &count, r, plain, "no/such", 10),
                     COPA_ENOTFOUND);
    assert_null(tags);
    assert_int_equal(count, 0);
    /* a next link to another host is refused, not followed */
    assert_int_equal(copa__registry_tags_list(&tags, &count, r, plain, "evil/link", 10),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "is not on the registry"));
    assert_null(tags);
    copa__registry_free(r);
}

static void tls_auth_pages(void **state)
{
    const char *tls = itest_env("COPA_TEST_TLS");
    copa__registry_options o = {0};
    copa__registry *r = NULL;
    char **tags = NULL, creds[512];
    size_t count = 0;
    (void)state;

    snprintf(creds, sizeof(creds), "%s:%s", itest_env("COPA_TEST_USER"),
             itest_env("COPA_TEST_PASS"));
    o.credentials = creds;
    o.http.ca_file = itest_env("COPA_TEST_CA");
    itest_fast_http(&o.http);
    assert_int_equal(copa__registry_new(&r, &o), 0);
    assert_int_equal(copa__registry_tags_list(&tags, &count, r, tls, "secure/many", 10), 0);
    expect_all(tags, count);
    copa__registry_tags_free(tags, count);
    copa__registry_free(r);

    o.credentials = "alice:wrong";
    assert_int_equal(copa__registry_new(&r, &o), 0);
    assert_int_equal(copa__registry_tags_list(&tags, &count, r, tls, "secure/many", 10),
                     COPA_EAUTH);
    copa__registry_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_pages),
        cmocka_unit_test(tls_auth_pages),
    };
    copa_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
