/*
 * OpenVEX documents: exact structure, grouping and ordering of statements,
 * deterministic ids and timestamps, errors, files, and validation of what
 * we write against our transcription of the OpenVEX v0.2.0 JSON schema
 * with Debian's python3-jsonschema (which must also reject broken
 * documents, or the validation would prove nothing).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "copa/vex.h"
#include "test_support.h"
#include "util/digest.h"
#include "util/error.h"
#include "vex/vex.h"

#define IMAGE_DIGEST "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define IMAGE "pkg:oci/app@" IMAGE_DIGEST "?repository_url=registry.example%2Fteam%2Fapp&tag=1.0"
#define LIBSSL "pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=amd64&distro=debian-12"
#define OPENSSL "pkg:deb/debian/openssl@3.0.13-1~deb12u1?arch=amd64&distro=debian-12"
#define LIBC "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12"

static copa_vex *fixed_document(const char *id)
{
    copa_vex_options opts = COPA_VEX_OPTIONS_INIT;
    copa_vex *vex;

    opts.id = id;
    opts.author = "Example Security Team <security@example.com>";
    opts.timestamp = "2024-05-01T12:00:00Z";
    opts.tooling = "libcopa test";
    assert_int_equal(copa_vex_create(&vex, &opts), 0);
    return vex;
}

static char *compact(const char *json)
{
    cJSON *doc = cJSON_Parse(json);
    char *text;

    assert_non_null(doc);
    text = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    return text;
}

static void exact_document(void **state)
{
    copa_vex *vex = fixed_document("urn:uuid:3c1e7d0a-8c55-4a8e-9d2c-1f0e9b7a6d5c");
    char *json, *text;
    (void)state;

    /* Added out of order, one claim twice, a non-canonical spelling of one. */
    assert_int_equal(copa_vex_add_fixed(vex, "CVE-2024-2511", IMAGE, OPENSSL), 0);
    assert_int_equal(copa_vex_add_fixed(vex, "CVE-2024-0727", IMAGE, LIBSSL), 0);
    assert_int_equal(copa_vex_add_fixed(vex, "CVE-2024-2511", IMAGE, LIBSSL), 0);
    assert_int_equal(copa_vex_add_fixed(vex, "CVE-2024-2961", IMAGE, LIBC), 0);
    assert_int_equal(
        copa_vex_add_fixed(vex, "CVE-2024-2961", IMAGE,
                           "pkg:deb/debian/libc6@2.36-9+deb12u7?distro=debian-12&arch=amd64"),
        0);
    assert_int_equal(copa_vex_statement_count(vex), 3);
    assert_int_equal(copa_vex_to_json(&json, vex), 0);
    assert_int_equal(json[strlen(json) - 1], '\n');
    text = compact(json);
    assert_string_equal(
        text, "{\"@context\":\"https://openvex.dev/ns/v0.2.0\","
              "\"@id\":\"urn:uuid:3c1e7d0a-8c55-4a8e-9d2c-1f0e9b7a6d5c\","
              "\"author\":\"Example Security Team <security@example.com>\","
              "\"timestamp\":\"2024-05-01T12:00:00Z\",\"version\":1,\"tooling\":\"libcopa test\","
              "\"statements\":["
              "{\"vulnerability\":{\"name\":\"CVE-2024-0727\"},"
              "\"products\":[{\"@id\":\"" IMAGE "\",\"subcomponents\":[{\"@id\":\"" LIBSSL "\"}]}],"
              "\"status\":\"fixed\"},"
              "{\"vulnerability\":{\"name\":\"CVE-2024-2511\"},"
              "\"products\":[{\"@id\":\"" IMAGE "\",\"subcomponents\":[{\"@id\":\"" LIBSSL
              "\"},{\"@id\":\"" OPENSSL "\"}]}],\"status\":\"fixed\"},"
              "{\"vulnerability\":{\"name\":\"CVE-2024-2961\"},"
              "\"products\":[{\"@id\":\"" IMAGE "\",\"subcomponents\":[{\"@id\":\"" LIBC "\"}]}],"
              "\"status\":\"fixed\"}]}");
    cJSON_free(text);
    copa_vex_string_free(json);
    copa_vex_free(vex);
}

