/*
 * Verification with real keys and signatures made by GnuPG at test time
 * (tests/integration/trust/gen_fixtures.sh): good signatures of every key
 * type, and each way a signature must fail, with the message naming the key
 * and the reason. The same fixtures are judged by gpgv in the differential
 * integration test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_support.h"
#include "trust/pgp.h"

#define FIXTURES COPA_TEST_BINARY_DIR "/tests/unit-trust-fixtures"

static copa__pgp_keyring *ring; /* trusted.gpg */
static int64_t now;

static char *fx(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", FIXTURES, name);
    return test_read_file(path, len);
}

static char *fpr(const char *key)
{
    char name[64], *text;
    size_t len;
    snprintf(name, sizeof(name), "%s.fpr", key);
    text = fx(name, &len);
    text[strcspn(text, "\n")] = '\0';
    return text;
}

static int setup(void **state)
{
    char *data;
    size_t len;
    (void)state;
    if (system("command -v gpg >/dev/null && " COPA_TEST_SOURCE_DIR
               "/tests/integration/trust/gen_fixtures.sh " FIXTURES " >/dev/null 2>&1") != 0)
        return 0; /* tests skip when ring stays NULL */
    data = fx("trusted.gpg", &len);
    if (copa__pgp_keyring_create(&ring) != 0 ||
        copa__pgp_keyring_add(ring, "trusted.gpg", data, len) != 0)
        fail_msg("loading trusted.gpg: %s", copa_error_last());
    free(data);
    now = (int64_t)time(NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    copa__pgp_keyring_free(ring);
    return 0;
}

#define NEED_GPG()                                                                                 \
    do {                                                                                           \
        if (ring == NULL)                                                                          \
            skip();                                                                                \
    } while (0)

static int clear_at(copa__pgp_result *res, const char *file, int64_t when)
{
    size_t len;
    char *msg = fx(file, &len);
    int rc = copa__pgp_verify_cleartext(res, ring, msg, len, when);
    free(msg);
    return rc;
}

static int detached(copa__pgp_result *res, const char *sig_file, const char *data_file)
{
    size_t sig_len, data_len;
    char *sig = fx(sig_file, &sig_len), *data = fx(data_file, &data_len);
    int rc = copa__pgp_verify_detached(res, ring, data, data_len, sig, sig_len, now);
    free(sig);
    free(data);
    return rc;
}

/* Expect failure `code` whose message contains each of the given words. */
static void expect_fail(int rc, int code, const char *word1, const char *word2)
{
    if (rc != code)
        fail_msg("got %d (%s), want %d", rc, copa_error_last(), code);
    if (word1 && !strstr(copa_error_last(), word1))
        fail_msg("'%s' not in '%s'", word1, copa_error_last());
    if (word2 && !strstr(copa_error_last(), word2))
        fail_msg("'%s' not in '%s'", word2, copa_error_last());
}

static void keyrings_load_binary_and_armored(void **state)
{
    copa__pgp_keyring *kr;
    copa__pgp_input in[2];
    size_t len0, len1;
    (void)state;
    NEED_GPG();
    assert_int_equal(copa__pgp_keyring_count(ring), 8);
    in[0].name = "trusted.gpg";
    in[0].data = fx("trusted.gpg", &len0);
    in[0].len = len0;
    in[1].name = "trusted.asc"; /* eight armored blocks in one file */
    in[1].data = fx("trusted.asc", &len1);
    in[1].len = len1;
    assert_int_equal(copa__pgp_keyring_load(&kr, in, 2), 0);
    assert_int_equal(copa__pgp_keyring_count(kr), 16);
    copa__pgp_keyring_free(kr);
    free((void *)in[0].data);
    free((void *)in[1].data);
}

static void good_cleartext_gives_signed_text_and_signer(void **state)
{
    static const char expected[] = "Origin: copa test\nLabel: copa\n"
                                   "- a line starting with a dash\n"
                                   "-----BEGIN PGP NOT ARMOR\ntrailing spaces\ntrailing tab\n\n"
                                   "last line\n";
    copa__pgp_result res;
    char *want = fpr("ed25519");
    (void)state;
    NEED_GPG();
    assert_int_equal(clear_at(&res, "clear_ed25519.asc", now), 0);
    assert_string_equal(res.text, expected);
    assert_int_equal(res.text_len, strlen(expected));
    assert_string_equal(res.fingerprint, want);
    assert_string_equal(res.primary_fingerprint, want);
    assert_string_equal(res.key_id, want + 24);
    assert_true(res.sig_time <= now && res.sig_time > now - 3600);
    assert_int_equal(res.hash_algo, 8);
    copa__pgp_result_clear(&res);
    free(want);
}

static void every_key_type_verifies(void **state)
{
    static const char *const files[] = {
        "clear_rsa3072.asc", "clear_rsa4096.asc", "clear_p256.asc",  "clear_p384.asc",
        "clear_sha224.asc",  "clear_sha512.asc",  "clear_multi.asc", "blanks_clear.asc"};
    copa__pgp_result res;
    size_t i;
    (void)state;
    NEED_GPG();
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        if (clear_at(&res, files[i], now) != 0)
            fail_msg("%s: %s", files[i], copa_error_last());
        copa__pgp_result_clear(&res);
    }
}

