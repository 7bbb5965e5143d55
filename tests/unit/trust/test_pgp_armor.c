/*
 * ASCII armor: CRC24, radix-64, blocks, headers, several blocks in a file,
 * and the malformed inputs an attacker could hand us.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trust/pgp_armor.h"

static void crc24_known_values(void **state)
{
    (void)state;
    assert_int_equal(copa__pgp_crc24(NULL, 0), 0xB704CE);
    /* The CRC-24/OPENPGP check value from the CRC catalogue. */
    assert_int_equal(copa__pgp_crc24((const uint8_t *)"123456789", 9), 0x21CF02);
}

static void base64_round_values(void **state)
{
    uint8_t *out;
    size_t len;
    (void)state;
    assert_int_equal(copa__pgp_base64_decode(&out, &len, "aGVsbG8=", 8), 0);
    assert_int_equal(len, 5);
    assert_memory_equal(out, "hello", 5);
    free(out);
    assert_int_equal(copa__pgp_base64_decode(&out, &len, "aGVs\r\n bG8h", 11), 0);
    assert_int_equal(len, 6);
    assert_memory_equal(out, "hello!", 6);
    free(out);
    assert_int_equal(copa__pgp_base64_decode(&out, &len, "YQ==", 4), 0);
    assert_int_equal(len, 1);
    assert_int_equal(out[0], 'a');
    free(out);
}

static void base64_rejects_garbage(void **state)
{
    uint8_t *out = NULL;
    size_t len;
    (void)state;
    assert_int_equal(copa__pgp_base64_decode(&out, &len, "aGV*", 4), COPA_EINVALID);
    assert_int_equal(copa__pgp_base64_decode(&out, &len, "YQ==YQ==", 8), COPA_EINVALID);
    assert_int_equal(copa__pgp_base64_decode(&out, &len, "YQ=", 3), COPA_EINVALID);
    assert_int_equal(copa__pgp_base64_decode(&out, &len, "Y", 1), COPA_EINVALID);
    assert_int_equal(copa__pgp_base64_decode(&out, &len, "YQ===", 5), COPA_EINVALID);
    assert_null(out);
}

/* "hello" armored; the CRC line is filled in per test. */
static const char HELLO[] = "-----BEGIN PGP MESSAGE-----\n"
                            "Comment: a header\n"
                            "Version: test\n"
                            "\n"
                            "aGVsbG8=\n"
                            "=%s\n"
                            "-----END PGP MESSAGE-----\n";

static char *hello_with_crc(const char *crc)
{
    char *text = malloc(sizeof(HELLO) + 8);
    sprintf(text, HELLO, crc);
    return text;
}

static const char *crc_text_of_hello(char *buf)
{
    uint32_t crc = copa__pgp_crc24((const uint8_t *)"hello", 5);
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    buf[0] = b64[(crc >> 18) & 63];
    buf[1] = b64[(crc >> 12) & 63];
    buf[2] = b64[(crc >> 6) & 63];
    buf[3] = b64[crc & 63];
    buf[4] = '\0';
    return buf;
}

static void armor_block_with_headers_and_crc(void **state)
{
    char crc[5];
    char *text = hello_with_crc(crc_text_of_hello(crc));
    copa__pgp_armor armor;
    size_t pos = 0;
    (void)state;
    assert_int_equal(copa__pgp_armor_next(&armor, text, strlen(text), &pos), 0);
    assert_string_equal(armor.type, "MESSAGE");
    assert_int_equal(armor.len, 5);
    assert_memory_equal(armor.data, "hello", 5);
    assert_int_equal(pos, strlen(text));
    copa__pgp_armor_clear(&armor);
    assert_int_equal(copa__pgp_armor_next(&armor, text, strlen(text), &pos), 1);
    free(text);
}

static void armor_bad_crc_is_rejected(void **state)
{
    char *text = hello_with_crc("AAAA");
    copa__pgp_armor armor;
    size_t pos = 0;
    (void)state;
    assert_int_equal(copa__pgp_armor_next(&armor, text, strlen(text), &pos), COPA_EINVALID);
    assert_non_null(strstr(copa_error_last(), "CRC24"));
    free(text);
}

static void armor_several_blocks_crlf_no_crc(void **state)
{
    const char text[] = "junk before\r\n"
                        "-----BEGIN PGP PUBLIC KEY BLOCK-----\r\n\r\nYQ==\r\n"
                        "-----END PGP PUBLIC KEY BLOCK-----\r\n"
                        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nYg==\n"
                        "-----END PGP PUBLIC KEY BLOCK-----";
    copa__pgp_armor armor;
    size_t pos = 0;
    (void)state;
    assert_true(copa__pgp_is_armored("\n  -----BEGIN PGP X-----", 24));
    assert_false(copa__pgp_is_armored("\x99\x01", 2));
    assert_int_equal(copa__pgp_armor_next(&armor, text, sizeof(text) - 1, &pos), 0);
    assert_int_equal(armor.data[0], 'a');
    copa__pgp_armor_clear(&armor);
    assert_int_equal(copa__pgp_armor_next(&armor, text, sizeof(text) - 1, &pos), 0);
    assert_int_equal(armor.data[0], 'b');
    copa__pgp_armor_clear(&armor);
    assert_int_equal(copa__pgp_armor_next(&armor, text, sizeof(text) - 1, &pos), 1);
}

static void armor_malformed(void **state)
{
    static const char *const bad[] = {
        "-----BEGIN PGP SIGNATURE-----\n\nYQ==\n", /* no END */
        "-----BEGIN PGP SIGNATURE-----\n\nYQ==\n-----END PGP MESSAGE-----\n",
        "-----BEGIN PGP SIGNATURE-----\n\nY*Q=\n-----END PGP SIGNATURE-----\n",
        "-----BEGIN PGP SIGNATURE-----\n\nYQ==\n=AAAA\n=AAAA\n-----END PGP SIGNATURE-----\n",
        "-----BEGIN PGP SIGNATURE-----\n\nYQ==\n=AA\n-----END PGP SIGNATURE-----\n",
        "-----BEGIN PGP SIGNATURE-----\n\n=AAAA\nYQ==\n-----END PGP SIGNATURE-----\n",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        copa__pgp_armor armor;
        size_t pos = 0;
        assert_int_equal(copa__pgp_armor_next(&armor, bad[i], strlen(bad[i]), &pos), COPA_EINVALID);
        assert_null(armor.data);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc24_known_values),
        cmocka_unit_test(base64_round_values),
        cmocka_unit_test(base64_rejects_garbage),
        cmocka_unit_test(armor_block_with_headers_and_crc),
        cmocka_unit_test(armor_bad_crc_is_rejected),
        cmocka_unit_test(armor_several_blocks_crlf_no_crc),
        cmocka_unit_test(armor_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