/* The patch pipeline's input: fixed vulnerabilities as package facts. */
static void pipeline_fixes(void **state)
{
    static const copa__vex_fix fixes[] = {
        {"CVE-2024-2511", "openssl", "3.0.13-1~deb12u1", "amd64", COPA_PKG_DEB, "debian", "12.5"},
        {"CVE-2024-2511", "libssl3", "3.0.13-1~deb12u1", "amd64", COPA_PKG_DEB, "debian", "12.5"},
        {"CVE-2024-0727", "libssl3", "3.0.13-1~deb12u1", "amd64", COPA_PKG_DEB, "debian", "12.5"},
    };
    copa__vex_fix bad = {"CVE-1", "", "1", NULL, COPA_PKG_DEB, "debian", "12"};
    copa_vex *vex = fixed_document("urn:uuid:0");
    cJSON *doc, *s, *subs;
    char *json;
    (void)state;

    assert_int_equal(copa__vex_add_fixes(vex, IMAGE, fixes, 3), 0);
    assert_int_equal(copa_vex_statement_count(vex), 2);
    assert_int_equal(copa_vex_to_json(&json, vex), 0);
    doc = cJSON_Parse(json);
    s = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "statements"), 1);
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(s, "vulnerability"), "name")->valuestring,
        "CVE-2024-2511");
    subs = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(s, "products"), 0),
                               "subcomponents");
    assert_int_equal(cJSON_GetArraySize(subs), 2);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(subs, 0), "@id")->valuestring,
                        LIBSSL);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(subs, 1), "@id")->valuestring,
                        OPENSSL);
    cJSON_Delete(doc);
    copa_vex_string_free(json);

    assert_int_equal(copa__vex_add_fixes(vex, IMAGE, &bad, 1), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "VEX fix CVE-1"));
    copa_vex_free(vex);
}

/* A product claimed as a whole has no subcomponents array. */
static void product_without_subcomponents(void **state)
{
    copa_vex *vex = fixed_document("urn:uuid:0");
    cJSON *doc, *product;
    char *json;
    (void)state;

    assert_int_equal(copa_vex_add_fixed(vex, "CVE-2024-1", IMAGE, NULL), 0);
    assert_int_equal(copa_vex_to_json(&json, vex), 0);
    doc = cJSON_Parse(json);
    product = cJSON_GetArrayItem(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "statements"), 0),
                            "products"),
        0);
    assert_string_equal(cJSON_GetObjectItem(product, "@id")->valuestring, IMAGE);
    assert_null(cJSON_GetObjectItem(product, "subcomponents"));
    cJSON_Delete(doc);
    copa_vex_string_free(json);
    copa_vex_free(vex);
}

static char *id_of(const char *json)
{
    cJSON *doc = cJSON_Parse(json);
    char *id = strdup(cJSON_GetObjectItem(doc, "@id")->valuestring);
    cJSON_Delete(doc);
    return id;
}

