/*
 * Multi-platform building blocks: platform lists, the plan of which index
 * entries are patched / kept / attestations, and rewriting an index with
 * several new manifests (attestations of replaced manifests dropped).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/platform_list.h"
#include "image/rebuild_index.h"
#include "util/error.h"

#define H1 "1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "2222222222222222222222222222222222222222222222222222222222222222"
#define H3 "3333333333333333333333333333333333333333333333333333333333333333"
#define H4 "4444444444444444444444444444444444444444444444444444444444444444"
#define H5 "5555555555555555555555555555555555555555555555555555555555555555"
#define H6 "6666666666666666666666666666666666666666666666666666666666666666"
#define H7 "7777777777777777777777777777777777777777777777777777777777777777"
#define H8 "8888888888888888888888888888888888888888888888888888888888888888"

#define ENTRY(hex, size, platform, extra)                                                          \
    "{\"mediaType\":\"" COPA_MT_OCI_MANIFEST "\",\"digest\":\"sha256:" hex "\",\"size\":" size     \
    ",\"platform\":" platform extra "}"
#define ATTESTATION(hex, subject)                                                                  \
    ENTRY(hex, "500", "{\"architecture\":\"unknown\",\"os\":\"unknown\"}",                         \
          ",\"annotations\":{\"vnd.docker.reference.digest\":\"sha256:" subject "\","              \
          "\"vnd.docker.reference.type\":\"attestation-manifest\"}")

/* As buildx writes it: platforms, then one attestation per platform; an
 * unknown field in an entry and at the top; Windows, kept as it is. */
static const char buildx_index[] =
    "{\"schemaVersion\":2,\"mediaType\":\"" COPA_MT_OCI_INDEX
    "\",\"manifests\":[" ENTRY(H1, "10", "{\"architecture\":\"amd64\",\"os\":\"linux\"}", ",\"x-entry\":true") "," ENTRY(
        H2, "20",
        "{\"architecture\":\"arm64\",\"os\":\"linux\","
        "\"variant\":\"v8\"}",
        "") "," ENTRY(H3, "30",
                      "{\"architecture\":\"arm\",\"os\":\"linux\","
                      "\"variant\":\"v7\"}",
                      ",\"annotations\":{\"k\":\"v\"}") "," ENTRY(H4, "40",
                                                                  "{\"architecture\":\"amd64\","
                                                                  "\"os\":\"windows\",\"os."
                                                                  "version\":\"10.0.17763.1\"}",
                                                                  "") "," ATTESTATION(H5,
                                                                                      H1) "," ATTESTATION(H6,
                                                                                                          H2) "],\"annotations\":{\"top\":\"x\"},\"x-top\":1}";

static void list_parse(void **state)
{
    copa__platform_list list;
    char name[96];
    (void)state;

    assert_int_equal(copa__platform_list_parse(&list, "linux/amd64,linux/arm64/v8,linux/armhf"), 0);
    assert_int_equal(list.count, 3);
    copa__platform_format(name, sizeof(name), &list.items[1]);
    assert_string_equal(name, "linux/arm64");
    copa__platform_format(name, sizeof(name), &list.items[2]);
    assert_string_equal(name, "linux/arm/v7");
    copa__platform_list_free(&list);

    assert_int_equal(copa__platform_list_parse(&list, "linux/arm/v6"), 0);
    assert_int_equal(list.count, 1);
    copa__platform_list_free(&list);
}

static void list_errors(void **state)
{
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"", "element 1 is empty"},
        {"linux/amd64,", "element 2 is empty"},
        {",linux/amd64", "element 1 is empty"},
        {"linux/amd64,,linux/arm64", "element 2 is empty"},
        {"linux/amd64,linux/amd64", "element 2 ('linux/amd64') names linux/amd64 again"},
        {"linux/arm64,linux/arm64/v8", "element 2 ('linux/arm64/v8') names linux/arm64 again"},
        {"linux/aarch64,linux/arm64", "names linux/arm64 again"},
        {"linux/arm,linux/arm/v7", "names linux/arm/v7 again"},
        {"linux/amd64,linux", "invalid platform 'linux'"},
        {"linux/amd64,linux/arm/v7/x", "invalid platform 'linux/arm/v7/x'"},
        {"linux/amd64 linux/arm64", "invalid platform"},
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        copa__platform_list list;
        int error = copa__platform_list_parse(&list, cases[i].text);
        if (error != COPA_EINVALID || strstr(copa_error_last(), cases[i].message) == NULL ||
            strstr(copa_error_last(), "invalid platform list") == NULL)
            fail_msg("case %zu '%s': %d '%s'", i, cases[i].text, error, copa_error_last());
        assert_null(list.items);
    }
}

