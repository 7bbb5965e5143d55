/*
 * Package URLs: percent-encoding of tricky names and versions, canonical
 * building, parsing (including the purl-spec test suite's oci and deb
 * cases), round trips, and rejection of malformed purls.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "copa/vex.h"
#include "util/error.h"
#include "vex/purl.h"

#define DIGEST "sha256:9b2f6cbb2a5f16c1ce0e4b1e8e3c6a3f0c0c8b4d3e0f1a2b3c4d5e6f708192a3"
#define DIGEST_ENC "sha256:9b2f6cbb2a5f16c1ce0e4b1e8e3c6a3f0c0c8b4d3e0f1a2b3c4d5e6f708192a3"

typedef struct encode_case {
    const char *raw;
    const char *encoded;
} encode_case;

/* Each component is encoded alike: only A-Z a-z 0-9 . - _ ~ : stay. */
static const encode_case encode_cases[] = {
    {"curl", "curl"},
    {"libstdc++6", "libstdc%2B%2B6"},
    {"12.2.0-14+deb12u1", "12.2.0-14%2Bdeb12u1"},
    {"3.0.13-1~deb12u1", "3.0.13-1~deb12u1"},
    {"1:2.4.47-2", "1:2.4.47-2"},
    {"a b", "a%20b"},
    {"caf\xc3\xa9", "caf%C3%A9"},
    {"\xe2\x9c\x93", "%E2%9C%93"},
    {"1@2", "1%402"},
    {"a/b", "a%2Fb"},
    {"q?x#y&z=w", "q%3Fx%23y%26z%3Dw"},
    {"100%", "100%25"},
    {"a,b;c", "a%2Cb%3Bc"},
};

static void encodes_components(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(encode_cases) / sizeof(encode_cases[0]); i++) {
        copa__buf buf = COPA__BUF_INIT;
        assert_int_equal(copa__purl_encode(&buf, encode_cases[i].raw), 0);
        assert_string_equal(buf.data, encode_cases[i].encoded);
        copa__buf_free(&buf);
    }
}

/* Every tricky string survives build -> parse as name, version, namespace
 * segment and qualifier value. */
static void tricky_strings_round_trip(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(encode_cases) / sizeof(encode_cases[0]); i++) {
        const char *raw = encode_cases[i].raw;
        copa__purl_qualifier q = {"note", (char *)raw};
        copa__purl in = {"generic", NULL, (char *)raw, (char *)raw, &q, 1, NULL};
        copa__purl out;
        char *text, *again;

        if (strchr(raw, '/') == NULL)
            in.namespace = (char *)raw;
        assert_int_equal(copa__purl_to_string(&text, &in), 0);
        assert_int_equal(copa__purl_parse(&out, text), 0);
        assert_string_equal(out.name, raw);
        assert_string_equal(out.version, raw);
        if (in.namespace != NULL)
            assert_string_equal(out.namespace, raw);
        assert_int_equal(out.qualifier_count, 1);
        assert_string_equal(out.qualifiers[0].value, raw);
        assert_int_equal(copa__purl_to_string(&again, &out), 0);
        assert_string_equal(again, text);
        free(again);
        free(text);
        copa__purl_clear(&out);
    }
}

static void builds_sorted_qualifiers_dropping_empty(void **state)
{
    copa__purl_qualifier q[] = {{"tag", "latest"},
                                {"Arch", "amd64"},
                                {"empty", ""},
                                {"repository_url", "docker.io/library/debian"}};
    copa__purl in = {"OCI", NULL, "debian", "sha256:244fd47e07d10", q, 4, NULL};
    char *text;
    (void)state;

    assert_int_equal(copa__purl_to_string(&text, &in), 0);
    /* The purl-spec test suite's canonical form of this oci purl. */
    assert_string_equal(text, "pkg:oci/debian@sha256:244fd47e07d10?arch=amd64&repository_url="
                              "docker.io%2Flibrary%2Fdebian&tag=latest");
    free(text);
}

static void builds_subpath_and_namespace(void **state)
{
    copa__purl in = {"golang",
                     "/google.golang.org//",
                     "genproto",
                     NULL,
                     NULL,
                     0,
                     "/googleapis/./api/../annotations/"};
    char *text;
    (void)state;

    assert_int_equal(copa__purl_to_string(&text, &in), 0);
    assert_string_equal(text, "pkg:golang/google.golang.org/genproto#googleapis/api/annotations");
    free(text);
}

