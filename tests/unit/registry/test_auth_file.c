/*
 * Credentials from auth files (fixtures in tests/fixtures/registry/auth/),
 * the search order over $REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR,
 * $DOCKER_CONFIG and ~/.docker, and credential helpers (fixture scripts in
 * tests/fixtures/registry/bin/), including their time limit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/auth.h"
#include "test_support.h"
#include "util/error.h"

static void lookup(const char *fixture, const char *registry, int expect_rc, const char *user,
                   const char *pass, const char *helper)
{
    copa__credential c;
    size_t length = 0;
    char *json = test_read_file(test_fixture_path(fixture), &length);
    int rc = copa__auth_file_lookup(&c, json, length, registry, fixture);

    assert_int_equal(rc, expect_rc);
    if (rc == 0) {
        if (user) {
            assert_string_equal(c.username, user);
            assert_string_equal(c.password, pass);
        } else {
            assert_null(c.username);
        }
        if (helper)
            assert_string_equal(c.helper, helper);
        else
            assert_null(c.helper);
    } else {
        assert_null(c.username);
        assert_null(c.password);
        assert_null(c.helper);
    }
    copa__credential_free(&c);
    free(json);
}

static void docker_config_keys(void **state)
{
    const char *f = "registry/auth/docker-config.json";
    (void)state;
    /* Docker Hub under all its names */
    lookup(f, "docker.io", 0, "hubuser", "hubpass", NULL);
    lookup(f, "index.docker.io", 0, "hubuser", "hubpass", NULL);
    lookup(f, "registry-1.docker.io", 0, "hubuser", "hubpass", NULL);
    /* username/password form, key with a port */
    lookup(f, "registry.test:5000", 0, "u", "p", NULL);
    /* scheme in the key; a ':' inside the password survives */
    lookup(f, "plain.test", 0, "alice", "p@ss:word", NULL);
    /* credHelpers beats everything for its registry */
    lookup(f, "helper.test", 0, NULL, NULL, "fixture");
    /* an empty auths entry and unknown registries fall to credsStore */
    lookup(f, "store-only.test", 0, NULL, NULL, "desktop");
    lookup(f, "unknown.test", 0, NULL, NULL, "desktop");
    /* a different port is a different registry */
    lookup(f, "registry.test", 0, NULL, NULL, "desktop");
}

static void podman_and_errors(void **state)
{
    (void)state;
    lookup("registry/auth/podman-auth.json", "quay.test", 0, "podman", "podpass", NULL);
    lookup("registry/auth/podman-auth.json", "docker.io", COPA_ENOTFOUND, NULL, NULL, NULL);
    lookup("registry/auth/bad-base64.json", "x.test", COPA_EINVALID, NULL, NULL, NULL);
    assert_non_null(strstr(copa_error_last(), "bad-base64.json"));
    lookup("registry/auth/no-colon.json", "x.test", COPA_EINVALID, NULL, NULL, NULL);
    lookup("registry/auth/truncated.json", "x.test", COPA_EINVALID, NULL, NULL, NULL);
    assert_non_null(strstr(copa_error_last(), "truncated.json"));
}

static void use_fixture_helpers(void)
{
    char path[8192];
    snprintf(path, sizeof(path), "%s:%s", test_fixture_path("registry/bin"), getenv("PATH"));
    setenv("PATH", path, 1);
}

static void credential_helpers(void **state)
{
    copa__credential c;
    (void)state;
    use_fixture_helpers();
    assert_int_equal(copa__cred_helper_get(&c, "fixture", "helper.test", 5000), 0);
    assert_string_equal(c.username, "helperuser");
    assert_string_equal(c.password, "helper-secret");
    copa__credential_free(&c);
    assert_int_equal(copa__cred_helper_get(&c, "fixture", "other.test", 5000), COPA_ENOTFOUND);
    assert_int_equal(copa__cred_helper_get(&c, "garbage", "x", 5000), COPA_EEXTERNAL);
    assert_int_equal(copa__cred_helper_get(&c, "does-not-exist", "x", 5000), COPA_EEXTERNAL);
    assert_non_null(strstr(copa_error_last(), "docker-credential-does-not-exist"));
    assert_int_equal(copa__cred_helper_get(&c, "slow", "x", 300), COPA_ETIMEOUT);
    /* a name that could escape PATH lookup is refused before anything runs */
    assert_int_equal(copa__cred_helper_get(&c, "../../bin/sh", "x", 300), COPA_EINVALID);
    assert_int_equal(copa__cred_helper_get(&c, "", "x", 300), COPA_EINVALID);
    assert_string_equal(copa__auth_server_url("docker.io"), "https://index.docker.io/v1/");
    assert_string_equal(copa__auth_server_url("quay.test"), "quay.test");
}

static void find(const char *registry, const char *explicit_auth, int expect_rc, const char *user,
                 const char *pass)
{
    copa__credential c;
    assert_int_equal(copa__credentials_find(&c, registry, explicit_auth), expect_rc);
    if (user) {
        assert_string_equal(c.username, user);
        assert_string_equal(c.password, pass);
    } else {
        assert_null(c.username);
    }
    copa__credential_free(&c);
}

static void search_order(void **state)
{
    char dir[4096];
    (void)state;
    use_fixture_helpers();
    unsetenv("XDG_RUNTIME_DIR");
    setenv("REGISTRY_AUTH_FILE", test_fixture_path("registry/auth/podman-auth.json"), 1);
    snprintf(dir, sizeof(dir), "%s", test_fixture_path("registry/auth/dockerdir"));
    setenv("DOCKER_CONFIG", dir, 1);
    setenv("HOME", test_fixture_path("registry/auth/home"), 1);

    /* explicit wins; then REGISTRY_AUTH_FILE before DOCKER_CONFIG */
    find("quay.test", "me:my:pass", 0, "me", "my:pass");
    find("quay.test", NULL, 0, "podman", "podpass");
    find("dockerdir.test", NULL, 0, "dd", "ddpass");
    /* ~/.docker is read only without DOCKER_CONFIG */
    find("home.test", NULL, 0, NULL, NULL);
    unsetenv("DOCKER_CONFIG");
    find("home.test", NULL, 0, "homeuser", "homepass");
    /* nothing anywhere: anonymous */
    find("nowhere.test", NULL, 0, NULL, NULL);
    /* a helper named in a file is run */
    setenv("REGISTRY_AUTH_FILE", test_fixture_path("registry/auth/docker-config.json"), 1);
    find("helper.test", NULL, 0, "helperuser", "helper-secret");
    find("docker.io", NULL, 0, "hubuser", "hubpass");
    /* credsStore "desktop" has no helper here: a clear error, not anonymous */
    find("unknown.test", NULL, COPA_EEXTERNAL, NULL, NULL);
    find("x", "no-colon", COPA_EINVALID, NULL, NULL);
    unsetenv("REGISTRY_AUTH_FILE");
}

static void secrets_are_wiped_and_free_is_safe(void **state)
{
    copa__credential c = {0};
    (void)state;
    copa__credential_free(NULL);
    copa__credential_free(&c);
    assert_int_equal(copa__credentials_find(&c, "r.test", "user:hunter2"), 0);
    copa__credential_free(&c);
    assert_null(c.password);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(docker_config_keys),
        cmocka_unit_test(podman_and_errors),
        cmocka_unit_test(credential_helpers),
        cmocka_unit_test(search_order),
        cmocka_unit_test(secrets_are_wiped_and_free_is_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
