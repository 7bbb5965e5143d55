/*
 * Reports per platform (lib/report/report_dir.c): the platform a Trivy,
 * Grype or native report names, matching it to an index entry, and a
 * directory of reports with its errors (two reports for one platform, a
 * platform the image lacks, no platform, a malformed report).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/report_dir.h"
#include "util/error.h"
#include "test_support.h"

#define H(c)                                                                                       \
    "sha256:" c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c  \
        c c c c c c c c c c c c c c c c c c c c c c
#define ENTRY(digest, platform, extra)                                                             \
    "{\"mediaType\":\"" COPA_MT_OCI_MANIFEST "\",\"digest\":\"" digest "\",\"size\":1,"            \
    "\"platform\":" platform extra "}"

/* amd64, arm64 (written v8), arm/v7, arm/v6, and an attestation. */
static const char index_json[] = "{\"schemaVersion\":2,\"manifests\":[" ENTRY(
    H("1"), "{\"os\":\"linux\",\"architecture\":\"amd64\"}",
    "") "," ENTRY(H("2"), "{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}",
                  "") "," ENTRY(H("3"),
                                "{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}",
                                "") "," ENTRY(H("4"),
                                              "{\"os\":\"linux\",\"architecture\":\"arm\","
                                              "\"variant\":"
                                              "\"v6\"}",
                                              "") "," ENTRY(H("5"),
                                                            "{\"os\":\"unknown\",\"architecture\":"
                                                            "\"unknown\"}",
                                                            ",\"annotations\":{\"vnd.docker."
                                                            "reference."
                                                            "type\":\"attestation-manifest\","
                                                            "\"vnd.docker.reference.digest\":\"" H(
                                                                "1") "\"}") "]}";

typedef struct fixture {
    copa__index idx;
    copa__entry_plan *plans;
    char dir[64];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    assert_int_equal(copa__index_parse(&f->idx, index_json, strlen(index_json)), 0);
    assert_int_equal(copa__index_plan(&f->plans, &f->idx, NULL), 0);
    snprintf(f->dir, sizeof(f->dir), "/tmp/copa-report-dir-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char command[128];

    snprintf(command, sizeof(command), "rm -rf '%s'", f->dir);
    assert_int_equal(system(command), 0);
    free(f->plans);
    copa__index_free(&f->idx);
    free(f);
    return 0;
}

/* Put fixture platforms/NAME into the directory as AS (a symlink). */
static void add(fixture *f, const char *name, const char *as)
{
    char relative[128], path[256];

    snprintf(relative, sizeof(relative), "report/platforms/%s", name);
    snprintf(path, sizeof(path), "%s/%s", f->dir, as);
    assert_int_equal(symlink(test_fixture_path(relative), path), 0);
}

static void write_file(fixture *f, const char *as, const char *text)
{
    char path[256];
    FILE *file;

    snprintf(path, sizeof(path), "%s/%s", f->dir, as);
    assert_non_null(file = fopen(path, "w"));
    fputs(text, file);
    fclose(file);
}

static copa_report *load(const char *name)
{
    char relative[128];
    copa_report *r = NULL;

    snprintf(relative, sizeof(relative), "report/platforms/%s", name);
    if (copa_report_parse_file(&r, test_fixture_path(relative), NULL) != 0)
        fail_msg("%s: %s", name, copa_error_last());
    return r;
}

static void platform_of_each_format(void **state)
{
    static const struct {
        const char *file, *platform;
        int has_variant;
    } cases[] = {
        {"trivy-amd64.json", "linux/amd64", 0},    {"trivy-arm64-v8.json", "linux/arm64", 1},
        {"grype-arm64-v8.json", "linux/arm64", 1}, {"grype-arm.json", "linux/arm", 0},
        {"native-armv7.json", "linux/arm/v7", 1},
    };
    copa__platform p;
    char name[96];
    size_t i;
    int has_variant;
    (void)state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        copa_report *r = load(cases[i].file);
        assert_int_equal(copa__report_platform(&p, &has_variant, r), 0);
        copa__platform_format(name, sizeof(name), &p);
        if (strcmp(name, cases[i].platform) != 0 || has_variant != cases[i].has_variant)
            fail_msg("%s: %s (variant given: %d)", cases[i].file, name, has_variant);
        copa_report_free(r);
    }
    /* Grype's architectureVariant reaches the metadata. */
    {
        copa_report *r = load("grype-arm64-v8.json");
        assert_string_equal(copa_report_metadata_get(r)->variant, "v8");
        copa_report_free(r);
    }
}

static void platform_os_from_trivy(void **state)
{
    static const char windows[] =
        "{\"SchemaVersion\":2,\"ArtifactName\":\"x\",\"ArtifactType\":\"container_image\","
        "\"Metadata\":{\"OS\":{\"Family\":\"debian\",\"Name\":\"12.5\"},\"ImageConfig\":{"
        "\"os\":\"windows\",\"architecture\":\"amd64\"}},\"Results\":[]}";
    copa_report *r = NULL;
    copa__platform p;
    int has_variant;
    (void)state;

    assert_int_equal(copa_report_parse_buffer(&r, windows, strlen(windows), "w.json", NULL), 0);
    assert_int_equal(copa__report_platform(&p, &has_variant, r), 0);
    assert_string_equal(p.os, "windows");
    copa_report_free(r);
}