static void build_rejects_invalid_components(void **state)
{
    copa__purl_qualifier bad_key = {"in production", "true"};
    copa__purl_qualifier dup[] = {{"arch", "a"}, {"ARCH", "b"}};
    copa__purl no_type = {NULL, NULL, "x", NULL, NULL, 0, NULL};
    copa__purl digit_type = {"3nginx", NULL, "nginx", NULL, NULL, 0, NULL};
    copa__purl colon_type = {"nginx:a", NULL, "nginx", NULL, NULL, 0, NULL};
    copa__purl no_name = {"maven", NULL, "", "1.3.4", NULL, 0, NULL};
    copa__purl key = {"npm", NULL, "myartifact", "1.0.0", &bad_key, 1, NULL};
    copa__purl twice = {"npm", NULL, "a", NULL, dup, 2, NULL};
    char *text;
    (void)state;

    assert_int_equal(copa__purl_to_string(&text, &no_type), COPA_EINVALID);
    assert_null(text);
    assert_int_equal(copa__purl_to_string(&text, &digit_type), COPA_EINVALID);
    assert_int_equal(copa__purl_to_string(&text, &colon_type), COPA_EINVALID);
    assert_int_equal(copa__purl_to_string(&text, &no_name), COPA_EINVALID);
    assert_string_equal(copa_error_last(), "a purl needs a name");
    assert_int_equal(copa__purl_to_string(&text, &key), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "in production"));
    assert_int_equal(copa__purl_to_string(&text, &twice), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "twice"));
}

typedef struct parse_case {
    const char *input;
    const char *canonical;
} parse_case;

/* Inputs and canonical forms; the oci and deb ones are the purl-spec test
 * suite's (tests/types/oci-test.json, deb-test.json). */
static const parse_case parse_cases[] = {
    {"pkg:oci/debian@sha256%3A244fd47e07d10?repository_url=docker.io/library/debian&arch=amd64&"
     "tag=latest",
     "pkg:oci/debian@sha256:244fd47e07d10?arch=amd64&repository_url=docker.io%2Flibrary%2Fdebian&"
     "tag=latest"},
    {"pkg:oci/static@sha256%3A244fd47e07d10?repository_url=gcr.io/distroless/static&tag=latest",
     "pkg:oci/static@sha256:244fd47e07d10?repository_url=gcr.io%2Fdistroless%2Fstatic&tag=latest"},
    {"pkg:oci/hello-wasm@sha256%3A244fd47e07d10?tag=v1",
     "pkg:oci/hello-wasm@sha256:244fd47e07d10?tag=v1"},
    {"pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie",
     "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie"},
    {"pkg:deb/debian/attr@1:2.4.47-2?arch=source", "pkg:deb/debian/attr@1:2.4.47-2?arch=source"},
    {"pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64",
     "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64"},
    /* A raw '+' (some scanners write it) is a plus, not a space. */
    {"pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12",
     "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12"},
    /* Type-specific lower-casing; keys lower-cased, empty values dropped. */
    {"PKG:DEB/Debian/LibC6@2.36?ARCH=amd64&distro=", "pkg:deb/debian/libc6@2.36?arch=amd64"},
    {"pkg:rpm/Fedora/NetworkManager@1.0", "pkg:rpm/fedora/NetworkManager@1.0"},
    {"pkg:oci/Debian@sha256%3Aab", "pkg:oci/debian@sha256:ab"},
    {"pkg://gem/ruby-advisory-db-check@0.12.4", "pkg:gem/ruby-advisory-db-check@0.12.4"},
    {"pkg:golang/google.golang.org/genproto#/googleapis/./api/../annotations/",
     "pkg:golang/google.golang.org/genproto#googleapis/api/annotations"},
    /* '.' and '..' are dropped also when percent-encoded. */
    {"pkg:generic/x#a/%2E/%2e%2E/b", "pkg:generic/x#a/b"},
    /* A raw '@' in a namespace (npm scope) is not the version separator. */
    {"pkg:npm/@angular/core", "pkg:npm/%40angular/core"},
    {"pkg:npm/%40angular/core@16.0.0", "pkg:npm/%40angular/core@16.0.0"},
    {"pkg:apk/alpine/curl@7.83.0-r0?arch=x86", "pkg:apk/alpine/curl@7.83.0-r0?arch=x86"},
    {"pkg:generic/caf%c3%a9", "pkg:generic/caf%C3%A9"},
};

