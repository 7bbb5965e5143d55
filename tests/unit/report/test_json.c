/*
 * The JSON manifest: native v1alpha2 shape plus copa's fields, stable, and
 * readable again as a native report giving the same updates.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "report_test_helpers.h"

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(o, key);
    assert_true(cJSON_IsString(item));
    return item->valuestring;
}

static void shape(void **state)
{
    copa_report *r = load_fixture("trivy-debian.json");
    const cJSON *os, *u, *ids;
    cJSON *root;
    char *json;
    (void)state;

    assert_int_equal(copa_report_to_json(&json, r), 0);
    root = cJSON_Parse(json);
    assert_non_null(root);
    assert_string_equal(str(root, "apiVersion"), "v1alpha2");
    os = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "metadata"), "os");
    assert_string_equal(str(os, "type"), "debian");
    assert_string_equal(str(os, "version"), "12.5");
    u = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "osupdates"), 3);
    assert_string_equal(str(u, "name"), "libssl3");
    assert_string_equal(str(u, "installedVersion"), "3.0.11-1~deb12u2");
    assert_string_equal(str(u, "fixedVersion"), "3.0.13-1~deb12u1");
    assert_string_equal(str(u, "vulnerabilityID"), "CVE-2023-6129");
    assert_string_equal(str(u, "type"), "deb");
    assert_string_equal(str(u, "class"), "os-pkgs");
    ids = cJSON_GetObjectItemCaseSensitive(u, "vulnerabilityIDs");
    assert_int_equal(cJSON_GetArraySize(ids), 2);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "langupdates")), 2);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "unfixable")), 4);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "warnings")), 1);
    assert_string_equal(str(cJSON_GetObjectItemCaseSensitive(root, "source"), "format"), "trivy");
    cJSON_Delete(root);
    copa_report_json_free(json);
    copa_report_free(r);
}

static void round_trip_and_stable(void **state)
{
    static const char *const fixtures[] = {"trivy-debian.json", "trivy-alpine.json",
                                           "trivy-rhel.json", "grype-debian.json",
                                           "native-v1alpha2.json"};
    size_t f, i;
    (void)state;

    for (f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
        copa_report *r = load_fixture(fixtures[f]), *again = NULL;
        char *json, *json2;
        assert_int_equal(copa_report_to_json(&json, r), 0);
        /* Our JSON is a native report: reading it gives the same updates. */
        assert_int_equal(copa_report_parse_buffer(&again, json, strlen(json), "out.json", NULL), 0);
        assert_int_equal(copa_report_update_count(again), copa_report_update_count(r));
        assert_string_equal(copa_report_metadata_get(again)->os_family,
                            copa_report_metadata_get(r)->os_family);
        assert_string_equal(copa_report_metadata_get(again)->variant,
                            copa_report_metadata_get(r)->variant);
        for (i = 0; i < copa_report_update_count(r); i++) {
            assert_string_equal(copa_report_update_get(again, i)->name,
                                copa_report_update_get(r, i)->name);
            assert_string_equal(copa_report_update_get(again, i)->fixed_version,
                                copa_report_update_get(r, i)->fixed_version);
        }
        /* The same input prints the same bytes. */
        assert_int_equal(copa_report_to_json(&json2, r), 0);
        assert_string_equal(json, json2);
        copa_report_json_free(json);
        copa_report_json_free(json2);
        copa_report_free(again);
        copa_report_free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shape),
        cmocka_unit_test(round_trip_and_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
