/*
 * The image model: parsing, byte-exact round trips, platform selection,
 * appending a layer to OCI and Docker images, and digest verification.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/model.h"
#include "image/store.h"
#include "util/error.h"

#define H1 "1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "2222222222222222222222222222222222222222222222222222222222222222"
#define H3 "3333333333333333333333333333333333333333333333333333333333333333"
#define H4 "4444444444444444444444444444444444444444444444444444444444444444"

/* Pretty-printed, with unknown fields and an escaped '<', as other tools write. */
static const char oci_manifest[] =
    "{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"" COPA_MT_OCI_MANIFEST "\",\n"
    "  \"config\": {\"mediaType\": \"" COPA_MT_OCI_CONFIG "\", \"digest\": \"sha256:" H1
    "\", \"size\": 100},\n"
    "  \"layers\": [{\"mediaType\": \"" COPA_MT_OCI_LAYER_GZIP "\", \"digest\": \"sha256:" H2
    "\", \"size\": 2000, \"x-extra\": [1, 2.5]}],\n"
    "  \"annotations\": {\"a\": \"\\u003cb\\u003e\"},\n  \"x-vendor\": {\"keep\": true}\n}\n";

static const char docker_manifest[] =
    "{\"schemaVersion\":2,\"mediaType\":\"" COPA_MT_DOCKER_MANIFEST "\",\"config\":{\"mediaType\":"
    "\"" COPA_MT_DOCKER_CONFIG "\",\"size\":100,\"digest\":\"sha256:" H1 "\"},\"layers\":[{"
    "\"mediaType\":\"" COPA_MT_DOCKER_LAYER_GZIP "\",\"size\":2000,\"digest\":\"sha256:" H2 "\"}]}";

static const char index_json[] =
    "{\"schemaVersion\":2,\"mediaType\":\"" COPA_MT_OCI_INDEX "\",\"manifests\":["
    "{\"mediaType\":\"" COPA_MT_OCI_MANIFEST "\",\"digest\":\"sha256:" H1 "\",\"size\":10,"
    "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
    "{\"mediaType\":\"" COPA_MT_OCI_MANIFEST "\",\"digest\":\"sha256:" H2 "\",\"size\":20,"
    "\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}},"
    "{\"mediaType\":\"" COPA_MT_OCI_MANIFEST "\",\"digest\":\"sha256:" H3 "\",\"size\":30,"
    "\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"},"
    "\"annotations\":{\"k\":\"v\"}}],\"x-top\":1}";

static const char config_json[] =
    "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2023-01-01T00:00:00Z\","
    "\"config\":{\"Env\":[\"PATH=/bin\"],\"Labels\":null,\"Entrypoint\":[\"/bin/sh\"]},"
    "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" H3 "\"]},"
    "\"history\":[{\"created_by\":\"base\"}],\"x-unknown\":{\"deep\":[null,false,\"s\"]}}";

static void sha256_of(char out[COPA_DIGEST_STRING_MAX], const char *text)
{
    unsigned char raw[COPA_SHA256_LEN];
    copa__sha256_buffer(raw, text, strlen(text));
    copa__digest_format(out, raw);
}

static void manifest_parse_and_exact_round_trip(void **state)
{
    char digest[COPA_DIGEST_STRING_MAX];
    copa__manifest m;
    (void)state;

    assert_int_equal(copa__manifest_parse(&m, oci_manifest, strlen(oci_manifest)), 0);
    assert_int_equal(m.family, COPA__FAMILY_OCI);
    assert_string_equal(m.config.digest, "sha256:" H1);
    assert_int_equal(m.layer_count, 1);
    assert_true(m.layers[0].size == 2000);
    /* Unchanged: the bytes and so the digest are exactly the input's. */
    assert_int_equal(m.doc.raw_length, strlen(oci_manifest));
    assert_memory_equal(m.doc.raw, oci_manifest, m.doc.raw_length);
    sha256_of(digest, oci_manifest);
    assert_string_equal(m.doc.digest, digest);
    copa__manifest_free(&m);

    assert_int_equal(copa__manifest_parse(&m, docker_manifest, strlen(docker_manifest)), 0);
    assert_int_equal(m.family, COPA__FAMILY_DOCKER);
    assert_string_equal(m.media_type, COPA_MT_DOCKER_MANIFEST);
    copa__manifest_free(&m);
}