static copa__entry_plan *plan_for(copa__index *idx, const char *list_text)
{
    copa__platform_list list;
    copa__entry_plan *plans = NULL;

    if (list_text == NULL) {
        assert_int_equal(copa__index_plan(&plans, idx, NULL), 0);
        return plans;
    }
    assert_int_equal(copa__platform_list_parse(&list, list_text), 0);
    if (copa__index_plan(&plans, idx, &list) != 0)
        fail_msg("%s: %s", list_text, copa_error_last());
    copa__platform_list_free(&list);
    return plans;
}

static void plan_without_list_patches_linux(void **state)
{
    copa__entry_plan *plans;
    copa__index idx;
    (void)state;

    assert_int_equal(copa__index_parse(&idx, buildx_index, strlen(buildx_index)), 0);
    plans = plan_for(&idx, NULL);
    assert_int_equal(plans[0].role, COPA__ENTRY_PATCH);
    assert_int_equal(plans[1].role, COPA__ENTRY_PATCH);
    assert_int_equal(plans[2].role, COPA__ENTRY_PATCH);
    assert_int_equal(plans[3].role, COPA__ENTRY_KEEP); /* windows */
    assert_int_equal(plans[4].role, COPA__ENTRY_ATTESTATION);
    assert_string_equal(plans[4].subject, "sha256:" H1);
    assert_int_equal(plans[5].role, COPA__ENTRY_ATTESTATION);
    assert_string_equal(plans[5].subject, "sha256:" H2);
    free(plans);
    copa__index_free(&idx);
}

static void plan_with_list(void **state)
{
    copa__entry_plan *plans;
    copa__index idx;
    (void)state;

    assert_int_equal(copa__index_parse(&idx, buildx_index, strlen(buildx_index)), 0);
    /* linux/arm64 matches the entry written linux/arm64/v8, and vice versa. */
    plans = plan_for(&idx, "linux/arm64,linux/arm");
    assert_int_equal(plans[0].role, COPA__ENTRY_KEEP);
    assert_int_equal(plans[1].role, COPA__ENTRY_PATCH);
    assert_int_equal(plans[2].role, COPA__ENTRY_PATCH);
    assert_int_equal(plans[3].role, COPA__ENTRY_KEEP);
    assert_int_equal(plans[4].role, COPA__ENTRY_ATTESTATION);
    free(plans);
    plans = plan_for(&idx, "linux/arm64/v8");
    assert_int_equal(plans[1].role, COPA__ENTRY_PATCH);
    assert_int_equal(plans[0].role + plans[2].role + plans[3].role, COPA__ENTRY_KEEP);
    free(plans);
    /* A list may name a non-linux entry explicitly. */
    plans = plan_for(&idx, "windows/amd64");
    assert_int_equal(plans[3].role, COPA__ENTRY_PATCH);
    assert_int_equal(plans[0].role, COPA__ENTRY_KEEP);
    free(plans);
    copa__index_free(&idx);
}

static void plan_errors(void **state)
{
    copa__platform_list list;
    copa__entry_plan *plans = (copa__entry_plan *)1;
    copa__index idx;
    (void)state;

    assert_int_equal(copa__index_parse(&idx, buildx_index, strlen(buildx_index)), 0);
    assert_int_equal(copa__platform_list_parse(&list, "linux/amd64,linux/s390x"), 0);
    assert_int_equal(copa__index_plan(&plans, &idx, &list), COPA_ENOTFOUND);
    assert_null(plans);
    /* It names the missing element and lists what the index has (no attestations). */
    assert_string_equal(copa_error_last(),
                        "platform linux/s390x is not in the image; the image has: linux/amd64, "
                        "linux/arm64, linux/arm/v7, windows/amd64");
    copa__platform_list_free(&list);
    /* Attestation entries are never selected, even by their unknown/unknown. */
    assert_int_equal(copa__platform_list_parse(&list, "unknown/unknown"), 0);
    assert_int_equal(copa__index_plan(&plans, &idx, &list), COPA_ENOTFOUND);
    copa__platform_list_free(&list);
    copa__index_free(&idx);
}