/* Without an id, the id is the SHA-256 of the document with an empty id. */
static void derived_id(void **state)
{
    copa_vex *a = fixed_document(NULL), *b = fixed_document(NULL);
    char *ja, *jb, *ida, *idb, *recomputed;
    unsigned char raw[COPA_SHA256_LEN];
    char hex[COPA_SHA256_HEX_LEN + 1], expected[128];
    cJSON *doc;
    (void)state;

    assert_int_equal(copa_vex_add_fixed(a, "CVE-2024-1", IMAGE, LIBC), 0);
    assert_int_equal(copa_vex_add_fixed(b, "CVE-2024-1", IMAGE, LIBC), 0);
    assert_int_equal(copa_vex_to_json(&ja, a), 0);
    assert_int_equal(copa_vex_to_json(&jb, b), 0);
    assert_string_equal(ja, jb);
    ida = id_of(ja);
    assert_int_equal(strncmp(ida, "https://openvex.dev/docs/public/vex-", 36), 0);
    assert_int_equal(strlen(ida), 36 + 64);

    doc = cJSON_Parse(ja);
    cJSON_SetValuestring(cJSON_GetObjectItem(doc, "@id"), "");
    recomputed = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    assert_int_equal(copa__sha256_buffer(raw, recomputed, strlen(recomputed)), 0);
    copa__hex_encode(hex, raw, sizeof(raw));
    snprintf(expected, sizeof(expected), "https://openvex.dev/docs/public/vex-%s", hex);
    assert_string_equal(ida, expected);
    cJSON_free(recomputed);

    /* Another claim gives another id. */
    assert_int_equal(copa_vex_add_fixed(b, "CVE-2024-3", IMAGE, LIBC), 0);
    copa_vex_string_free(jb);
    assert_int_equal(copa_vex_to_json(&jb, b), 0);
    idb = id_of(jb);
    assert_string_not_equal(ida, idb);
    free(ida);
    free(idb);
    copa_vex_string_free(ja);
    copa_vex_string_free(jb);
    copa_vex_free(a);
    copa_vex_free(b);
}

static char *timestamp_of(copa_vex *vex)
{
    cJSON *doc;
    char *json, *t;

    assert_int_equal(copa_vex_add_fixed(vex, "CVE-2024-1", IMAGE, NULL), 0);
    assert_int_equal(copa_vex_to_json(&json, vex), 0);
    doc = cJSON_Parse(json);
    t = strdup(cJSON_GetObjectItem(doc, "timestamp")->valuestring);
    cJSON_Delete(doc);
    copa_vex_string_free(json);
    return t;
}

static void default_timestamp(void **state)
{
    copa_vex *vex;
    char *t, now[32];
    time_t before = time(NULL);
    struct tm tm;
    (void)state;

    unsetenv("SOURCE_DATE_EPOCH");
    assert_int_equal(copa_vex_create(&vex, NULL), 0);
    t = timestamp_of(vex);
    assert_true(copa__vex_timestamp_valid(t));
    assert_int_equal(t[strlen(t) - 1], 'Z');
    /* Within the second or so this took. */
    gmtime_r(&before, &tm);
    strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
    assert_true(strcmp(t, now) >= 0);
    free(t);
    copa_vex_free(vex);

    setenv("SOURCE_DATE_EPOCH", "1714564800", 1);
    assert_int_equal(copa_vex_create(&vex, NULL), 0);
    t = timestamp_of(vex);
    assert_string_equal(t, "2024-05-01T12:00:00Z");
    free(t);
    copa_vex_free(vex);

    setenv("SOURCE_DATE_EPOCH", "yesterday", 1);
    assert_int_equal(copa_vex_create(&vex, NULL), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "SOURCE_DATE_EPOCH"));
    assert_null(vex);
    unsetenv("SOURCE_DATE_EPOCH");
}

static void default_author_and_tooling(void **state)
{
    copa_vex *vex;
    cJSON *doc;
    char *json;
    (void)state;

    assert_int_equal(copa_vex_create(&vex, NULL), 0);
    assert_int_equal(copa_vex_add_fixed(vex, "CVE-2024-1", IMAGE, NULL), 0);
    assert_int_equal(copa_vex_to_json(&json, vex), 0);
    doc = cJSON_Parse(json);
    assert_string_equal(cJSON_GetObjectItem(doc, "author")->valuestring, "copa");
    assert_string_equal(cJSON_GetObjectItem(doc, "tooling")->valuestring, "libcopa " COPA_VERSION);
    assert_int_equal(cJSON_GetObjectItem(doc, "version")->valueint, 1);
    cJSON_Delete(doc);
    copa_vex_string_free(json);
    copa_vex_free(vex);
}

