/*
 * Registry client set-up without a network: API URLs (Docker Hub's API
 * host, plain HTTP only for registries named insecure) and option copies.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "registry/client.h"
#include "util/error.h"

static void urls(void **state)
{
    const char *insecure[] = {"127.0.0.1:5000", "Local.Test", NULL};
    copa__registry_options o = {0};
    copa__registry *r = NULL;
    char *url = NULL;
    (void)state;

    o.insecure_registries = insecure;
    assert_int_equal(copa__registry_new(&r, &o), 0);
    insecure[0] = "changed"; /* the client keeps its own copy */
    assert_int_equal(
        copa__registry_url(&url, r, "docker.io", "/v2/%s/manifests/%s", "library/debian", "12"), 0);
    assert_string_equal(url, "https://registry-1.docker.io/v2/library/debian/manifests/12");
    free(url);
    assert_int_equal(copa__registry_url(&url, r, "127.0.0.1:5000", "/v2/"), 0);
    assert_string_equal(url, "http://127.0.0.1:5000/v2/");
    free(url);
    assert_int_equal(copa__registry_url(&url, r, "local.test", "/v2/"), 0);
    assert_string_equal(url, "http://local.test/v2/");
    free(url);
    /* same host, other port: not named, so TLS */
    assert_int_equal(copa__registry_url(&url, r, "127.0.0.1:5001", "/v2/"), 0);
    assert_string_equal(url, "https://127.0.0.1:5001/v2/");
    free(url);
    copa__registry_free(r);
    copa__registry_free(NULL);
}

static void bad_digests_are_refused_before_any_request(void **state)
{
    copa__registry_options o = {0};
    copa__registry *r = NULL;
    copa__registry_manifest m;
    uint64_t size;
    (void)state;

    assert_int_equal(copa__registry_new(&r, &o), 0);
    /* 192.0.2.0/24 is never contacted: validation fails first */
    assert_int_equal(copa__registry_blob_head(&size, r, "192.0.2.1", "a", "sha256:abc"),
                     COPA_EINVALID);
    assert_int_equal(copa__registry_manifest_get(&m, r, "192.0.2.1", "a", "sha256:zz", NULL),
                     COPA_EINVALID);
    assert_int_equal(copa__registry_manifest_get(&m, r, "192.0.2.1", "a", "sha512:00", NULL),
                     COPA_EUNSUPPORTED);
    copa__registry_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(urls),
        cmocka_unit_test(bad_digests_are_refused_before_any_request),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
