/*
 * copa_patch_options across versions and the layer compression option.
 * A program built against version 1 has a struct that ends before
 * layer_compression: copa_patch_options_init must not write past it, and
 * copa_patch / copa_plan must not read past it (the v1 structs here are
 * heap blocks of exactly that size, so valgrind and ASan see any overrun).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "copa/errors.h"
#include "patch/patch.h"
#include "copa/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define V1_SIZE offsetof(copa_patch_options, layer_compression)

static void version_1_init_stops_before_layer_compression(void **state)
{
    unsigned char buffer[sizeof(copa_patch_options) + 16];
    size_t i;
    (void)state;

    memset(buffer, 0xA5, sizeof(buffer));
    assert_int_equal(copa_patch_options_init((copa_patch_options *)(void *)buffer, 1), 0);
    assert_int_equal(((copa_patch_options *)(void *)buffer)->version, 1);
    assert_null(((copa_patch_options *)(void *)buffer)->image);
    for (i = V1_SIZE; i < sizeof(buffer); i++)
        assert_int_equal(buffer[i], 0xA5);
}

/* A version-2 caller's struct ends before sbom_path. */
static void version_2_init_stops_before_sbom_path(void **state)
{
    unsigned char buffer[sizeof(copa_patch_options) + 16];
    size_t i;
    (void)state;

    memset(buffer, 0xA5, sizeof(buffer));
    assert_int_equal(copa_patch_options_init((copa_patch_options *)(void *)buffer, 2), 0);
    assert_int_equal(((copa_patch_options *)(void *)buffer)->version, 2);
    assert_null(((copa_patch_options *)(void *)buffer)->layer_compression);
    for (i = offsetof(copa_patch_options, sbom_path); i < sizeof(buffer); i++)
        assert_int_equal(buffer[i], 0xA5);
}

static void current_version_initializes_everything(void **state)
{
    copa_patch_options o;
    (void)state;

    memset(&o, 0xA5, sizeof(o));
    assert_int_equal(copa_patch_options_init(&o, COPA_PATCH_OPTIONS_VERSION), 0);
    assert_int_equal(o.version, 4);
    assert_null(o.layer_compression);
    assert_null(o.sbom_path);
    assert_int_equal(o.run_scripts, 0);
    assert_null(o.vex_author);
    assert_int_equal(o.insecure_allow_unsigned, 0);
}

static void unknown_versions_are_refused(void **state)
{
    copa_patch_options o;
    (void)state;

    assert_int_equal(copa_patch_options_init(&o, 0), COPA_EINVALID);
    assert_int_equal(copa_patch_options_init(&o, COPA_PATCH_OPTIONS_VERSION + 1), COPA_EINVALID);
    assert_int_equal(copa_patch_options_init(NULL, 1), COPA_EINVALID);
    copa_patch_options_init(&o, COPA_PATCH_OPTIONS_VERSION);
    o.image = "oci:/nowhere:x";
    o.version = COPA_PATCH_OPTIONS_VERSION + 1;
    {
        copa_patch_result *r = NULL;
        assert_int_equal(copa_patch(&r, &o), COPA_EINVALID);
        assert_null(r);
        char expected[64];
        snprintf(expected, sizeof(expected), "version %u", COPA_PATCH_OPTIONS_VERSION + 1);
        assert_non_null(strstr(copa_error_last(), expected));
    }
}

/*
 * A version-1 caller's struct is V1_SIZE bytes: fields are set through
 * their offsets so the compiler sees no access past the allocation (the
 * library must not make one either; ASan checks that).
 */
#define SET_FIELD(buf, field, value)                                                               \
    do {                                                                                           \
        __typeof__(((copa_patch_options *)0)->field) v_ = (value);                                 \
        memcpy((char *)(buf) + offsetof(copa_patch_options, field), &v_, sizeof(v_));              \
    } while (0)

static void version_1_copy_has_the_default_compression(void **state)
{
    void *v1 = malloc(V1_SIZE);
    copa_patch_options copy;
    (void)state;

    assert_non_null(v1);
    assert_int_equal(copa_patch_options_init(v1, 1), 0);
    SET_FIELD(v1, image, "oci:/nowhere:x");
    SET_FIELD(v1, dry_run, 1);
    assert_int_equal(copa__patch_options_copy(&copy, v1), 0);
    assert_int_equal(copy.version, COPA_PATCH_OPTIONS_VERSION);
    assert_string_equal(copy.image, "oci:/nowhere:x");
    assert_int_equal(copy.dry_run, 1);
    assert_null(copy.layer_compression);
    free(v1);
}