static void option_errors(void **state)
{
    copa_vex_options opts;
    copa_vex *vex;
    (void)state;

    assert_int_equal(copa_vex_options_init(&opts, COPA_VEX_OPTIONS_VERSION), 0);
    assert_null(opts.author);
    assert_int_equal(copa_vex_options_init(&opts, 99), COPA_EINVALID);
    assert_int_equal(copa_vex_options_init(NULL, COPA_VEX_OPTIONS_VERSION), COPA_EINVALID);

    copa_vex_options_init(&opts, COPA_VEX_OPTIONS_VERSION);
    opts.id = "vex document 1";
    assert_int_equal(copa_vex_create(&vex, &opts), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "not an IRI"));
    opts.id = NULL;
    opts.author = "";
    assert_int_equal(copa_vex_create(&vex, &opts), COPA_EINVALID);
    opts.author = NULL;
    opts.timestamp = "2024-13-01T00:00:00Z";
    assert_int_equal(copa_vex_create(&vex, &opts), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "RFC 3339"));
    opts.timestamp = "2024-05-01 12:00:00";
    assert_int_equal(copa_vex_create(&vex, &opts), COPA_EINVALID);
    opts.timestamp = "2024-05-01T12:00:00.123+02:00";
    assert_int_equal(copa_vex_create(&vex, &opts), 0);
    copa_vex_free(vex);
    opts.version = 2;
    assert_int_equal(copa_vex_create(&vex, &opts), COPA_EINVALID);
    assert_int_equal(copa_vex_create(NULL, NULL), COPA_EINVALID);
    copa_vex_free(NULL);
    copa_vex_string_free(NULL);
}

static void claim_errors(void **state)
{
    copa_vex *vex = fixed_document("urn:uuid:0");
    char *json;
    (void)state;

    assert_int_equal(copa_vex_to_json(&json, vex), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "at least one statement"));
    assert_null(json);
    assert_int_equal(copa_vex_add_fixed(vex, "", IMAGE, LIBC), COPA_EINVALID);
    assert_int_equal(copa_vex_add_fixed(vex, "CVE 2024", IMAGE, LIBC), COPA_EINVALID);
    assert_int_equal(copa_vex_add_fixed(vex, "CVE-2024-1", "oci/app", LIBC), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "VEX product: invalid purl 'oci/app'"));
    assert_int_equal(copa_vex_add_fixed(vex, "CVE-2024-1", IMAGE, "pkg:deb/debian/a b"),
                     COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "VEX subcomponent: invalid purl"));
    assert_int_equal(copa_vex_add_fixed(vex, "CVE-2024-1", NULL, LIBC), COPA_EINVALID);
    assert_int_equal(copa_vex_add_fixed(NULL, "CVE-2024-1", IMAGE, LIBC), COPA_EINVALID);
    assert_int_equal(copa_vex_statement_count(vex), 0);
    assert_int_equal(copa_vex_statement_count(NULL), 0);
    copa_vex_free(vex);
}

static void writes_file(void **state)
{
    copa_vex *vex = fixed_document(NULL);
    char dir[] = "/tmp/copa-vex-XXXXXX", path[256], *json, *read;
    size_t length;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/out.vex.json", dir);
    assert_int_equal(copa_vex_write_file(vex, path), COPA_EINVALID); /* nothing fixed */
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(copa_vex_add_fixed(vex, "CVE-2024-1", IMAGE, LIBC), 0);
    assert_int_equal(copa_vex_write_file(vex, path), 0);
    assert_int_equal(copa_vex_to_json(&json, vex), 0);
    read = test_read_file(path, &length);
    assert_string_equal(read, json);
    free(read);
    copa_vex_string_free(json);
    remove(path);
    rmdir(dir);
    snprintf(path, sizeof(path), "%s/missing/out.json", dir);
    assert_int_equal(copa_vex_write_file(vex, path), COPA_ERROR);
    assert_non_null(strstr(copa_error_last(), path));
    copa_vex_free(vex);
}