static void malformed_and_unsupported_manifests(void **state)
{
    static const struct {
        const char *json;
        int code;
        const char *message;
    } cases[] = {
        {"{\"schemaVersion\":2,", COPA_EINVALID, "malformed JSON"},
        {"[]", COPA_EINVALID, "malformed JSON"},
        {"{\"schemaVersion\":2} x", COPA_EINVALID, "malformed JSON"},
        {"{\"schemaVersion\":1,\"mediaType\":\"application/vnd.docker.distribution.manifest.v1+"
         "prettyjws\"}",
         COPA_EUNSUPPORTED, "schema 1"},
        {"{\"schemaVersion\":2,\"mediaType\":\"text/plain\"}", COPA_EUNSUPPORTED, "'text/plain'"},
        {"{\"schemaVersion\":2,\"mediaType\":\"" COPA_MT_OCI_INDEX "\"}", COPA_EINVALID,
         "is not a manifest"},
        {"{\"schemaVersion\":3,\"config\":{}}", COPA_EINVALID, "schemaVersion"},
        {"{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:" H1 "\"},\"layers\":[]}",
         COPA_EINVALID, "no valid size"},
        {"{\"schemaVersion\":2,\"config\":{\"digest\":\"md5:x\",\"size\":1},\"layers\":[]}",
         COPA_EUNSUPPORTED, "config"},
        {"{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:" H1 "\",\"size\":1.5},"
         "\"layers\":[]}",
         COPA_EINVALID, "no valid size"},
        {"{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:" H1 "\",\"size\":1},"
         "\"layers\":[{\"mediaType\":\"x/y\",\"digest\":\"sha256:" H1 "\",\"size\":1}]}",
         COPA_EUNSUPPORTED, "unsupported media type 'x/y'"},
        {"{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:" H1 "\",\"size\":1}}",
         COPA_EINVALID, "'layers' is not an array"},
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        copa__manifest m;
        int error = copa__manifest_parse(&m, cases[i].json, strlen(cases[i].json));
        if (error != cases[i].code || strstr(copa_error_last(), cases[i].message) == NULL)
            fail_msg("case %zu: %d '%s'", i, error, copa_error_last());
    }
}

static void index_and_platform_selection(void **state)
{
    copa__platform want;
    copa__index idx;
    size_t pick;
    (void)state;

    assert_int_equal(copa__index_parse(&idx, index_json, strlen(index_json)), 0);
    assert_int_equal(idx.manifest_count, 3);
    assert_memory_equal(idx.doc.raw, index_json, strlen(index_json));

    assert_int_equal(copa__platform_parse(&want, "linux/x86_64"), 0);
    assert_int_equal(copa__index_select(&pick, &idx, &want), 0);
    assert_int_equal(pick, 0);
    assert_int_equal(copa__platform_parse(&want, "linux/aarch64"), 0);
    assert_int_equal(copa__index_select(&pick, &idx, &want), 0);
    assert_int_equal(pick, 1);
    assert_int_equal(copa__platform_parse(&want, "linux/arm64/v8"), 0);
    assert_int_equal(copa__index_select(&pick, &idx, &want), 0);
    assert_int_equal(pick, 1);
    assert_int_equal(copa__platform_parse(&want, "linux/armhf"), 0);
    assert_string_equal(want.architecture, "arm");
    assert_string_equal(want.variant, "v7");
    assert_int_equal(copa__index_select(&pick, &idx, &want), 0);
    assert_int_equal(pick, 2);
    assert_int_equal(copa__platform_parse(&want, "linux/arm/v6"), 0);
    assert_int_equal(copa__index_select(&pick, &idx, &want), COPA_ENOTFOUND);
    assert_non_null(strstr(copa_error_last(),
                           "no manifest for platform linux/arm/v6; the image has: linux/amd64, "
                           "linux/arm64, linux/arm/v7"));
    assert_int_equal(copa__platform_parse(&want, "linux"), COPA_EINVALID);
    assert_int_equal(copa__platform_parse(&want, "linux/arm/v7/x"), COPA_EINVALID);
    assert_int_equal(copa__platform_parse(&want, "/amd64"), COPA_EINVALID);
    copa__index_free(&idx);
}

