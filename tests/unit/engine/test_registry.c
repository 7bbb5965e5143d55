/*
 * The engine registry: which engine claims an image (from os-release),
 * which engine a report's OS family maps onto, and the "unsupported OS"
 * error that names the OS found and the engines there are.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "copa/errors.h"
#include "engine/debian/debian.h"
#include "engine/engine.h"

#include <string.h>

static int find(const copa__engine_ops **ops, const char *os_release)
{
    copa__os_release os;
    copa__engine_image image;
    int rc;

    assert_int_equal(copa__os_release_parse(&os, os_release, strlen(os_release), "os-release"), 0);
    memset(&image, 0, sizeof(image));
    image.name = "oci:test";
    image.os = &os;
    rc = copa__engine_find(ops, &image);
    copa__os_release_free(&os);
    return rc;
}

static void debian_and_derivatives_are_debian(void **state)
{
    const copa__engine_ops *ops = NULL;
    (void)state;
    assert_int_equal(find(&ops, "ID=debian\nVERSION_ID=12\n"), 0);
    assert_ptr_equal(ops, &copa__debian_engine);
    assert_int_equal(find(&ops, "ID=ubuntu\nVERSION_ID=\"24.04\"\n"), 0);
    assert_ptr_equal(ops, &copa__debian_engine);
    assert_int_equal(find(&ops, "ID=linuxmint\nID_LIKE=\"ubuntu debian\"\n"), 0);
    assert_ptr_equal(ops, &copa__debian_engine);
}

static void unclaimed_os_names_found_and_supported(void **state)
{
    const copa__engine_ops *ops = &copa__debian_engine;
    (void)state;
    assert_int_equal(find(&ops, "ID=gentoo\nPRETTY_NAME=\"Gentoo Linux\"\n"), COPA_EUNSUPPORTED);
    assert_null(ops);
    assert_non_null(strstr(copa_error_last(), "Gentoo Linux (ID gentoo)"));
    assert_non_null(strstr(copa_error_last(), "copa supports Debian, Ubuntu (dpkg)"));
    assert_int_equal(find(&ops, "NAME=nothing\n"), COPA_EUNSUPPORTED);
    assert_non_null(strstr(copa_error_last(), "an unknown OS"));
}

static void report_families_map_onto_engines(void **state)
{
    (void)state;
    assert_ptr_equal(copa__engine_for_family("debian"), &copa__debian_engine);
    assert_ptr_equal(copa__engine_for_family("Ubuntu"), &copa__debian_engine);
    assert_null(copa__engine_for_family("gentoo"));
    assert_null(copa__engine_for_family(""));
    assert_null(copa__engine_for_family(NULL));
}

/* Every registered table is complete: the pipeline calls each op unchecked. */
static void the_debian_table_is_complete(void **state)
{
    const copa__engine_ops *o = &copa__debian_engine;
    (void)state;
    assert_non_null(o->name);
    assert_non_null(o->distributions);
    assert_non_null(o->sources_message);
    assert_int_not_equal(o->format, COPA_PKG_UNKNOWN);
    assert_non_null(o->report_families);
    assert_non_null(o->claims);
    assert_non_null(o->load);
    assert_non_null(o->is_installed);
    assert_non_null(o->installed);
    assert_non_null(o->sources);
    assert_non_null(o->plan);
    assert_non_null(o->fetch);
    assert_non_null(o->write);
    assert_non_null(o->free);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(debian_and_derivatives_are_debian),
        cmocka_unit_test(unclaimed_os_names_found_and_supported),
        cmocka_unit_test(report_families_map_onto_engines),
        cmocka_unit_test(the_debian_table_is_complete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