static void match_entries(void **state)
{
    static const struct {
        const char *file;
        size_t entry;
    } cases[] = {
        {"trivy-amd64.json", 0},
        {"trivy-arm64-v8.json", 1},
        {"grype-arm64-v8.json", 1},
        {"native-armv7.json", 2},
    };
    fixture *f = *state;
    size_t i, entry;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        copa_report *r = load(cases[i].file);
        if (copa__report_match_entry(&entry, r, &f->idx, f->plans) != 0 || entry != cases[i].entry)
            fail_msg("%s: entry %zu: %s", cases[i].file, entry, copa_error_last());
        copa_report_free(r);
    }
}

static void match_errors(void **state)
{
    fixture *f = *state;
    copa_report *r;
    size_t entry;

    r = load("trivy-s390x.json");
    assert_int_equal(copa__report_match_entry(&entry, r, &f->idx, f->plans), COPA_ENOTFOUND);
    assert_non_null(strstr(copa_error_last(), "trivy-s390x.json: the report is for linux/s390x, "
                                              "which the image lacks; the image has: linux/amd64, "
                                              "linux/arm64, linux/arm/v7, linux/arm/v6"));
    copa_report_free(r);
    /* "arm" without variant: v6 or v7? */
    r = load("grype-arm.json");
    assert_int_equal(copa__report_match_entry(&entry, r, &f->idx, f->plans), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "which matches several entries"));
    copa_report_free(r);
    r = load("trivy-no-platform.json");
    assert_int_equal(copa__report_match_entry(&entry, r, &f->idx, f->plans), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "trivy-no-platform.json: the report does not say "
                                              "which platform it is for"));
    copa_report_free(r);
}

static void directory_of_reports(void **state)
{
    fixture *f = *state;
    copa__platform_reports set;
    char sub[128];

    add(f, "trivy-amd64.json", "amd64.json");
    add(f, "grype-arm64-v8.json", "arm64.json");
    write_file(f, ".hidden", "not a report");
    snprintf(sub, sizeof(sub), "%s/old", f->dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    if (copa__report_dir_read(&set, f->dir, NULL, &f->idx, f->plans) != 0)
        fail_msg("%s", copa_error_last());
    assert_int_equal(set.count, 2);
    assert_int_equal(set.items[0].entry, 0);
    assert_non_null(strstr(set.items[0].path, "/amd64.json"));
    assert_int_equal(set.items[1].entry, 1);
    assert_ptr_equal(copa__platform_reports_find(&set, 1), set.items[1].report);
    /* arm/v7 has no report: it is kept as it is. */
    assert_null(copa__platform_reports_find(&set, 2));
    copa__platform_reports_free(&set);
}

static void directory_errors(void **state)
{
    fixture *f = *state;
    copa__platform_reports set;
    char path[256];

    assert_int_equal(copa__report_dir_read(&set, f->dir, NULL, &f->idx, f->plans), COPA_ENOTFOUND);
    assert_non_null(strstr(copa_error_last(), "the report directory holds no report"));

    add(f, "trivy-arm64-v8.json", "a.json");
    add(f, "grype-arm64-v8.json", "b.json");
    assert_int_equal(copa__report_dir_read(&set, f->dir, NULL, &f->idx, f->plans), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "/a.json and "));
    assert_non_null(strstr(copa_error_last(), "/b.json are both reports for platform linux/arm64"));
    assert_int_equal(set.count, 0);

    snprintf(path, sizeof(path), "%s/b.json", f->dir);
    assert_int_equal(unlink(path), 0);
    add(f, "trivy-s390x.json", "c.json");
    assert_int_equal(copa__report_dir_read(&set, f->dir, NULL, &f->idx, f->plans), COPA_ENOTFOUND);
    assert_non_null(strstr(copa_error_last(), "/c.json: the report is for linux/s390x"));

    snprintf(path, sizeof(path), "%s/c.json", f->dir);
    assert_int_equal(unlink(path), 0);
    write_file(f, "d.json", "{\"SchemaVersion\": 2, \"Results\": [");
    assert_int_equal(copa__report_dir_read(&set, f->dir, NULL, &f->idx, f->plans), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "/d.json: "));

    assert_int_equal(copa__report_dir_read(&set, "/nonexistent/reports", NULL, &f->idx, f->plans),
                     COPA_ENOTFOUND);
    assert_non_null(strstr(copa_error_last(), "/nonexistent/reports: cannot read"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(platform_of_each_format),
        cmocka_unit_test(platform_os_from_trivy),
        cmocka_unit_test_setup_teardown(match_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(match_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(directory_of_reports, setup, teardown),
        cmocka_unit_test_setup_teardown(directory_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