static void plan_ambiguous_variant(void **state)
{
    static const char two_amd64[] = "{\"schemaVersion\":2,\"manifests\":[" ENTRY(
        H1, "1", "{\"architecture\":\"amd64\",\"os\":\"linux\",\"variant\":\"v2\"}",
        "") "," ENTRY(H2, "2", "{\"architecture\":\"amd64\",\"os\":\"linux\",\"variant\":\"v3\"}",
                      "") "]}";
    copa__platform_list list;
    copa__entry_plan *plans;
    copa__index idx;
    (void)state;

    assert_int_equal(copa__index_parse(&idx, two_amd64, strlen(two_amd64)), 0);
    assert_int_equal(copa__platform_list_parse(&list, "linux/amd64"), 0);
    assert_int_equal(copa__index_plan(&plans, &idx, &list), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "linux/amd64 matches several variants"));
    copa__platform_list_free(&list);
    plans = plan_for(&idx, "linux/amd64/v3");
    assert_int_equal(plans[0].role, COPA__ENTRY_KEEP);
    assert_int_equal(plans[1].role, COPA__ENTRY_PATCH);
    free(plans);
    copa__index_free(&idx);
}

static copa__index_replacement replacement(const char *old_hex, const char *new_hex, double size)
{
    copa__index_replacement r;

    memset(&r, 0, sizeof(r));
    snprintf(r.old_digest, sizeof(r.old_digest), "sha256:%s", old_hex);
    snprintf(r.digest, sizeof(r.digest), "sha256:%s", new_hex);
    snprintf(r.media_type, sizeof(r.media_type), "%s", COPA_MT_OCI_MANIFEST);
    r.size = size;
    return r;
}

static void apply_replaces_and_drops_attestations(void **state)
{
    static const char expected[] =
        "{\"schemaVersion\":2,\"mediaType\":\"" COPA_MT_OCI_INDEX
        "\",\"manifests\":[" ENTRY(H7, "77", "{\"architecture\":\"amd64\",\"os\":\"linux\"}", ",\"x-entry\":true") "," ENTRY(
            H2, "20",
            "{\"architecture\":\"arm64\",\"os\":\"linux\","
            "\"variant\":\"v8\"}",
            "") "," ENTRY(H8, "88",
                          "{\"architecture\":\"arm\",\"os\":"
                          "\"linux\",\"variant\":\"v7\"}",
                          ",\"annotations\":{\"k\":\"v\"}") "," ENTRY(H4, "40",
                                                                      "{\"architecture\":\"amd64\","
                                                                      "\"os\":\"windows\",\"os."
                                                                      "version\":\"10.0.17763.1\"}",
                                                                      "") "," ATTESTATION(H6,
                                                                                          H2) "],"
                                                                                              "\"an"
                                                                                              "nota"
                                                                                              "tion"
                                                                                              "s\":"
                                                                                              "{\"t"
                                                                                              "op\""
                                                                                              ":\"x"
                                                                                              "\"},"
                                                                                              "\"x-"
                                                                                              "top"
                                                                                              "\":"
                                                                                              "1}";
    copa__index_replacement r[2];
    char **dropped;
    size_t dropped_count;
    copa__index idx;
    (void)state;

    r[0] = replacement(H1, H7, 77);
    r[1] = replacement(H3, H8, 88);
    assert_int_equal(copa__index_parse(&idx, buildx_index, strlen(buildx_index)), 0);
    assert_int_equal(copa__index_apply(&idx, r, 2, &dropped, &dropped_count), 0);
    assert_int_equal(dropped_count, 1);
    assert_string_equal(dropped[0], "sha256:" H5);
    copa__strings_free(dropped, dropped_count);
    /* Order, platforms, annotations, unknown fields and media type kept. */
    assert_string_equal(idx.doc.raw, expected);
    assert_int_equal(idx.manifest_count, 5);
    assert_string_equal(idx.manifests[0].digest, "sha256:" H7);
    copa__index_free(&idx);
}

