/*
 * Retry timing and URL redaction: Retry-After in its three date forms and
 * as seconds, the cap, backoff growth and bounds, and that credentials and
 * secret query values never survive redaction.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "net/http.h"
#include "util/error.h"

/* date -u -d "Wed, 21 Oct 2015 07:28:00 GMT" +%s */
static const int64_t when = 1445412480;

static void retry_after_seconds(void **state)
{
    unsigned long ms = 0;
    (void)state;
    assert_int_equal(copa__http_parse_retry_after(&ms, "120", 0, 600000), 0);
    assert_int_equal(ms, 120000);
    assert_int_equal(copa__http_parse_retry_after(&ms, " 0 ", 0, 600000), 0);
    assert_int_equal(ms, 0);
    /* capped, and no overflow on absurd values */
    assert_int_equal(copa__http_parse_retry_after(&ms, "3600", 0, 60000), 0);
    assert_int_equal(ms, 60000);
    assert_int_equal(copa__http_parse_retry_after(&ms, "99999999999999999999999", 0, 60000), 0);
    assert_int_equal(ms, 60000);
}

static void retry_after_dates(void **state)
{
    unsigned long ms = 0;
    (void)state;
    assert_int_equal(
        copa__http_parse_retry_after(&ms, "Wed, 21 Oct 2015 07:28:00 GMT", when - 5, 600000), 0);
    assert_int_equal(ms, 5000);
    assert_int_equal(
        copa__http_parse_retry_after(&ms, "Wednesday, 21-Oct-15 07:28:00 GMT", when - 7, 600000),
        0);
    assert_int_equal(ms, 7000);
    assert_int_equal(
        copa__http_parse_retry_after(&ms, "Wed Oct 21 07:28:00 2015", when - 2, 600000), 0);
    assert_int_equal(ms, 2000);
    /* a date in the past means: now */
    assert_int_equal(
        copa__http_parse_retry_after(&ms, "Wed, 21 Oct 2015 07:28:00 GMT", when + 100, 600000), 0);
    assert_int_equal(ms, 0);
    /* far future is capped */
    assert_int_equal(
        copa__http_parse_retry_after(&ms, "Wed, 21 Oct 2015 07:28:00 GMT", when - 86400, 30000), 0);
    assert_int_equal(ms, 30000);
}

static void retry_after_garbage(void **state)
{
    static const char *const bad[] = {"",
                                      "soon",
                                      "12abc",
                                      "-5",
                                      "1.5",
                                      "Wed, 21 Oct 2015 07:28:00 GMT trailing",
                                      "Wed, 32 Oct 2015 07:28:00 GMT"};
    unsigned long ms = 1234;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(copa__http_parse_retry_after(&ms, bad[i], when, 1000), COPA_EINVALID);
    assert_int_equal(copa__http_parse_retry_after(&ms, NULL, when, 1000), COPA_EINVALID);
    assert_int_equal(ms, 1234);
}

static void backoff_grows_and_stays_bounded(void **state)
{
    copa__http_options o = {0};
    unsigned int attempt;
    int i;
    (void)state;

    copa__http_options_defaults(&o);
    assert_int_equal(o.backoff_base_ms, 500);
    for (i = 0; i < 200; i++) {
        for (attempt = 1; attempt <= 12; attempt++) {
            unsigned long full = 500UL << (attempt - 1), ms;
            if (full > o.backoff_max_ms)
                full = o.backoff_max_ms;
            ms = copa__http_backoff_ms(&o, attempt);
            /* jitter keeps it between half and all of the exponential delay */
            assert_true(ms >= full / 2);
            assert_true(ms <= full);
        }
    }
}

static void redact(const char *url, const char *expected)
{
    char out[512];
    copa__http_redact_url(out, sizeof(out), url);
    assert_string_equal(out, expected);
}

static void redaction(void **state)
{
    char small[16];
    (void)state;
    redact("https://user:pa55@registry.test:5000/v2/", "https://registry.test:5000/v2/");
    redact("https://user:p@ss@registry.test/v2/", "https://registry.test/v2/");
    redact("https://registry.test/token?service=reg&scope=repository:a:pull&token=abc&x=1",
           "https://registry.test/token?service=reg&scope=repository:a:pull&token=REDACTED&x=1");
    redact("https://s3.test/blob?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA",
           "https://s3.test/blob?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED");
    redact("http://plain.test/v2/a@b", "http://plain.test/v2/a@b"); /* '@' in the path stays */
    redact("registry.test/v2/", "registry.test/v2/");
    copa__http_redact_url(small, sizeof(small), "https://u:secret@registry.test/v2/");
    assert_null(strstr(small, "secret"));
    assert_true(strlen(small) < sizeof(small));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(retry_after_seconds), cmocka_unit_test(retry_after_dates),
        cmocka_unit_test(retry_after_garbage), cmocka_unit_test(backoff_grows_and_stays_bounded),
        cmocka_unit_test(redaction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
