/*
 * The patched tag and where the result goes (docs/patch.md,
 * "Destination"): Copacetic's default suffix, one destination at most,
 * local sources get the tag next to them, registry sources go to
 * ./patched, and the source tag is only replaced when -t names it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "copa/errors.h"
#include "patch/patch.h"

#include <stdlib.h>
#include <string.h>

static void test_tag(void **state)
{
    char *t;
    (void)state;
    assert_int_equal(copa__patch_tag(&t, "1.25", NULL, NULL), 0);
    assert_string_equal(t, "1.25-patched");
    free(t);
    assert_int_equal(copa__patch_tag(&t, NULL, NULL, NULL), 0);
    assert_string_equal(t, "latest-patched");
    free(t);
    assert_int_equal(copa__patch_tag(&t, "1.25", NULL, "fixed"), 0);
    assert_string_equal(t, "1.25-fixed");
    free(t);
    assert_int_equal(copa__patch_tag(&t, "1.25", "v2", "fixed"), 0);
    assert_string_equal(t, "v2");
    free(t);
    assert_int_equal(copa__patch_tag(&t, "1.25", "", NULL), 0);
    assert_string_equal(t, "1.25-patched");
    free(t);
}

/* dest for image `image` with options set by the caller; rc returned. */
static int dest(char **out, char **hint, const char *image, copa_patch_options *o)
{
    copa_reference *ref;
    int rc;
    assert_int_equal(copa_reference_parse(&ref, image), 0);
    rc = copa__patch_destination(out, hint, ref, o);
    copa_reference_free(ref);
    return rc;
}

static void expect(const char *image, copa_patch_options *o, const char *want, int want_hint)
{
    char *out = NULL, *hint = NULL;
    assert_int_equal(dest(&out, &hint, image, o), 0);
    assert_string_equal(out, want);
    if (want_hint)
        assert_non_null(hint);
    else
        assert_null(hint);
    free(out);
    free(hint);
}

static void test_defaults(void **state)
{
    copa_patch_options o = COPA_PATCH_OPTIONS_INIT;
    (void)state;
    /* A registry source goes to ./patched with a hint. */
    expect("nginx:1.25", &o, "oci:patched:1.25-patched", 1);
    /* A local source gets the tag next to it. */
    expect("oci:/img/layout:base", &o, "oci:/img/layout:base-patched", 0);
    expect("oci-archive:/img/a.tar:v1", &o, "oci-archive:/img/a-v1-patched.tar:v1-patched", 0);
    expect("docker-archive:/img/d.tar:docker.io/library/debian:12", &o,
           "docker-archive:/img/d-12-patched.tar:docker.io/library/debian:12-patched", 0);
}

static void test_explicit(void **state)
{
    copa_patch_options o = COPA_PATCH_OPTIONS_INIT;
    (void)state;
    o.push = 1;
    expect("localhost:5000/app:1", &o, "localhost:5000/app:1-patched", 0);
    o.push = 0;
    o.oci_dir = "/out";
    o.tag = "fixed";
    expect("localhost:5000/app:1", &o, "oci:/out:fixed", 0);
    o.oci_dir = NULL;
    o.archive = "/out/app.tar";
    o.tag = NULL;
    expect("localhost:5000/app:1", &o, "docker-archive:/out/app.tar:localhost:5000/app:1-patched",
           0);
    /* A local image without a name gets one from its path. */
    expect("oci:/img/My Layout:base", &o,
           "docker-archive:/out/app.tar:localhost/my-layout:base-patched", 0);
}

static void test_errors(void **state)
{
    copa_patch_options o = COPA_PATCH_OPTIONS_INIT;
    char *out, *hint;
    (void)state;
    o.push = 1;
    o.oci_dir = "/x";
    assert_int_equal(dest(&out, &hint, "nginx", &o), COPA_EINVALID);
    assert_null(out);
    o.oci_dir = NULL;
    assert_int_equal(dest(&out, &hint, "oci:/img:base", &o), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "--push"));
    /* An empty suffix would overwrite the source tag: refused ... */
    o.push = 0;
    o.tag_suffix = "";
    assert_int_equal(dest(&out, &hint, "oci:/img:base", &o), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "-t"));
    /* ... unless -t names it. */
    o.tag_suffix = NULL;
    o.tag = "base";
    expect("oci:/img:base", &o, "oci:/img:base", 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tag),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_explicit),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
