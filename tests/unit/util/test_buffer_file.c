/*
 * The growable buffer and whole-file helpers.
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

#include "util/buffer.h"
#include "util/error.h"
#include "util/file.h"

static void buffer_grows_and_stays_terminated(void **state)
{
    copa__buf buf = COPA__BUF_INIT;
    int i;
    (void)state;
    for (i = 0; i < 1000; i++)
        assert_int_equal(copa__buf_appendf(&buf, "%d,", i), 0);
    assert_int_equal(buf.data[buf.length], '\0');
    assert_int_equal(strncmp(buf.data, "0,1,2,", 6), 0);
    assert_non_null(strstr(buf.data, ",999,"));
    assert_int_equal(buf.length, strlen(buf.data));
    copa__buf_clear(&buf);
    assert_string_equal(buf.data, "");
    assert_int_equal(copa__buf_append(&buf, "a\0b", 3), 0);
    assert_int_equal(buf.length, 3);
    copa__buf_free(&buf);
}

static void detach_of_empty_buffer_is_empty_string(void **state)
{
    copa__buf buf = COPA__BUF_INIT;
    char *text = copa__buf_detach(&buf);
    (void)state;
    assert_non_null(text);
    assert_string_equal(text, "");
    free(text);
}

static void atomic_write_then_read_back(void **state)
{
    char dir[] = "/tmp/copa-file-XXXXXX";
    char path[256];
    char *data = NULL;
    size_t length = 0;
    struct stat st;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/out.json", dir);
    assert_int_equal(copa__file_write_atomic(path, "{\"a\":1}", 7), 0);
    assert_int_equal(copa__file_write_atomic(path, "{\"b\":2}", 7), 0);
    assert_int_equal(copa__file_read_all(&data, &length, path, 1024), 0);
    assert_int_equal(length, 7);
    assert_string_equal(data, "{\"b\":2}");
    free(data);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);

    assert_int_equal(copa__file_read_all(&data, &length, path, 3), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), path));
    unlink(path);
    assert_int_equal(copa__file_read_all(&data, &length, path, 1024), COPA_ENOTFOUND);
    assert_non_null(strstr(copa_error_last(), path));
    /* Only the target was ever visible: no temporary files are left behind. */
    assert_int_equal(rmdir(dir), 0);
}

static void atomic_write_into_missing_directory_fails_cleanly(void **state)
{
    (void)state;
    assert_int_equal(copa__file_write_atomic("/nonexistent-dir/x", "a", 1), COPA_ERROR);
    assert_non_null(strstr(copa_error_last(), "/nonexistent-dir/x"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buffer_grows_and_stays_terminated),
        cmocka_unit_test(detach_of_empty_buffer_is_empty_string),
        cmocka_unit_test(atomic_write_then_read_back),
        cmocka_unit_test(atomic_write_into_missing_directory_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
