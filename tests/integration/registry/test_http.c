/*
 * The HTTP layer and the registry client's verification against
 * fake_server.py (COPA_TEST_FAKE = 127.0.0.1:PORT, the same port also on
 * 127.0.0.2): retries with Retry-After, redirects across hosts, bytes that
 * do not match their digest, a bearer token flow, proxies and cancellation.
 */
#include "itest.h"

#include <time.h>

static char url_buf[1024];

static const char *fake_url(const char *host, const char *path)
{
    const char *port = strchr(itest_env("COPA_TEST_FAKE"), ':') + 1;
    snprintf(url_buf, sizeof(url_buf), "http://%s:%s%s", host, port, path);
    return url_buf;
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void get(copa__http_response *response, const copa__http_options *o, const char *url,
                const char *authorization, int follow, int expect_rc)
{
    copa__http_request request = {0};
    request.method = "GET";
    request.url = url;
    request.authorization = authorization;
    request.follow_redirects = follow;
    assert_int_equal(copa__http_perform(o, &request, response), expect_rc);
}

static long server_count(const char *key)
{
    copa__http_options o = {0};
    copa__http_response response;
    char path[256];
    long n;
    snprintf(path, sizeof(path), "/count/%s", key);
    get(&response, &o, fake_url("127.0.0.1", path), NULL, 0, 0);
    n = strtol(response.body.data, NULL, 10);
    copa__http_response_free(&response);
    return n;
}

static void retries_503_then_succeeds(void **state)
{
    copa__http_options o = {0};
    copa__http_response response;
    (void)state;

    itest_fast_http(&o);
    get(&response, &o, fake_url("127.0.0.1", "/flaky/a503/2/503/none"), NULL, 0, 0);
    assert_int_equal(response.status, 200);
    assert_string_equal(response.body.data, "ok a503");
    assert_int_equal(response.attempts, 3);
    copa__http_response_free(&response);
    assert_int_equal(server_count("a503"), 3);
}

static void retry_after_seconds_and_date(void **state)
{
    copa__http_options o = {0};
    copa__http_response response;
    struct timespec start;
    (void)state;

    itest_fast_http(&o);
    clock_gettime(CLOCK_MONOTONIC, &start);
    get(&response, &o, fake_url("127.0.0.1", "/flaky/b429/1/429/1"), NULL, 0, 0);
    assert_int_equal(response.status, 200);
    assert_int_equal(response.attempts, 2);
    assert_true(seconds_since(&start) >= 0.95); /* waited Retry-After: 1, not the 50 ms backoff */
    copa__http_response_free(&response);

    get(&response, &o, fake_url("127.0.0.1", "/flaky/c503date/1/503/date"), NULL, 0, 0);
    assert_int_equal(response.status, 200);
    copa__http_response_free(&response);

    /* A Retry-After of an hour is capped. */
    o.retry_after_cap_ms = 300;
    clock_gettime(CLOCK_MONOTONIC, &start);
    get(&response, &o, fake_url("127.0.0.1", "/flaky/d429/2/429/3600"), NULL, 0, 0);
    assert_int_equal(response.status, 200);
    assert_true(seconds_since(&start) < 3.0);
    copa__http_response_free(&response);
}

static void gives_up_after_bounded_retries(void **state)
{
    copa__http_options o = {0};
    copa__http_response response;
    (void)state;

    itest_fast_http(&o);
    o.max_retries = 2;
    /* The status is the answer: a 503 after every retry is returned to the caller. */
    get(&response, &o, fake_url("127.0.0.1", "/flaky/e503/100/503/none"), NULL, 0, 0);
    assert_int_equal(response.status, 503);
    assert_int_equal(response.attempts, 3);
    copa__http_response_free(&response);
    assert_int_equal(server_count("e503"), 3);
}

static void redirect_keeps_authorization_on_same_host_only(void **state)
{
    copa__http_options o = {0};
    copa__http_response response;
    (void)state;

    get(&response, &o, fake_url("127.0.0.1", "/redirect-same"), "Bearer s3cr3t", 1, 0);
    assert_int_equal(response.status, 200);
    assert_string_equal(response.body.data, "Bearer s3cr3t"); /* the control */
    copa__http_response_free(&response);
    get(&response, &o, fake_url("127.0.0.1", "/redirect-other"), "Bearer s3cr3t", 1, 0);
    assert_int_equal(response.status, 200);
    assert_string_equal(response.body.data, "none");
    assert_non_null(strstr(response.effective_url, "127.0.0.2"));
    copa__http_response_free(&response);
}

static copa__registry *fake_registry(void)
{
    copa__registry_options o = {0};
    const char *insecure[2] = {NULL, NULL};
    copa__registry *r = NULL;
    insecure[0] = itest_env("COPA_TEST_FAKE");
    o.insecure_registries = insecure;
    o.credentials = "alice:s3cret-token-pass";
    itest_fast_http(&o.http);
    assert_int_equal(copa__registry_new(&r, &o), 0);
    return r;
}

static void bearer_token_flow_and_blob_redirect(void **state)
{
    const char *reg = itest_env("COPA_TEST_FAKE");
    copa__registry *r = fake_registry();
    copa__registry_manifest m;
    copa__http_options o = {0};
    copa__http_response response;
    char *blob = NULL;
    size_t length = 0;
    int i;
    (void)state;

    for (i = 0; i < 3; i++) {
        assert_int_equal(copa__registry_manifest_get(&m, r, reg, "private", "latest", NULL), 0);
        assert_string_equal(m.digest, getenv("COPA_TEST_FAKE_MANIFEST"));
        copa__registry_manifest_free(&m);
    }
    assert_int_equal(server_count("token"), 1); /* one token, cached for the scope */
    /* The registry stops taking the token: one 401, a fresh token, and on. */
    get(&response, &o, fake_url("127.0.0.1", "/revoke/tok-1"), NULL, 0, 0);
    copa__http_response_free(&response);
    assert_int_equal(copa__registry_manifest_get(&m, r, reg, "private", "latest", NULL), 0);
    copa__registry_manifest_free(&m);
    assert_int_equal(server_count("token"), 2);
    assert_int_equal(copa__registry_blob_get_buffer(&blob, &length, r, reg, "private",
                                                    getenv("COPA_TEST_FAKE_BLOB"), 1 << 20),
                     0);
    assert_string_equal(blob, "hello from a redirected blob\n");
    free(blob);
    /* The storage host (127.0.0.2) got no Authorization header. */
    get(&response, &o, fake_url("127.0.0.1", "/seen-auth/blobdata"), NULL, 0, 0);
    assert_string_equal(response.body.data, "none");
    copa__http_response_free(&response);
    copa__registry_free(r);
}

static void bearer_wrong_password(void **state)
{
    const char *reg = itest_env("COPA_TEST_FAKE");
    copa__registry_options o = {0};
    const char *insecure[2] = {NULL, NULL};
    copa__registry_manifest m;
    copa__registry *r = NULL;
    (void)state;

    insecure[0] = reg;
    o.insecure_registries = insecure;
    o.credentials = "alice:N0t-The-Pass";
    assert_int_equal(copa__registry_new(&r, &o), 0);
    assert_int_equal(copa__registry_manifest_get(&m, r, reg, "private", "latest", NULL),
                     COPA_EAUTH);
    assert_non_null(strstr(copa_error_last(), reg));
    assert_non_null(strstr(copa_error_last(), "alice"));
    assert_null(strstr(copa_error_last(), "N0t-The-Pass"));
    copa__registry_free(r);
}

static void wrong_bytes_are_rejected(void **state)
{
    const char *reg = itest_env("COPA_TEST_FAKE");
    copa__registry *r = fake_registry();
    copa__registry_manifest m;
    char *blob = NULL, digest[COPA_DIGEST_STRING_MAX];
    size_t length = 0;
    (void)state;

    itest_digest(digest, "the bytes we wanted", 19);
    assert_int_equal(copa__registry_blob_get_buffer(&blob, &length, r, reg, "bad", digest, 1 << 20),
                     COPA_EVERIFY);
    assert_null(blob);
    assert_non_null(strstr(copa_error_last(), digest));
    /* By digest: the bytes served are not those of the digest asked for. */
    assert_int_equal(
        copa__registry_manifest_get(&m, r, reg, "bad", getenv("COPA_TEST_FAKE_MANIFEST"), NULL),
        COPA_EVERIFY);
    /* By tag: Docker-Content-Digest disagrees with the bytes. */
    assert_int_equal(copa__registry_manifest_get(&m, r, reg, "bad", "lying", NULL), COPA_EVERIFY);
    copa__registry_free(r);
}

static void no_proxy_is_honoured(void **state)
{
    copa__http_options o = {0};
    copa__http_response response;
    (void)state;

    itest_fast_http(&o);
    o.max_retries = 0;
    o.no_retry_defaults = 1;
    /* A proxy nobody listens on: every request through it fails. */
    setenv("http_proxy", "http://127.0.0.1:9", 1);
    unsetenv("no_proxy");
    unsetenv("NO_PROXY");
    get(&response, &o, fake_url("127.0.0.1", "/echo-auth"), NULL, 0, COPA_ENETWORK);
    copa__http_response_free(&response);
    setenv("NO_PROXY", "127.0.0.1,127.0.0.2", 1);
    get(&response, &o, fake_url("127.0.0.1", "/echo-auth"), NULL, 0, 0);
    assert_int_equal(response.status, 200);
    copa__http_response_free(&response);
    unsetenv("NO_PROXY");
    setenv("no_proxy", "127.0.0.1", 1);
    get(&response, &o, fake_url("127.0.0.1", "/echo-auth"), NULL, 0, 0);
    copa__http_response_free(&response);
    unsetenv("no_proxy");
    unsetenv("http_proxy");
}

static void credentials_never_in_messages(void **state)
{
    copa__http_options o = {0};
    copa__http_response response;
    (void)state;

    itest_fast_http(&o);
    o.max_retries = 1;
    /* Port 9 (discard) is closed on loopback: the request fails and names the URL. */
    get(&response, &o, "http://bob:Sup3rSecret@127.0.0.1:9/v2/?token=T0kenValue&x=1", NULL, 0,
        COPA_ENETWORK);
    assert_non_null(strstr(copa_error_last(), "127.0.0.1:9/v2/"));
    assert_null(strstr(copa_error_last(), "Sup3rSecret"));
    assert_null(strstr(copa_error_last(), "bob"));
    assert_null(strstr(copa_error_last(), "T0kenValue"));
    copa__http_response_free(&response);
}

static void parallel_downloads(void **state)
{
    copa__http_options o = {0};
    copa__http_request requests[6];
    copa__http_response responses[6];
    char urls[6][1024]; /* fake_url() returns up to 1023 bytes */
    int results[6], i;
    (void)state;

    itest_fast_http(&o);
    o.max_parallel = 3;
    memset(requests, 0, sizeof(requests));
    for (i = 0; i < 6; i++) {
        char path[64];
        snprintf(path, sizeof(path), "/flaky/par%d/%d/503/none", i, i % 2);
        snprintf(urls[i], sizeof(urls[i]), "%s", fake_url("127.0.0.1", path));
        requests[i].method = "GET";
        requests[i].url = urls[i];
    }
    assert_int_equal(copa__http_perform_many(&o, requests, responses, results, 6), 0);
    for (i = 0; i < 6; i++) {
        char expect[32];
        snprintf(expect, sizeof(expect), "ok par%d", i);
        assert_int_equal(results[i], 0);
        assert_int_equal(responses[i].status, 200);
        assert_string_equal(responses[i].body.data, expect);
        assert_int_equal(responses[i].attempts, 1 + i % 2);
        copa__http_response_free(&responses[i]);
    }
}

static int cancel_now(void *payload)
{
    return ++*(int *)payload >= 1;
}

static void cancellation(void **state)
{
    copa__http_options o = {0};
    copa__http_response response;
    int calls = 0;
    (void)state;

    o.cancel = cancel_now;
    o.cancel_payload = &calls;
    get(&response, &o, fake_url("127.0.0.1", "/flaky/cancel/0/503/none"), NULL, 0, COPA_ECANCELLED);
    copa__http_response_free(&response);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(retries_503_then_succeeds),
        cmocka_unit_test(retry_after_seconds_and_date),
        cmocka_unit_test(gives_up_after_bounded_retries),
        cmocka_unit_test(redirect_keeps_authorization_on_same_host_only),
        cmocka_unit_test(bearer_token_flow_and_blob_redirect),
        cmocka_unit_test(bearer_wrong_password),
        cmocka_unit_test(wrong_bytes_are_rejected),
        cmocka_unit_test(no_proxy_is_honoured),
        cmocka_unit_test(credentials_never_in_messages),
        cmocka_unit_test(parallel_downloads),
        cmocka_unit_test(cancellation),
    };
    int failed;
    copa_init();
    failed = cmocka_run_group_tests(tests, NULL, NULL);
    copa_shutdown();
    return failed;
}