/* Exit status of the schema validator for a document (as text). */
static int validate(const char *json)
{
    char path[] = "/tmp/copa-vex-doc-XXXXXX", command[1024];
    int fd = mkstemp(path), status;
    FILE *file;

    assert_true(fd >= 0);
    file = fdopen(fd, "w");
    assert_non_null(file);
    fputs(json, file);
    fclose(file);
    snprintf(command, sizeof(command),
             "/usr/bin/python3 %s/tests/unit/vex/validate_openvex.py "
             "%s/tests/fixtures/vex/openvex_json_schema.json %s",
             COPA_TEST_SOURCE_DIR, COPA_TEST_SOURCE_DIR, path);
    status = system(command);
    remove(path);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 2)
        fail_msg("the validator cannot run: install python3-jsonschema");
    return WEXITSTATUS(status);
}

static char *sample_json(void)
{
    copa_vex *vex = fixed_document(NULL);
    char *json, *purl;

    assert_int_equal(copa_vex_add_fixed(vex, "CVE-2024-2511", IMAGE, OPENSSL), 0);
    assert_int_equal(copa_vex_add_fixed(vex, "CVE-2024-2511", IMAGE, LIBSSL), 0);
    assert_int_equal(copa_vex_add_fixed(vex, "GHSA-xxxx-yyyy-zzzz", IMAGE, NULL), 0);
    assert_int_equal(copa_vex_purl_package(&purl, COPA_PKG_DEB, "debian", "12", "libstdc++6",
                                           "1:12.2.0-14+deb12u1", "amd64"),
                     0);
    assert_int_equal(copa_vex_add_fixed(vex, "CVE-2023-4039", IMAGE, purl), 0);
    copa_vex_string_free(purl);
    assert_int_equal(copa_vex_to_json(&json, vex), 0);
    copa_vex_free(vex);
    return json;
}

static void valid_against_schema(void **state)
{
    char *json = sample_json();
    (void)state;

    assert_int_equal(validate(json), 0);
    copa_vex_string_free(json);
}

/* Each broken variant must fail, so a passing validation means something. */
static void schema_rejects_broken_documents(void **state)
{
    static const char *required[] = {"@context",  "@id",     "author",
                                     "timestamp", "version", "statements"};
    char *json = sample_json(), *text;
    cJSON *doc, *statement;
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
        doc = cJSON_Parse(json);
        cJSON_DeleteItemFromObject(doc, required[i]);
        text = cJSON_Print(doc);
        if (validate(text) != 1)
            fail_msg("a document without '%s' passed the schema", required[i]);
        cJSON_free(text);
        cJSON_Delete(doc);
    }

    doc = cJSON_Parse(json);
    statement = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "statements"), 0);
    cJSON_SetValuestring(cJSON_GetObjectItem(statement, "status"), "patched");
    text = cJSON_Print(doc);
    assert_int_equal(validate(text), 1);
    cJSON_free(text);
    cJSON_SetValuestring(cJSON_GetObjectItem(statement, "status"), "fixed");
    cJSON_DeleteItemFromObject(statement, "vulnerability");
    text = cJSON_Print(doc);
    assert_int_equal(validate(text), 1);
    cJSON_free(text);
    cJSON_Delete(doc);

    doc = cJSON_Parse(json);
    cJSON_SetValuestring(cJSON_GetObjectItem(doc, "timestamp"), "yesterday");
    text = cJSON_Print(doc);
    assert_int_equal(validate(text), 1);
    cJSON_free(text);
    cJSON_DeleteItemFromObject(doc, "statements");
    cJSON_AddArrayToObject(doc, "statements");
    cJSON_SetValuestring(cJSON_GetObjectItem(doc, "timestamp"), "2024-05-01T12:00:00Z");
    text = cJSON_Print(doc);
    assert_int_equal(validate(text), 1);
    cJSON_free(text);
    cJSON_Delete(doc);
    copa_vex_string_free(json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_document),
        cmocka_unit_test(pipeline_fixes),
        cmocka_unit_test(product_without_subcomponents),
        cmocka_unit_test(derived_id),
        cmocka_unit_test(default_timestamp),
        cmocka_unit_test(default_author_and_tooling),
        cmocka_unit_test(option_errors),
        cmocka_unit_test(claim_errors),
        cmocka_unit_test(writes_file),
        cmocka_unit_test(valid_against_schema),
        cmocka_unit_test(schema_rejects_broken_documents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