/* A version-1 caller gets as far as opening the image (not found), never "invalid". */
static void version_1_struct_patches_and_plans(void **state)
{
    void *v1 = malloc(V1_SIZE);
    copa_patch_result *r = NULL;
    char *plan = NULL;
    (void)state;

    assert_non_null(v1);
    assert_int_equal(copa_patch_options_init(v1, 1), 0);
    SET_FIELD(v1, image, "oci:/nowhere/copa-options-test:x");
    SET_FIELD(v1, oci_dir, "/nowhere/copa-options-out");
    assert_int_equal(copa_patch(&r, v1), COPA_ENOTFOUND);
    assert_null(r); /* nothing was learned before the image turned out missing */
    assert_int_equal(copa_plan(&plan, v1, COPA_PLAN_JSON), COPA_ENOTFOUND);
    assert_null(plan);
    free(v1);
}

static void parse_ok(const char *text, copa__compression want, int level, const char *name)
{
    copa__compression c;
    int l;
    char buf[16];

    assert_int_equal(copa__patch_compression_parse(&c, &l, text), 0);
    assert_int_equal(c, want);
    assert_int_equal(l, level);
    copa__patch_compression_name(buf, sizeof(buf), c, l);
    assert_string_equal(buf, name);
}

static void compression_values(void **state)
{
    (void)state;
    parse_ok(NULL, COPA__COMPRESSION_GZIP, 6, "gzip:6");
    parse_ok("gzip", COPA__COMPRESSION_GZIP, 6, "gzip:6");
    parse_ok("gzip:1", COPA__COMPRESSION_GZIP, 1, "gzip:1");
    parse_ok("gzip:9", COPA__COMPRESSION_GZIP, 9, "gzip:9");
    parse_ok("zstd", COPA__COMPRESSION_ZSTD, 3, "zstd:3");
    parse_ok("zstd:1", COPA__COMPRESSION_ZSTD, 1, "zstd:1");
    parse_ok("zstd:19", COPA__COMPRESSION_ZSTD, 19, "zstd:19");
}

static void compression_bad_values(void **state)
{
    static const char *const bad[] = {
        "brotli",  "gzip:0",   "gzip:10", "zstd:20", "gzip:",    "zstd:x", "",  "GZIP",
        "gzip:-1", "zstd:3:1", "gzip6",   "zstd:+3", "gzip:100", "xz:3",   ":3"};
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        copa__compression c;
        int l;
        char quoted[32];
        assert_int_equal(copa__patch_compression_parse(&c, &l, bad[i]), COPA_EINVALID);
        snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
        assert_non_null(strstr(copa_error_last(), quoted));
        assert_non_null(strstr(copa_error_last(), "zstd:N (N 1-19)"));
    }
}

/* A bad value fails before the image is even opened (no ENOTFOUND for /nowhere). */
static void bad_compression_fails_first(void **state)
{
    copa_patch_options o;
    copa_patch_result *r = NULL;
    (void)state;

    copa_patch_options_init(&o, COPA_PATCH_OPTIONS_VERSION);
    o.image = "oci:/nowhere/copa-options-test:x";
    o.layer_compression = "zstd:20";
    assert_int_equal(copa_patch(&r, &o), COPA_EINVALID);
    assert_null(r);
    assert_non_null(strstr(copa_error_last(), "'zstd:20'"));
}

/* zstd into a docker-archive is refused before the image is opened. */
static void zstd_docker_archive_is_refused(void **state)
{
    copa_patch_options o;
    copa_patch_result *r = NULL;
    (void)state;

    copa_patch_options_init(&o, COPA_PATCH_OPTIONS_VERSION);
    o.image = "oci:/nowhere/copa-options-test:x";
    o.archive = "/nowhere/out.tar";
    o.layer_compression = "zstd";
    assert_int_equal(copa_patch(&r, &o), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "docker-archive"));
    copa_patch_result_free(r);
    o.layer_compression = "gzip:1";
    assert_int_equal(copa_patch(&r, &o), COPA_ENOTFOUND);
    copa_patch_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(version_1_init_stops_before_layer_compression),
        cmocka_unit_test(version_2_init_stops_before_sbom_path),
        cmocka_unit_test(current_version_initializes_everything),
        cmocka_unit_test(unknown_versions_are_refused),
        cmocka_unit_test(version_1_copy_has_the_default_compression),
        cmocka_unit_test(version_1_struct_patches_and_plans),
        cmocka_unit_test(compression_values),
        cmocka_unit_test(compression_bad_values),
        cmocka_unit_test(bad_compression_fails_first),
        cmocka_unit_test(zstd_docker_archive_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
