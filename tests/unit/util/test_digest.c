/*
 * SHA-256 digests and digest strings, checked against sha256sum's output
 * for the same bytes (computed by the test, not written down).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/digest.h"
#include "util/error.h"

/* The digest of `data` according to coreutils' sha256sum. */
static void sha256sum_of(char out[COPA_DIGEST_STRING_MAX], const char *data, size_t length)
{
    char path[] = "/tmp/copa-digest-XXXXXX";
    char command[256];
    FILE *file, *pipe;
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    file = fdopen(fd, "wb");
    assert_non_null(file);
    assert_int_equal(fwrite(data, 1, length, file), length);
    fclose(file);
    snprintf(command, sizeof(command), "sha256sum %s", path);
    pipe = popen(command, "r");
    assert_non_null(pipe);
    memcpy(out, "sha256:", 7);
    assert_non_null(fgets(out + 7, COPA_SHA256_HEX_LEN + 1, pipe));
    pclose(pipe);
    remove(path);
}

static void streaming_equals_sha256sum(void **state)
{
    char text[100000];
    char expected[COPA_DIGEST_STRING_MAX], actual[COPA_DIGEST_STRING_MAX];
    unsigned char raw[COPA_SHA256_LEN];
    copa__sha256 *ctx;
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(text); i++)
        text[i] = (char)('a' + (i * 7) % 26);
    sha256sum_of(expected, text, sizeof(text));

    assert_int_equal(copa__sha256_new(&ctx), 0);
    for (i = 0; i < sizeof(text); i += 999)
        assert_int_equal(
            copa__sha256_update(ctx, text + i, i + 999 < sizeof(text) ? 999 : sizeof(text) - i), 0);
    assert_int_equal(copa__sha256_final(ctx, raw), 0);
    copa__sha256_free(ctx);
    copa__digest_format(actual, raw);
    assert_string_equal(actual, expected);

    assert_int_equal(copa__sha256_buffer(raw, text, sizeof(text)), 0);
    copa__digest_format(actual, raw);
    assert_string_equal(actual, expected);
    assert_int_equal(copa__digest_verify_buffer(expected, text, sizeof(text)), 0);
}

static void verify_detects_one_changed_byte(void **state)
{
    char data[] = "layer bytes";
    char expected[COPA_DIGEST_STRING_MAX];
    (void)state;

    sha256sum_of(expected, data, strlen(data));
    data[0] = 'L';
    assert_int_equal(copa__digest_verify_buffer(expected, data, strlen(data)), COPA_EVERIFY);
    assert_non_null(strstr(copa_error_last(), expected));
}

static void validate_rejects_malformed_digests(void **state)
{
    (void)state;
    assert_int_equal(
        copa__digest_validate("sha256:"
                              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b"
                              "7852b855"),
        0);
    assert_int_equal(copa__digest_validate("sha256:E3B0"), COPA_EINVALID);
    assert_int_equal(copa__digest_validate("sha256:abc"), COPA_EINVALID);
    assert_int_equal(copa__digest_validate("e3b0c442"), COPA_EINVALID);
    assert_int_equal(copa__digest_validate(":abc"), COPA_EINVALID);
    assert_int_equal(copa__digest_validate(NULL), COPA_EINVALID);
    assert_int_equal(copa__digest_validate("sha512:abcd"), COPA_EUNSUPPORTED);
    assert_int_equal(
        copa__digest_validate("sha256:"
                              "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b"
                              "7852b855"),
        COPA_EINVALID);
}

static void sha256_of_nothing_is_the_known_empty_digest(void **state)
{
    char expected[COPA_DIGEST_STRING_MAX], actual[COPA_DIGEST_STRING_MAX];
    unsigned char raw[COPA_SHA256_LEN];
    (void)state;
    sha256sum_of(expected, "", 0);
    assert_int_equal(copa__sha256_buffer(raw, "", 0), 0);
    copa__digest_format(actual, raw);
    assert_string_equal(actual, expected);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(streaming_equals_sha256sum),
        cmocka_unit_test(verify_detects_one_changed_byte),
        cmocka_unit_test(validate_rejects_malformed_digests),
        cmocka_unit_test(sha256_of_nothing_is_the_known_empty_digest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