static void detached_binary_armored_and_text(void **state)
{
    copa__pgp_result res;
    char *want = fpr("rsa3072");
    (void)state;
    NEED_GPG();
    assert_int_equal(detached(&res, "det_rsa3072.sig", "release.txt"), 0);
    assert_string_equal(res.fingerprint, want);
    assert_null(res.text);
    assert_int_equal(detached(&res, "det_ed25519.asc", "release.txt"), 0);
    assert_int_equal(detached(&res, "det_p256.sig", "crlf.txt"), 0);
    assert_int_equal(detached(&res, "det_text.sig", "release.txt"), 0);
    assert_int_equal(detached(&res, "det_multi.sig", "release.txt"), 0);
    free(want);
}

static void signing_subkey_is_reported_with_its_primary(void **state)
{
    copa__pgp_result res;
    char *primary = fpr("subkey");
    (void)state;
    NEED_GPG();
    assert_int_equal(clear_at(&res, "clear_subkey.asc", now), 0);
    assert_string_equal(res.primary_fingerprint, primary);
    assert_string_not_equal(res.fingerprint, primary);
    copa__pgp_result_clear(&res);
    assert_int_equal(detached(&res, "det_subkey.sig", "release.txt"), 0);
    free(primary);
}

static void tampering_is_a_bad_signature(void **state)
{
    copa__pgp_result res;
    size_t sig_len, data_len;
    char *sig, *data;
    (void)state;
    NEED_GPG();
    expect_fail(clear_at(&res, "tampered_clear.asc", now), COPA_EVERIFY, "bad signature", NULL);
    expect_fail(detached(&res, "det_rsa3072.sig", "release_tampered.txt"), COPA_EVERIFY,
                "bad signature", NULL);
    expect_fail(detached(&res, "det_ed25519.asc", "release_tampered.txt"), COPA_EVERIFY,
                "bad signature", NULL);
    /* A flipped bit in the RSA signature value itself (its last octet). */
    sig = fx("det_rsa3072.sig", &sig_len);
    data = fx("release.txt", &data_len);
    sig[sig_len - 1] ^= 1;
    expect_fail(copa__pgp_verify_detached(&res, ring, data, data_len, sig, sig_len, now),
                COPA_EVERIFY, "bad signature", NULL);
    free(sig);
    free(data);
}