static void parses_to_canonical(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        copa__purl purl, again;
        char *text, *text2;
        assert_int_equal(copa__purl_parse(&purl, parse_cases[i].input), 0);
        assert_int_equal(copa__purl_to_string(&text, &purl), 0);
        assert_string_equal(text, parse_cases[i].canonical);
        /* The canonical form is a fixed point. */
        assert_int_equal(copa__purl_parse(&again, text), 0);
        assert_int_equal(copa__purl_to_string(&text2, &again), 0);
        assert_string_equal(text2, text);
        free(text);
        free(text2);
        copa__purl_clear(&purl);
        copa__purl_clear(&again);
    }
}

static void parses_components(void **state)
{
    copa__purl p;
    (void)state;

    assert_int_equal(copa__purl_parse(&p, "pkg:oci/debian@sha256%3A244fd47e07d10?repository_url="
                                          "docker.io/library/debian&arch=amd64&tag=latest"),
                     0);
    assert_string_equal(p.type, "oci");
    assert_null(p.namespace);
    assert_string_equal(p.name, "debian");
    assert_string_equal(p.version, "sha256:244fd47e07d10");
    assert_int_equal(p.qualifier_count, 3);
    assert_string_equal(p.qualifiers[0].key, "arch");
    assert_string_equal(p.qualifiers[1].key, "repository_url");
    assert_string_equal(p.qualifiers[1].value, "docker.io/library/debian");
    assert_string_equal(p.qualifiers[2].value, "latest");
    assert_null(p.subpath);
    copa__purl_clear(&p);

    assert_int_equal(copa__purl_parse(&p, "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1"), 0);
    assert_string_equal(p.namespace, "org.apache.xmlgraphics");
    assert_string_equal(p.name, "batik-anim");
    copa__purl_clear(&p);
}

typedef struct invalid_case {
    const char *input;
    const char *problem; /* a part of the message */
} invalid_case;

static const invalid_case invalid_cases[] = {
    {"EnterpriseLibrary.Common@6.0.1304", "scheme 'pkg:'"},
    {"pkg:EnterpriseLibrary.Common@6.0.1304", "no '/' between type and name"},
    {"pkg%3Amaven/org.apache.commons/io", "scheme 'pkg:'"},
    {"pkg:", "no type"},
    {"pkg:3nginx/nginx@0.8.9", "not start with a digit"},
    {"pkg:nginx:a/nginx@0.8.9", "the type must be"},
    {"pkg:n&g?inx/nginx@0.8.9", "without '='"},
    {"pkg:npm/myartifact@1.0.0?in%20production=true", "qualifier key"},
    {"pkg:maven/@1.3.4", "no name"},
    {"pkg:deb/debian/curl@", "'@' without a version"},
    {"pkg:deb/debian/curl@1%2", "two hex digits"},
    {"pkg:deb/debian/curl@1%zz", "two hex digits"},
    {"pkg:deb/debian/curl@1%00", "NUL"},
    {"pkg:deb/debian/curl?arch=%zz", "two hex digits"},
    {"pkg:deb/debian/curl?distro=x&arch=a%", "two hex digits"},
    {"pkg:deb/debian/cu rl", "space or control"},
    {"pkg:deb/debian/cu\trl", "space or control"},
    {"pkg:generic/caf\xc3\xa9", "non-ASCII"},
    {"pkg:deb/debian/curl?arch=a&ARCH=b", "appears twice"},
    {"pkg:deb/debian/curl?arch", "without '='"},
    {"pkg:deb/deb%2Fian/curl", "namespace segment holds an encoded '/'"},
    {"pkg:generic/x#a%2Fb", "subpath segment holds an encoded '/'"},
    {"pkg:deb/", "no '/' between type and name"},
};

static void rejects_malformed(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(invalid_cases) / sizeof(invalid_cases[0]); i++) {
        copa__purl p;
        int rc = copa__purl_parse(&p, invalid_cases[i].input);
        if (rc != COPA_EINVALID || strstr(copa_error_last(), invalid_cases[i].problem) == NULL)
            fail_msg("'%s': rc %d, message '%s', expected '%s'", invalid_cases[i].input, rc,
                     copa_error_last(), invalid_cases[i].problem);
        /* The message quotes the purl. */
        assert_non_null(strstr(copa_error_last(), "invalid purl '"));
        copa__purl_clear(&p);
    }
}

typedef struct package_case {
    copa_pkg_format format;
    const char *distro, *distro_version, *name, *version, *arch;
    const char *expected;
} package_case;

