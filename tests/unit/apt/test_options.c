/*
 * copa_apt_options_init writes only the fields of the version the caller
 * names: a program built against version 1 has a smaller struct, and the
 * version-2 fields must not be written past its end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <string.h>

static void version_1_stops_before_the_image_fields(void **state)
{
    unsigned char buffer[sizeof(copa_apt_options) + 16];
    size_t v1 = offsetof(copa_apt_options, platform), i;
    (void)state;

    memset(buffer, 0xA5, sizeof(buffer));
    assert_int_equal(copa_apt_options_init((copa_apt_options *)(void *)buffer, 1), 0);
    assert_int_equal(((copa_apt_options *)(void *)buffer)->version, 1);
    for (i = v1; i < sizeof(buffer); i++)
        assert_int_equal(buffer[i], 0xA5);
}

static void current_version_initializes_everything(void **state)
{
    copa_apt_options opts;
    (void)state;
    memset(&opts, 0xA5, sizeof(opts));
    assert_int_equal(copa_apt_options_init(&opts, COPA_APT_OPTIONS_VERSION), 0);
    assert_int_equal(opts.version, COPA_APT_OPTIONS_VERSION);
    assert_null(opts.platform);
    assert_null(opts.cert_dir);
    assert_int_equal(opts.mirror_count, 0);
}

static void unknown_versions_are_refused(void **state)
{
    copa_apt_options opts;
    (void)state;
    assert_int_equal(copa_apt_options_init(&opts, 0), COPA_EINVALID);
    assert_int_equal(copa_apt_options_init(&opts, COPA_APT_OPTIONS_VERSION + 1), COPA_EINVALID);
    assert_int_equal(copa_apt_options_init(NULL, 1), COPA_EINVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(version_1_stops_before_the_image_fields),
        cmocka_unit_test(current_version_initializes_everything),
        cmocka_unit_test(unknown_versions_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
