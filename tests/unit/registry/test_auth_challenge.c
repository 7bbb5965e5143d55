/*
 * WWW-Authenticate parsing: the forms registries send (Docker Hub, GHCR,
 * Quay, the distribution registry), quoting, several challenges in one
 * value, and malformed input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "registry/auth.h"
#include "util/error.h"

static void parse_ok(const char *header, const char *scheme, const char *realm, const char *service,
                     const char *scope)
{
    copa__auth_challenge c;
    assert_int_equal(copa__auth_challenge_parse(&c, header), 0);
    assert_string_equal(c.scheme, scheme);
    if (realm)
        assert_string_equal(c.realm, realm);
    else
        assert_null(c.realm);
    if (service)
        assert_string_equal(c.service, service);
    else
        assert_null(c.service);
    if (scope)
        assert_string_equal(c.scope, scope);
    else
        assert_null(c.scope);
    copa__auth_challenge_free(&c);
}

static void registry_forms(void **state)
{
    (void)state;
    parse_ok("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
             "scope=\"repository:library/debian:pull\"",
             "Bearer", "https://auth.docker.io/token", "registry.docker.io",
             "repository:library/debian:pull");
    parse_ok("Basic realm=\"Registry Realm\"", "Basic", "Registry Realm", NULL, NULL);
    parse_ok("bearer realm=https://ghcr.io/token,service=ghcr.io", "bearer",
             "https://ghcr.io/token", "ghcr.io", NULL);
    parse_ok("Bearer  realm = \"r\" , service = \"s\"", "Bearer", "r", "s", NULL);
    parse_ok("Bearer", "Bearer", NULL, NULL, NULL);
}

static void quoting(void **state)
{
    (void)state;
    /* commas and escaped quotes inside quoted strings */
    parse_ok("Bearer realm=\"https://a.test/t?x=1,y=2\",service=\"reg, \\\"quoted\\\"\","
             "scope=\"repository:a:pull,push repository:b:pull\"",
             "Bearer", "https://a.test/t?x=1,y=2", "reg, \"quoted\"",
             "repository:a:pull,push repository:b:pull");
    /* unknown parameters and repeated ones: the first counts */
    parse_ok("Bearer error=\"invalid_token\",realm=\"r1\",realm=\"r2\"", "Bearer", "r1", NULL,
             NULL);
    parse_ok("Bearer realm=\"\"", "Bearer", "", NULL, NULL);
}

static void several_challenges(void **state)
{
    (void)state;
    parse_ok("Basic realm=\"b\", Bearer realm=\"t\",service=\"s\"", "Bearer", "t", "s", NULL);
    parse_ok("Bearer realm=\"t\", Basic realm=\"b\"", "Bearer", "t", NULL, NULL);
    parse_ok("Negotiate, Basic realm=\"b\"", "Basic", "b", NULL, NULL);
    parse_ok("Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", Basic realm=\"x\"",
             "Basic", "x", NULL, NULL);
}

static void malformed(void **state)
{
    static const char *const bad[] = {
        "",
        "Bearer realm=\"unterminated",
        "Bearer realm=\"r\" junk",
        "=realm",
        "Bearer ,=x",
        "Bearer realm=\"r\"\"s\"",
        "Negotiate abc==",
        "Digest realm=\"x\"",
    };
    copa__auth_challenge c;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = copa__auth_challenge_parse(&c, bad[i]);
        assert_true(rc == COPA_EINVALID || rc == COPA_EUNSUPPORTED);
        assert_null(c.scheme);
        assert_null(c.realm);
    }
    assert_int_equal(copa__auth_challenge_parse(&c, NULL), COPA_EINVALID);
    assert_int_equal(copa__auth_challenge_parse(&c, "Digest realm=\"x\""), COPA_EUNSUPPORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(registry_forms),
        cmocka_unit_test(quoting),
        cmocka_unit_test(several_challenges),
        cmocka_unit_test(malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