static void index_replaces_only_one_entry(void **state)
{
    copa__manifest m;
    copa__index idx;
    char *before0, *before2, *after0, *after2;
    (void)state;

    assert_int_equal(copa__index_parse(&idx, index_json, strlen(index_json)), 0);
    assert_int_equal(copa__manifest_parse(&m, docker_manifest, strlen(docker_manifest)), 0);
    before0 = cJSON_PrintUnformatted(idx.manifests[0].json);
    before2 = cJSON_PrintUnformatted(idx.manifests[2].json);
    assert_int_equal(copa__index_replace_manifest(&idx, "sha256:" H2, &m), 0);
    assert_string_equal(idx.manifests[1].digest, m.doc.digest);
    assert_true(idx.manifests[1].size == (double)m.doc.raw_length);
    assert_true(idx.manifests[1].has_platform);
    after0 = cJSON_PrintUnformatted(idx.manifests[0].json);
    after2 = cJSON_PrintUnformatted(idx.manifests[2].json);
    assert_string_equal(before0, after0);
    assert_string_equal(before2, after2);
    assert_non_null(strstr(idx.doc.raw, "\"x-top\":1"));
    assert_int_equal(copa__index_replace_manifest(&idx, "sha256:" H4, &m), COPA_ENOTFOUND);
    free(before0);
    free(before2);
    free(after0);
    free(after2);
    copa__manifest_free(&m);
    copa__index_free(&idx);
}

static void config_round_trip_and_labels(void **state)
{
    copa__config c;
    (void)state;

    assert_int_equal(copa__config_parse(&c, config_json, strlen(config_json)), 0);
    assert_string_equal(c.os, "linux");
    assert_int_equal(c.diff_id_count, 1);
    assert_memory_equal(c.doc.raw, config_json, strlen(config_json));
    assert_int_equal(copa__config_set_label(&c, "org.example", "1"), 0);
    assert_int_equal(copa__doc_reserialize(&c.doc), 0);
    assert_non_null(strstr(c.doc.raw, "\"Labels\":{\"org.example\":\"1\"}"));
    assert_non_null(strstr(c.doc.raw, "\"x-unknown\":{\"deep\":[null,false,\"s\"]}"));
    assert_non_null(strstr(c.doc.raw, "\"Env\":[\"PATH=/bin\"]"));
    copa__config_free(&c);
    assert_int_equal(copa__config_parse(&c, "{\"os\":\"linux\"}", 15), COPA_EINVALID);
}

static void append(const char *manifest_json, copa__family family, const char *layer_type)
{
    copa__new_layer layer = {
        "sha256:" H4,           1234,         "sha256:" H2, COPA__COMPRESSION_GZIP,
        "2024-02-02T00:00:00Z", "copa patch", NULL};
    char config_digest[COPA_DIGEST_STRING_MAX];
    const cJSON *history, *diff_ids;
    copa__manifest m;
    copa__config c;

    assert_int_equal(copa__manifest_parse(&m, manifest_json, strlen(manifest_json)), 0);
    assert_int_equal(copa__config_parse(&c, config_json, strlen(config_json)), 0);
    assert_int_equal(copa__config_set_label(&c, "patched", "yes"), 0);
    assert_int_equal(copa__image_append_layer(&m, &c, &layer), 0);
    assert_int_equal(m.family, family);
    assert_int_equal(m.layer_count, 2);
    assert_string_equal(m.layers[1].media_type, layer_type);
    assert_string_equal(m.layers[1].digest, "sha256:" H4);
    assert_true(m.layers[1].size == 1234);
    /* The manifest names the new config by the digest of its exact bytes. */
    sha256_of(config_digest, c.doc.raw);
    assert_string_equal(m.config.digest, config_digest);
    assert_true(m.config.size == (double)c.doc.raw_length);
    assert_int_equal(copa__digest_verify_buffer(m.doc.digest, m.doc.raw, m.doc.raw_length), 0);
    diff_ids = cJSON_GetObjectItem(cJSON_GetObjectItem(c.doc.json, "rootfs"), "diff_ids");
    assert_int_equal(cJSON_GetArraySize(diff_ids), 2);
    assert_string_equal(cJSON_GetArrayItem(diff_ids, 1)->valuestring, "sha256:" H2);
    history = cJSON_GetObjectItem(c.doc.json, "history");
    assert_int_equal(cJSON_GetArraySize(history), 2);
    assert_non_null(strstr(c.doc.raw, "\"x-unknown\":{\"deep\":[null,false,\"s\"]}"));
    assert_non_null(strstr(c.doc.raw, "\"created\":\"2024-02-02T00:00:00Z\""));
    assert_non_null(strstr(c.doc.raw, "\"Labels\":{\"patched\":\"yes\"}"));
    if (family == COPA__FAMILY_OCI) {
        assert_non_null(strstr(m.doc.raw, "\"x-vendor\":{\"keep\":true}"));
        assert_non_null(strstr(m.doc.raw, "\"x-extra\":[1,2.5]"));
        assert_int_equal(copa__manifest_set_annotation(&m, "n", "v"), 0);
    } else {
        assert_int_equal(copa__manifest_set_annotation(&m, "n", "v"), COPA_EUNSUPPORTED);
        /* Converting for an OCI layout changes media types only. */
        assert_int_equal(copa__manifest_convert_oci(&m), 0);
        assert_string_equal(m.media_type, COPA_MT_OCI_MANIFEST);
        assert_string_equal(m.config.media_type, COPA_MT_OCI_CONFIG);
        assert_string_equal(m.layers[0].media_type, COPA_MT_OCI_LAYER_GZIP);
        assert_string_equal(m.config.digest, config_digest);
    }
    copa__manifest_free(&m);
    copa__config_free(&c);
}