static void key_state_failures_name_key_and_reason(void **state)
{
    copa__pgp_result res;
    char *unknown = fpr("unknown"), *revoked = fpr("revoked"), *expired = fpr("expired");
    (void)state;
    NEED_GPG();
    expect_fail(clear_at(&res, "clear_unknown.asc", now), COPA_EVERIFY, "unknown key",
                unknown + 24);
    expect_fail(clear_at(&res, "clear_revoked.asc", now), COPA_EVERIFY, "revoked key",
                revoked + 24);
    /* One unknown and one revoked signer: the revoked one is the news. */
    expect_fail(clear_at(&res, "clear_multi_bad.asc", now), COPA_EVERIFY, "revoked key",
                revoked + 24);
    expect_fail(clear_at(&res, "clear_expired.asc", now), COPA_EVERIFY, "expired key",
                expired + 24);
    expect_fail(clear_at(&res, "clear_sha1.asc", now), COPA_EVERIFY, "weak", "SHA1");
    expect_fail(detached(&res, "det_sha1.sig", "release.txt"), COPA_EVERIFY, "weak", "SHA1");
    free(unknown);
    free(revoked);
    free(expired);
}

static void now_is_the_callers(void **state)
{
    copa__pgp_result res;
    (void)state;
    NEED_GPG();
    /* Signed on 2020-06-01 by a key valid from 2020-01-01 for a year. */
    assert_int_equal(clear_at(&res, "clear_expired.asc", 1590969600 + 86400), 0);
    assert_int_equal(res.sig_time, 1590969600);
    copa__pgp_result_clear(&res);
    expect_fail(clear_at(&res, "clear_expired.asc", 1577836800 + 366 * 86400), COPA_EVERIFY,
                "expired key", NULL);
    /* Before the signature existed. */
    expect_fail(clear_at(&res, "clear_expired.asc", 1590969600 - 86400), COPA_EVERIFY, "future",
                NULL);
}

static char *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    char *out = malloc(strlen(text) + strlen(to) + 1);
    assert_non_null(at);
    memcpy(out, text, (size_t)(at - text));
    strcpy(out + (at - text), to);
    strcat(out, at + strlen(from));
    return out;
}

static void malformed_messages_are_invalid(void **state)
{
    static const uint8_t marker_only[] = {0xCA, 0x03, 'P', 'G', 'P'};
    copa__pgp_result res;
    size_t len;
    char *good = fx("clear_rsa3072.asc", &len), *bad;
    (void)state;
    NEED_GPG();
    bad = replace(good, "Hash: SHA512", "Hash: SHA256");
    expect_fail(copa__pgp_verify_cleartext(&res, ring, bad, strlen(bad), now), COPA_EVERIFY,
                "Hash header", NULL);
    free(bad);
    bad = replace(good, "Hash: SHA512", "Comment: hi");
    expect_fail(copa__pgp_verify_cleartext(&res, ring, bad, strlen(bad), now), COPA_EINVALID,
                "armor header", NULL);
    free(bad);
    bad = replace(good, "-----BEGIN PGP SIGNED", "x\n-----BEGIN PGP SIGNED");
    expect_fail(copa__pgp_verify_cleartext(&res, ring, bad, strlen(bad), now), COPA_EINVALID,
                "does not start", NULL);
    free(bad);
    bad = replace(good, "-----END PGP SIGNATURE-----", "-----END PGP SIGNATURE-----\nmore");
    expect_fail(copa__pgp_verify_cleartext(&res, ring, bad, strlen(bad), now), COPA_EINVALID,
                "after the signature", NULL);
    free(bad);
    bad = replace(good, "-----BEGIN PGP SIGNATURE-----", "");
    expect_fail(copa__pgp_verify_cleartext(&res, ring, bad, strlen(bad), now), COPA_EINVALID,
                "no signature block", NULL);
    free(bad);
    free(good);
    good = fx("det_rsa3072.sig", &len);
    expect_fail(copa__pgp_verify_detached(&res, ring, "x", 1, good, len / 2, now), COPA_EINVALID,
                "exceeds", NULL);
    expect_fail(
        copa__pgp_verify_detached(&res, ring, "x", 1, marker_only, sizeof(marker_only), now),
        COPA_EVERIFY, "no signature", NULL);
    free(good);
}