static void apply_without_change_keeps_bytes(void **state)
{
    static const char pretty[] =
        "{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"" COPA_MT_DOCKER_LIST "\",\n"
        "  \"manifests\": [\n    " ENTRY(H1, "10", "{\"architecture\":\"amd64\",\"os\":\"linux\"}",
                                         "") "\n  ]\n}\n";
    copa__index_replacement same = replacement(H1, H1, 10);
    char **dropped;
    size_t dropped_count;
    copa__index idx;
    (void)state;

    assert_int_equal(copa__index_parse(&idx, pretty, strlen(pretty)), 0);
    assert_int_equal(copa__index_apply(&idx, NULL, 0, &dropped, &dropped_count), 0);
    assert_int_equal(copa__index_apply(&idx, &same, 1, NULL, NULL), 0);
    assert_int_equal(dropped_count, 0);
    assert_string_equal(idx.doc.raw, pretty);
    /* A Docker manifest list stays one. */
    same = replacement(H1, H2, 11);
    assert_int_equal(copa__index_apply(&idx, &same, 1, NULL, NULL), 0);
    assert_string_equal(idx.media_type, COPA_MT_DOCKER_LIST);
    assert_null(strchr(idx.doc.raw, '\n'));
    assert_non_null(strstr(idx.doc.raw, "\"digest\":\"sha256:" H2 "\",\"size\":11,"));
    copa__index_free(&idx);
}

static void apply_unknown_digest(void **state)
{
    copa__index_replacement r = replacement(H8, H7, 1);
    copa__index idx;
    (void)state;

    assert_int_equal(copa__index_parse(&idx, buildx_index, strlen(buildx_index)), 0);
    assert_int_equal(copa__index_apply(&idx, &r, 1, NULL, NULL), COPA_ENOTFOUND);
    assert_non_null(strstr(copa_error_last(), "no entry for manifest sha256:" H8));
    assert_string_equal(idx.doc.raw, buildx_index);
    copa__index_free(&idx);
}

/* Untrusted annotations: a subject that is no digest never drops anything;
 * a manifest listed twice is replaced in both places. */
static void apply_odd_indexes(void **state)
{
    static const char odd[] = "{\"schemaVersion\":2,\"manifests\":[" ENTRY(
        H1, "10", "{\"architecture\":\"amd64\",\"os\":\"linux\"}",
        "") "," ENTRY(H1, "10", "{\"architecture\":\"amd64\",\"os\":\"linux\"}",
                      "") "," ENTRY(H5, "5", "{\"architecture\":\"unknown\",\"os\":\"unknown\"}",
                                    ",\"annotations\":{\"vnd.docker.reference.type\":"
                                    "\"attestation-manifest\",\"vnd.docker.reference."
                                    "digest\":\"../" H1 "\"}") "]}";
    copa__index_replacement r = replacement(H1, H7, 77);
    copa__entry_plan *plans;
    char **dropped;
    size_t dropped_count;
    copa__index idx;
    (void)state;

    assert_int_equal(copa__index_parse(&idx, odd, strlen(odd)), 0);
    assert_int_equal(copa__index_plan(&plans, &idx, NULL), 0);
    assert_int_equal(plans[2].role, COPA__ENTRY_ATTESTATION);
    assert_null(plans[2].subject);
    free(plans);
    assert_int_equal(copa__index_apply(&idx, &r, 1, &dropped, &dropped_count), 0);
    assert_int_equal(dropped_count, 0);
    assert_null(dropped);
    assert_int_equal(idx.manifest_count, 3);
    assert_string_equal(idx.manifests[0].digest, "sha256:" H7);
    assert_string_equal(idx.manifests[1].digest, "sha256:" H7);
    assert_string_equal(idx.manifests[2].digest, "sha256:" H5);
    copa__index_free(&idx);
}

static void docker_archive_check(void **state)
{
    copa_reference *archive, *layout;
    (void)state;

    assert_int_equal(copa_reference_parse(&archive, "docker-archive:/tmp/x.tar"), 0);
    assert_int_equal(copa_reference_parse(&layout, "oci:/tmp/x:t"), 0);
    assert_int_equal(copa__index_rebuild_check(archive, 1), 0);
    assert_int_equal(copa__index_rebuild_check(archive, 2), COPA_EUNSUPPORTED);
    assert_non_null(strstr(copa_error_last(), "a docker archive holds one platform, and 2 "
                                              "platforms of the index are selected; choose one"));
    assert_int_equal(copa__index_rebuild_check(layout, 3), 0);
    copa_reference_free(archive);
    copa_reference_free(layout);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(list_parse),
        cmocka_unit_test(list_errors),
        cmocka_unit_test(plan_without_list_patches_linux),
        cmocka_unit_test(plan_with_list),
        cmocka_unit_test(plan_errors),
        cmocka_unit_test(plan_ambiguous_variant),
        cmocka_unit_test(apply_replaces_and_drops_attestations),
        cmocka_unit_test(apply_without_change_keeps_bytes),
        cmocka_unit_test(apply_unknown_digest),
        cmocka_unit_test(apply_odd_indexes),
        cmocka_unit_test(docker_archive_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