static void append_layer_oci(void **state)
{
    (void)state;
    append(oci_manifest, COPA__FAMILY_OCI, COPA_MT_OCI_LAYER_GZIP);
}

static void append_layer_docker(void **state)
{
    (void)state;
    append(docker_manifest, COPA__FAMILY_DOCKER, COPA_MT_DOCKER_LAYER_GZIP);
}

static void append_rejects_mismatch(void **state)
{
    copa__new_layer layer = {"sha256:" H4, 1,    "sha256:" H2, COPA__COMPRESSION_ZSTD,
                             NULL,         NULL, NULL};
    copa__manifest m;
    copa__config c;
    (void)state;

    assert_int_equal(copa__manifest_parse(&m, docker_manifest, strlen(docker_manifest)), 0);
    assert_int_equal(copa__config_parse(&c, config_json, strlen(config_json)), 0);
    assert_int_equal(copa__image_append_layer(&m, &c, &layer), COPA_EUNSUPPORTED);
    layer.compression = COPA__COMPRESSION_GZIP;
    layer.digest = "sha256:nothex";
    assert_int_equal(copa__image_append_layer(&m, &c, &layer), COPA_EINVALID);
    copa__manifest_free(&m);
    copa__config_free(&c);
}

static void blob_digest_verification(void **state)
{
    char path[] = "/tmp/copa-blob-XXXXXX", good[COPA_DIGEST_STRING_MAX];
    copa__blob_reader *r;
    char buffer[16], *data;
    size_t got, length;
    int fd = mkstemp(path);
    (void)state;

    assert_true(fd >= 0);
    assert_int_equal(write(fd, "hello blob", 10), 10);
    close(fd);
    sha256_of(good, "hello blob");
    assert_int_equal(copa__blob_read_all(&data, &length, path, good, 100), 0);
    assert_int_equal(length, 10);
    free(data);
    assert_int_equal(copa__blob_read_all(&data, &length, path, "sha256:" H1, 100), COPA_EVERIFY);
    assert_non_null(strstr(copa_error_last(), "blob sha256:" H1 ": content does not match"));
    assert_null(data);
    /* The size from the descriptor is checked as well. */
    assert_int_equal(copa__blob_reader_open(&r, path, good, 9), 0);
    assert_int_equal(copa__blob_reader_read(r, buffer, sizeof(buffer), &got), COPA_EVERIFY);
    copa__blob_reader_free(r);
    assert_int_equal(copa__blob_reader_open(&r, path, good, 11), 0);
    assert_int_equal(copa__blob_reader_read(r, buffer, sizeof(buffer), &got), 0);
    assert_int_equal(copa__blob_reader_read(r, buffer, sizeof(buffer), &got), COPA_EVERIFY);
    /* Reading on after the failure (the layer reader does) fails again. */
    assert_int_equal(copa__blob_reader_read(r, buffer, sizeof(buffer), &got), COPA_EVERIFY);
    assert_int_equal(got, 0);
    copa__blob_reader_free(r);
    /* Same for a digest mismatch. */
    assert_int_equal(copa__blob_reader_open(&r, path, "sha256:" H1, 10), 0);
    assert_int_equal(copa__blob_reader_read(r, buffer, sizeof(buffer), &got), 0);
    assert_int_equal(copa__blob_reader_read(r, buffer, sizeof(buffer), &got), COPA_EVERIFY);
    assert_int_equal(copa__blob_reader_read(r, buffer, sizeof(buffer), &got), COPA_EVERIFY);
    assert_non_null(strstr(copa_error_last(), "content does not match its digest"));
    copa__blob_reader_free(r);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(manifest_parse_and_exact_round_trip),
        cmocka_unit_test(malformed_and_unsupported_manifests),
        cmocka_unit_test(index_and_platform_selection),
        cmocka_unit_test(index_replaces_only_one_entry),
        cmocka_unit_test(config_round_trip_and_labels),
        cmocka_unit_test(append_layer_oci),
        cmocka_unit_test(append_layer_docker),
        cmocka_unit_test(append_rejects_mismatch),
        cmocka_unit_test(blob_digest_verification),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