static void malformed_keyrings_are_invalid(void **state)
{
    copa__pgp_keyring *kr;
    size_t len;
    char *data;
    (void)state;
    NEED_GPG();
    data = fx("trusted.gpg", &len);
    assert_int_equal(copa__pgp_keyring_create(&kr), 0);
    expect_fail(copa__pgp_keyring_add(kr, "cut.gpg", data, len - 7), COPA_EINVALID, "cut.gpg",
                "exceeds");
    copa__pgp_keyring_free(kr);
    free(data);
    /* A well-framed but unreadable signature packet is skipped, as gpg does. */
    data = fx("trusted.gpg", &len);
    data = realloc(data, len + 4);
    memcpy(data + len, "\xC2\x02\x04\x00", 4);
    assert_int_equal(copa__pgp_keyring_create(&kr), 0);
    assert_int_equal(copa__pgp_keyring_add(kr, "odd.gpg", data, len + 4), 0);
    assert_int_equal(copa__pgp_keyring_count(kr), 8);
    copa__pgp_keyring_free(kr);
    free(data);
    data = fx("det_ed25519.asc", &len);
    assert_int_equal(copa__pgp_keyring_create(&kr), 0);
    expect_fail(copa__pgp_keyring_add(kr, "sig.asc", data, len), COPA_EINVALID, "sig.asc",
                "not a PUBLIC KEY BLOCK");
    copa__pgp_keyring_free(kr);
    free(data);
}

/* RFC 9580 Appendix A.3 and A.6: a v6 Ed25519 certificate and message. */
static void rfc9580_v6_sample_verifies(void **state)
{
    static const char text[] = "What we need from the grocery store:\n\n- tofu\n- vegetables\n"
                               "- noodles\n\n"; /* the blank last line is signed too */
    copa__pgp_keyring *kr;
    copa__pgp_result res;
    size_t key_len, msg_len;
    char *key = test_read_file(test_fixture_path("trust/rfc9580-a3-v6-cert.asc"), &key_len);
    char *msg = test_read_file(test_fixture_path("trust/rfc9580-a6-cleartext.asc"), &msg_len);
    char *bad;
    (void)state;
    assert_int_equal(copa__pgp_keyring_create(&kr), 0);
    assert_int_equal(copa__pgp_keyring_add(kr, "a3", key, key_len), 0);
    assert_int_equal(copa__pgp_verify_cleartext(&res, kr, msg, msg_len, 1700000000), 0);
    assert_string_equal(res.fingerprint,
                        "CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9");
    assert_string_equal(res.key_id, "CB186C4F0609A697"); /* v6: the leading 64 bits */
    assert_string_equal(res.text, text);
    assert_int_equal(res.sig_time, 0x6398A363);
    assert_int_equal(res.hash_algo, 10);
    copa__pgp_result_clear(&res);
    bad = replace(msg, "tofu", "tofU");
    expect_fail(copa__pgp_verify_cleartext(&res, kr, bad, strlen(bad), 1700000000), COPA_EVERIFY,
                "bad signature", "CB186C4F0609A697");
    free(bad);
    copa__pgp_keyring_free(kr);
    free(key);
    free(msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keyrings_load_binary_and_armored),
        cmocka_unit_test(good_cleartext_gives_signed_text_and_signer),
        cmocka_unit_test(every_key_type_verifies),
        cmocka_unit_test(detached_binary_armored_and_text),
        cmocka_unit_test(signing_subkey_is_reported_with_its_primary),
        cmocka_unit_test(tampering_is_a_bad_signature),
        cmocka_unit_test(key_state_failures_name_key_and_reason),
        cmocka_unit_test(now_is_the_callers),
        cmocka_unit_test(malformed_messages_are_invalid),
        cmocka_unit_test(malformed_keyrings_are_invalid),
        cmocka_unit_test(rfc9580_v6_sample_verifies),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
