/*
 * The per-thread last error: codes, messages, prefixes and thread isolation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <pthread.h>
#include <string.h>

#include "util/error.h"

static void set_returns_code_and_keeps_message(void **state)
{
    (void)state;
    assert_int_equal(copa__error_set(COPA_EINVALID, "bad %s at %d", "thing", 7), COPA_EINVALID);
    assert_string_equal(copa_error_last(), "bad thing at 7");
    assert_int_equal(copa_error_last_code(), COPA_EINVALID);
}

static void prefix_adds_context(void **state)
{
    (void)state;
    copa__error_set(COPA_EVERIFY, "digest mismatch");
    assert_int_equal(copa__error_prefix("%s: ", "layer.tar"), COPA_EVERIFY);
    assert_string_equal(copa_error_last(), "layer.tar: digest mismatch");
    /* The same prefix again (another layer naming the same object) is not doubled. */
    assert_int_equal(copa__error_prefix("%s: ", "layer.tar"), COPA_EVERIFY);
    assert_string_equal(copa_error_last(), "layer.tar: digest mismatch");
    assert_int_equal(copa__error_prefix("%s: ", "image"), COPA_EVERIFY);
    assert_string_equal(copa_error_last(), "image: layer.tar: digest mismatch");
}

static void clear_resets(void **state)
{
    (void)state;
    copa__error_set(COPA_ERROR, "x");
    copa_error_clear();
    assert_string_equal(copa_error_last(), "");
    assert_int_equal(copa_error_last_code(), COPA_OK);
}

static void long_messages_are_truncated_not_overflowed(void **state)
{
    char big[5000];
    (void)state;
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    copa__error_set(COPA_ERROR, "%s", big);
    assert_true(strlen(copa_error_last()) < sizeof(big) - 1);
    copa__error_prefix("%s", big);
    assert_true(strlen(copa_error_last()) < sizeof(big) - 1);
}

static void names_cover_every_code(void **state)
{
    (void)state;
    assert_string_equal(copa_error_name(COPA_OK), "COPA_OK");
    assert_string_equal(copa_error_name(COPA_EINVALID), "COPA_EINVALID");
    assert_string_equal(copa_error_name(COPA_ECANCELLED), "COPA_ECANCELLED");
    assert_string_equal(copa_error_name(COPA_ETIMEOUT), "COPA_ETIMEOUT");
    assert_string_equal(copa_error_name(COPA_ELAYER), "COPA_ELAYER");
    assert_string_equal(copa_error_name(-1000), "COPA_UNKNOWN");
    assert_string_equal(copa_error_name(5), "COPA_UNKNOWN");
}

static void *other_thread(void *arg)
{
    (void)arg;
    /* A new thread starts with no error, whatever the main thread has. */
    if (copa_error_last_code() != COPA_OK || strcmp(copa_error_last(), "") != 0)
        return (void *)1;
    copa__error_set(COPA_ENETWORK, "thread message");
    return NULL;
}

static void errors_are_per_thread(void **state)
{
    pthread_t thread;
    void *result;
    (void)state;
    copa__error_set(COPA_EAUTH, "main message");
    assert_int_equal(pthread_create(&thread, NULL, other_thread, NULL), 0);
    assert_int_equal(pthread_join(thread, &result), 0);
    assert_null(result);
    assert_string_equal(copa_error_last(), "main message");
    assert_int_equal(copa_error_last_code(), COPA_EAUTH);
}

static void init_is_reference_counted(void **state)
{
    (void)state;
    assert_int_equal(copa_init(), 1);
    assert_int_equal(copa_init(), 2);
    assert_int_equal(copa_shutdown(), 1);
    assert_int_equal(copa_shutdown(), 0);
    assert_int_equal(copa_shutdown(), COPA_ERROR);
    assert_string_equal(copa_version(), COPA_VERSION);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_returns_code_and_keeps_message),
        cmocka_unit_test(prefix_adds_context),
        cmocka_unit_test(clear_resets),
        cmocka_unit_test(long_messages_are_truncated_not_overflowed),
        cmocka_unit_test(names_cover_every_code),
        cmocka_unit_test(errors_are_per_thread),
        cmocka_unit_test(init_is_reference_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
