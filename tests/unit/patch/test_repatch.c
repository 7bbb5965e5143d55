/*
 * Re-patch detection from copa's labels, and dropping copa's old layer
 * from a manifest and its config (lib/image/drop_layers.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "copa/errors.h"
#include "image/rebuild.h"
#include "patch/patch.h"

#include <stdio.h>
#include <string.h>

static cJSON *config_with(const char *labels)
{
    char text[1024];
    snprintf(text, sizeof(text), "{\"config\":{\"Labels\":%s}}", labels);
    return cJSON_Parse(text);
}

static void detect(copa__repatch *r, const char *labels, size_t layers)
{
    cJSON *c = config_with(labels);
    assert_non_null(c);
    assert_int_equal(copa__repatch_detect(r, c, layers), 0);
    cJSON_Delete(c);
}

static void test_patched(void **state)
{
    copa__repatch r;
    (void)state;
    detect(&r,
           "{\"sh.copa.image.patched\":\"2026-01-01T00:00:00Z\","
           "\"sh.copa.image.base.layers\":\"3\",\"sh.copa.image.base.digest\":\"sha256:ab\","
           "\"sh.copa.image.patched.packages\":\"libssl3=3.0.15 openssl=3.0.15\"}",
           4);
    assert_true(r.patched);
    assert_int_equal(r.base_layers, 3);
    assert_string_equal(r.base_digest, "sha256:ab");
    assert_int_equal(r.package_count, 2);
    assert_string_equal(r.packages[0], "libssl3=3.0.15");
    assert_string_equal(r.packages[1], "openssl=3.0.15");
    copa__repatch_free(&r);
}

static void test_not_patched(void **state)
{
    copa__repatch r;
    static const char full[] = "{\"sh.copa.image.patched\":\"t\",\"sh.copa.image.base.layers\":"
                               "\"3\"}";
    (void)state;
    /* A user's layer on top of a patched image: that image is a new base. */
    detect(&r, full, 5);
    assert_false(r.patched);
    /* Exactly base + 1 layers, but labels missing or odd. */
    detect(&r, "null", 4);
    assert_false(r.patched);
    detect(&r, "{\"sh.copa.image.base.layers\":\"3\"}", 4);
    assert_false(r.patched);
    detect(&r, "{\"sh.copa.image.patched\":\"t\",\"sh.copa.image.base.layers\":\"-3\"}", 4);
    assert_false(r.patched);
    detect(&r, "{\"sh.copa.image.patched\":\"t\",\"sh.copa.image.base.layers\":\"0\"}", 1);
    assert_false(r.patched);
    detect(&r, "{\"sh.copa.image.patched\":\"t\",\"sh.copa.image.base.layers\":3}", 4);
    assert_false(r.patched);
    detect(&r, full, 4);
    assert_true(r.patched);
    assert_int_equal(r.package_count, 0);
    copa__repatch_free(&r);
}

static const char manifest_text[] =
    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
    "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":"
    "\"sha256:0000000000000000000000000000000000000000000000000000000000000000\",\"size\":1},"
    "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":"
    "\"sha256:1111111111111111111111111111111111111111111111111111111111111111\",\"size\":10},"
    "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":"
    "\"sha256:2222222222222222222222222222222222222222222222222222222222222222\",\"size\":20}]}";

static const char config_text[] =
    "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":"
    "[\"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
    "\"sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"]},"
    "\"history\":[{\"created_by\":\"base\"},{\"created_by\":\"ENV\",\"empty_layer\":true},"
    "{\"created_by\":\"copa patch\"}]}";

static void test_drop_layers(void **state)
{
    copa__manifest m;
    copa__config c;
    const cJSON *history, *ids;
    (void)state;
    assert_int_equal(copa__manifest_parse(&m, manifest_text, strlen(manifest_text)), 0);
    assert_int_equal(copa__config_parse(&c, config_text, strlen(config_text)), 0);
    assert_int_equal(copa__image_drop_layers(&m, &c, 1), 0);
    assert_int_equal(m.layer_count, 1);
    assert_string_equal(m.layers[0].digest,
                        "sha256:1111111111111111111111111111111111111111111111111111111111111111");
    ids = cJSON_GetObjectItem(cJSON_GetObjectItem(c.doc.json, "rootfs"), "diff_ids");
    assert_int_equal(cJSON_GetArraySize(ids), 1);
    assert_int_equal(c.diff_id_count, 1);
    /* The copa entry goes; the empty ENV entry before it stays. */
    history = cJSON_GetObjectItem(c.doc.json, "history");
    assert_int_equal(cJSON_GetArraySize(history), 2);
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetArrayItem(history, 1), "created_by")->valuestring, "ENV");
    assert_int_equal(copa__image_drop_layers(&m, &c, 2), COPA_EINVALID);
    assert_int_equal(copa__image_drop_layers(&m, &c, 0), 0);
    copa__manifest_free(&m);
    copa__config_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_patched),
        cmocka_unit_test(test_not_patched),
        cmocka_unit_test(test_drop_layers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
