/*
 * Image references: a table of valid references with their normalized
 * parts, and of invalid ones with the message they must give.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <copa.h>

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define DG "sha256:" D64

typedef struct valid_case {
    const char *input;
    copa_transport transport;
    const char *registry, *repository, *tag, *digest, *path, *string;
} valid_case;

static const valid_case valid[] = {
    {"nginx", COPA_TRANSPORT_REGISTRY, "docker.io", "library/nginx", "latest", NULL, NULL,
     "docker.io/library/nginx:latest"},
    {"nginx:1.25", COPA_TRANSPORT_REGISTRY, "docker.io", "library/nginx", "1.25", NULL, NULL,
     "docker.io/library/nginx:1.25"},
    {"library/nginx", COPA_TRANSPORT_REGISTRY, "docker.io", "library/nginx", "latest", NULL, NULL,
     "docker.io/library/nginx:latest"},
    {"docker.io/nginx", COPA_TRANSPORT_REGISTRY, "docker.io", "library/nginx", "latest", NULL, NULL,
     "docker.io/library/nginx:latest"},
    {"index.docker.io/nginx", COPA_TRANSPORT_REGISTRY, "docker.io", "library/nginx", "latest", NULL,
     NULL, "docker.io/library/nginx:latest"},
    {"bitnami/redis:7", COPA_TRANSPORT_REGISTRY, "docker.io", "bitnami/redis", "7", NULL, NULL,
     "docker.io/bitnami/redis:7"},
    {"registry:5000/ns/repo:tag", COPA_TRANSPORT_REGISTRY, "registry:5000", "ns/repo", "tag", NULL,
     NULL, "registry:5000/ns/repo:tag"},
    {"dir:5000/x", COPA_TRANSPORT_REGISTRY, "dir:5000", "x", "latest", NULL, NULL,
     "dir:5000/x:latest"},
    {"docker://docker-daemon:foo", COPA_TRANSPORT_REGISTRY, "docker.io", "library/docker-daemon",
     "foo", NULL, NULL, "docker.io/library/docker-daemon:foo"},
    {"ghcr.io/a/b/c", COPA_TRANSPORT_REGISTRY, "ghcr.io", "a/b/c", "latest", NULL, NULL,
     "ghcr.io/a/b/c:latest"},
    {"localhost/app", COPA_TRANSPORT_REGISTRY, "localhost", "app", "latest", NULL, NULL,
     "localhost/app:latest"},
    {"localhost:5000/app:v1", COPA_TRANSPORT_REGISTRY, "localhost:5000", "app", "v1", NULL, NULL,
     "localhost:5000/app:v1"},
    {"[::1]:5000/x", COPA_TRANSPORT_REGISTRY, "[::1]:5000", "x", "latest", NULL, NULL,
     "[::1]:5000/x:latest"},
    {"[2001:db8::1]/x:y", COPA_TRANSPORT_REGISTRY, "[2001:db8::1]", "x", "y", NULL, NULL,
     "[2001:db8::1]/x:y"},
    {"127.0.0.1:5000/a", COPA_TRANSPORT_REGISTRY, "127.0.0.1:5000", "a", "latest", NULL, NULL,
     "127.0.0.1:5000/a:latest"},
    {"nginx@" DG, COPA_TRANSPORT_REGISTRY, "docker.io", "library/nginx", NULL, DG, NULL,
     "docker.io/library/nginx@" DG},
    {"nginx:1@" DG, COPA_TRANSPORT_REGISTRY, "docker.io", "library/nginx", "1", DG, NULL,
     "docker.io/library/nginx:1@" DG},
    {"r.io:443/ns/repo@" DG, COPA_TRANSPORT_REGISTRY, "r.io:443", "ns/repo", NULL, DG, NULL,
     "r.io:443/ns/repo@" DG},
    {"a.b-c/d__e.f---g_h", COPA_TRANSPORT_REGISTRY, "a.b-c", "d__e.f---g_h", "latest", NULL, NULL,
     "a.b-c/d__e.f---g_h:latest"},
    {"foo/b.a_r-b__a--z", COPA_TRANSPORT_REGISTRY, "docker.io", "foo/b.a_r-b__a--z", "latest", NULL,
     NULL, "docker.io/foo/b.a_r-b__a--z:latest"},
    {"Example.com/x", COPA_TRANSPORT_REGISTRY, "Example.com", "x", "latest", NULL, NULL,
     "Example.com/x:latest"},
    {"nginx:A_b.c-D", COPA_TRANSPORT_REGISTRY, "docker.io", "library/nginx", "A_b.c-D", NULL, NULL,
     "docker.io/library/nginx:A_b.c-D"},
    {"nginx:_x", COPA_TRANSPORT_REGISTRY, "docker.io", "library/nginx", "_x", NULL, NULL,
     "docker.io/library/nginx:_x"},
    {"docker://nginx", COPA_TRANSPORT_REGISTRY, "docker.io", "library/nginx", "latest", NULL, NULL,
     "docker.io/library/nginx:latest"},
    {"docker://quay.io/a/b:c", COPA_TRANSPORT_REGISTRY, "quay.io", "a/b", "c", NULL, NULL,
     "quay.io/a/b:c"},
    {"oci:/tmp/layout", COPA_TRANSPORT_OCI, NULL, NULL, NULL, NULL, "/tmp/layout",
     "oci:/tmp/layout"},
    {"oci:dir:v1", COPA_TRANSPORT_OCI, NULL, NULL, "v1", NULL, "dir", "oci:dir:v1"},
    {"oci:dir:a/b:c@d+e", COPA_TRANSPORT_OCI, NULL, NULL, "a/b:c@d+e", NULL, "dir",
     "oci:dir:a/b:c@d+e"},
    {"oci-archive:img.tar", COPA_TRANSPORT_OCI_ARCHIVE, NULL, NULL, NULL, NULL, "img.tar",
     "oci-archive:img.tar"},
    {"oci-archive:img.tar:latest", COPA_TRANSPORT_OCI_ARCHIVE, NULL, NULL, "latest", NULL,
     "img.tar", "oci-archive:img.tar:latest"},
    {"docker-archive:x.tar", COPA_TRANSPORT_DOCKER_ARCHIVE, NULL, NULL, NULL, NULL, "x.tar",
     "docker-archive:x.tar"},
    {"docker-archive:x.tar:nginx", COPA_TRANSPORT_DOCKER_ARCHIVE, "docker.io", "library/nginx",
     "latest", NULL, "x.tar", "docker-archive:x.tar:docker.io/library/nginx:latest"},
    {"docker-archive:/a/x.tar:r:5000/n:t", COPA_TRANSPORT_DOCKER_ARCHIVE, "r:5000", "n", "t", NULL,
     "/a/x.tar", "docker-archive:/a/x.tar:r:5000/n:t"},
    {"a/b/c/d/e", COPA_TRANSPORT_REGISTRY, "docker.io", "a/b/c/d/e", "latest", NULL, NULL,
     "docker.io/a/b/c/d/e:latest"},
    {"x0", COPA_TRANSPORT_REGISTRY, "docker.io", "library/x0", "latest", NULL, NULL,
     "docker.io/library/x0:latest"},
};

typedef struct invalid_case {
    const char *input;
    int code;
    const char *message;
} invalid_case;

static const invalid_case invalid[] = {
    {"", COPA_EINVALID, "empty"},
    {"Nginx", COPA_EINVALID, "must be lowercase"},
    {"docker.io/Library/nginx", COPA_EINVALID, "must be lowercase"},
    {"nginx:", COPA_EINVALID, "invalid tag ''"},
    {"nginx:.x", COPA_EINVALID, "invalid tag '.x'"},
    {"nginx:-x", COPA_EINVALID, "invalid tag '-x'"},
    {"nginx:a+b", COPA_EINVALID, "invalid tag 'a+b'"},
    {"nginx:"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "a"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     COPA_EINVALID, "invalid tag"},
    {"-nginx", COPA_EINVALID, "must start and end"},
    {"nginx-", COPA_EINVALID, "must start and end"},
    {"a..b", COPA_EINVALID, "must start and end"},
    {"a___b", COPA_EINVALID, "must start and end"},
    {"a//b", COPA_EINVALID, "empty path component"},
    {"a/", COPA_EINVALID, "empty path component"},
    {"/a", COPA_EINVALID, "empty path component"},
    {"a b", COPA_EINVALID, "character ' ' not allowed"},
    {"nginx@sha256:abc", COPA_EINVALID, "invalid reference 'nginx@sha256:abc'"},
    {"nginx@sha512:" D64 D64, COPA_EUNSUPPORTED, ""},
    {"nginx@", COPA_EINVALID, "invalid reference"},
    {D64, COPA_EINVALID, "image ID"},
    {"-bad.com/x", COPA_EINVALID, "invalid registry '-bad.com'"},
    {"bad-.com/x", COPA_EINVALID, "invalid registry"},
    {"host:port/x", COPA_EINVALID, "invalid registry 'host:port'"},
    {"host:/x", COPA_EINVALID, "invalid registry"},
    {"[::1/x", COPA_EINVALID, "invalid registry"},
    {"[::1]x/y", COPA_EINVALID, "invalid registry"},
    {"[zz]/x", COPA_EINVALID, "path component '[zz]'"},
    {"[zz]:5/x", COPA_EINVALID, "invalid registry '[zz]:5'"},
    {"a_b.com/x", COPA_EINVALID, "invalid registry 'a_b.com'"},
    {"oci:", COPA_EINVALID, "missing path after 'oci:'"},
    {"oci::tag", COPA_EINVALID, "missing path"},
    {"oci:dir:", COPA_EINVALID, "empty tag after ':'"},
    {"oci:dir:a b", COPA_EINVALID, "character ' ' not allowed in tag"},
    {"oci-archive:", COPA_EINVALID, "missing path"},
    {"docker-archive:x.tar:Bad", COPA_EINVALID, "must be lowercase"},
    {"docker-archive:x.tar:a@" DG, COPA_EINVALID, "cannot have a digest"},
    {"docker-archive:x.tar:@0", COPA_EUNSUPPORTED, "@INDEX"},
    {"docker:nginx", COPA_EINVALID, "did you mean 'docker://'?"},
    {"containers-storage:foo", COPA_EINVALID, "transport 'containers-storage' is not supported"},
    {"docker-daemon:foo:1", COPA_EINVALID, "transport 'docker-daemon' is not supported"},
    {"dir:/tmp/x", COPA_EINVALID, "transport 'dir' is not supported"},
    {"docker://", COPA_EINVALID, "empty name"},
    {"docker://UPPER", COPA_EINVALID, "must be lowercase"},
};

static void valid_references(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
        const valid_case *c = &valid[i];
        copa_reference *ref = NULL;
        int error = copa_reference_parse(&ref, c->input);
        if (error != 0)
            fail_msg("'%s': %s", c->input, copa_error_last());
        assert_int_equal(copa_reference_transport(ref), c->transport);
#define CHECK(getter, want)                                                                        \
    do {                                                                                           \
        const char *got = getter(ref);                                                             \
        if ((want) == NULL ? got != NULL : got == NULL || strcmp(got, (want)) != 0)                \
            fail_msg("'%s': " #getter " is '%s', expected '%s'", c->input, got ? got : "(null)",   \
                     (want) ? (want) : "(null)");                                                  \
    } while (0)
        CHECK(copa_reference_registry, c->registry);
        CHECK(copa_reference_repository, c->repository);
        CHECK(copa_reference_tag, c->tag);
        CHECK(copa_reference_digest, c->digest);
        CHECK(copa_reference_path, c->path);
        CHECK(copa_reference_string, c->string);
        copa_reference_free(ref);
    }
}

static void invalid_references(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        copa_reference *ref = (copa_reference *)1;
        int error = copa_reference_parse(&ref, invalid[i].input);
        if (error != invalid[i].code)
            fail_msg("'%s': returned %d, expected %d (%s)", invalid[i].input, error,
                     invalid[i].code, copa_error_last());
        assert_null(ref);
        if (strstr(copa_error_last(), invalid[i].message) == NULL)
            fail_msg("'%s': message '%s' lacks '%s'", invalid[i].input, copa_error_last(),
                     invalid[i].message);
    }
}

static void normalized_string_parses_to_itself(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
        copa_reference *a, *b;
        assert_int_equal(copa_reference_parse(&a, valid[i].input), 0);
        assert_int_equal(copa_reference_parse(&b, copa_reference_string(a)), 0);
        assert_string_equal(copa_reference_string(a), copa_reference_string(b));
        copa_reference_free(a);
        copa_reference_free(b);
    }
}

static void name_length_limit(void **state)
{
    char name[300];
    copa_reference *ref;
    (void)state;

    memset(name, 'a', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    assert_int_equal(copa_reference_parse(&ref, name), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "longer than 255"));
    /* docker.io/library/ + 237 = 255 characters */
    name[237] = '\0';
    assert_int_equal(copa_reference_parse(&ref, name), 0);
    copa_reference_free(ref);
    name[237] = 'a';
    name[238] = '\0';
    assert_int_equal(copa_reference_parse(&ref, name), COPA_EINVALID);
    copa_reference_free(ref);
    copa_reference_free(NULL);
    assert_string_equal(copa_transport_name(COPA_TRANSPORT_OCI_ARCHIVE), "oci-archive");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_references),
        cmocka_unit_test(invalid_references),
        cmocka_unit_test(normalized_string_parses_to_itself),
        cmocka_unit_test(name_length_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