static const package_case package_cases[] = {
    {COPA_PKG_DEB, "debian", "12.5", "libssl3", "3.0.13-1~deb12u1", "amd64",
     "pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=amd64&distro=debian-12"},
    {COPA_PKG_DEB, "debian", "12", "libstdc++6", "12.2.0-14+deb12u1", "arm64",
     "pkg:deb/debian/libstdc%2B%2B6@12.2.0-14%2Bdeb12u1?arch=arm64&distro=debian-12"},
    {COPA_PKG_DEB, "debian", "12.5", "libgcrypt20", "1:1.10.1-3", "amd64",
     "pkg:deb/debian/libgcrypt20@1:1.10.1-3?arch=amd64&distro=debian-12"},
    {COPA_PKG_DEB, "ubuntu", "22.04.3", "openssl", "3.0.2-0ubuntu1.15", "all",
     "pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1.15?arch=all&distro=ubuntu-22.04"},
    {COPA_PKG_DEB, "Debian", NULL, "Curl", "7.88.1-10", NULL, "pkg:deb/debian/curl@7.88.1-10"},
    {COPA_PKG_APK, "alpine", "3.19.1", "libcrypto3", "3.1.4-r5", "x86_64",
     "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19"},
    {COPA_PKG_RPM, "rhel", "8.9", "openssl-libs", "1:1.1.1k-12.el8_9", "x86_64",
     "pkg:rpm/redhat/openssl-libs@1.1.1k-12.el8_9?arch=x86_64&distro=redhat-8.9&epoch=1"},
    {COPA_PKG_RPM, "fedora", "39", "NetworkManager", "1.44.2-1.fc39", "x86_64",
     "pkg:rpm/fedora/NetworkManager@1.44.2-1.fc39?arch=x86_64&distro=fedora-39"},
};

static void builds_package_purls(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(package_cases) / sizeof(package_cases[0]); i++) {
        const package_case *c = &package_cases[i];
        char *purl;
        assert_int_equal(copa_vex_purl_package(&purl, c->format, c->distro, c->distro_version,
                                               c->name, c->version, c->arch),
                         0);
        assert_string_equal(purl, c->expected);
        copa_vex_string_free(purl);
    }
}

static void package_purl_errors(void **state)
{
    char *purl;
    (void)state;

    assert_int_equal(copa_vex_purl_package(&purl, COPA_PKG_UNKNOWN, "debian", "12", "a", "1", NULL),
                     COPA_EINVALID);
    assert_null(purl);
    assert_int_equal(copa_vex_purl_package(&purl, COPA_PKG_DEB, "debian", "12", "a", "", NULL),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "version"));
    assert_int_equal(copa_vex_purl_package(&purl, COPA_PKG_DEB, NULL, "12", "a", "1", NULL),
                     COPA_EINVALID);
    assert_int_equal(copa_vex_purl_package(NULL, COPA_PKG_DEB, "debian", "12", "a", "1", NULL),
                     COPA_EINVALID);
}

static void builds_image_purls(void **state)
{
    char *purl;
    (void)state;

    assert_int_equal(copa_vex_purl_image(&purl, "docker.io", "library/Nginx", DIGEST, "1.25"), 0);
    assert_string_equal(purl, "pkg:oci/nginx@" DIGEST_ENC
                              "?repository_url=docker.io%2Flibrary%2FNginx&tag=1.25");
    copa_vex_string_free(purl);
    assert_int_equal(copa_vex_purl_image(&purl, "localhost:5000", "app", DIGEST, NULL), 0);
    assert_string_equal(purl, "pkg:oci/app@" DIGEST_ENC "?repository_url=localhost:5000%2Fapp");
    copa_vex_string_free(purl);
    assert_int_equal(copa_vex_purl_image(&purl, NULL, "team/app", DIGEST, ""), 0);
    assert_string_equal(purl, "pkg:oci/app@" DIGEST_ENC);
    copa_vex_string_free(purl);

    assert_int_equal(copa_vex_purl_image(&purl, "docker.io", "", DIGEST, NULL), COPA_EINVALID);
    assert_int_equal(copa_vex_purl_image(&purl, "docker.io", "x/", DIGEST, NULL), COPA_EINVALID);
    assert_int_equal(copa_vex_purl_image(&purl, "docker.io", "app", "sha256:abc", NULL),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "sha256:abc"));
    assert_null(purl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encodes_components),
        cmocka_unit_test(tricky_strings_round_trip),
        cmocka_unit_test(builds_sorted_qualifiers_dropping_empty),
        cmocka_unit_test(builds_subpath_and_namespace),
        cmocka_unit_test(build_rejects_invalid_components),
        cmocka_unit_test(parses_to_canonical),
        cmocka_unit_test(parses_components),
        cmocka_unit_test(rejects_malformed),
        cmocka_unit_test(builds_package_purls),
        cmocka_unit_test(package_purl_errors),
        cmocka_unit_test(builds_image_purls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
