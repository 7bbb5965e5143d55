/*
 * Checking `.SIGN.<TYPE>.<keyname>` signatures with OpenSSL EVP against the
 * keys the caller trusts, the way apk-tools 2 picks them: the first
 * signature, in archive order, whose type is known and whose key is
 * trusted is the one that decides.
 */
#include "apk/signature.h"
#include "util/error.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>

typedef struct sig_type {
    const char *name;
    const EVP_MD *(*md)(void);
} sig_type;

/* Longest prefix first: "RSA" is a prefix of the others. */
static const sig_type SIG_TYPES[] = {
    {"RSA512", EVP_sha512},
    {"RSA256", EVP_sha256},
    {"RSA", EVP_sha1},
};

/* The type and key name of a ".SIGN.<TYPE>.<keyname>" member, or NULL. */
static const sig_type *parse_name(const char *member, const char **key_name)
{
    const char *rest;

    if (strncmp(member, ".SIGN.", 6) != 0)
        return NULL;
    rest = member + 6;
    for (size_t i = 0; i < sizeof(SIG_TYPES) / sizeof(SIG_TYPES[0]); i++) {
        size_t n = strlen(SIG_TYPES[i].name);
        if (strncmp(rest, SIG_TYPES[i].name, n) == 0 && rest[n] == '.' && rest[n + 1] != '\0' &&
            strchr(rest + n + 1, '/') == NULL) {
            *key_name = rest + n + 1;
            return &SIG_TYPES[i];
        }
    }
    return NULL;
}

static const copa__apk_key *find_key(const copa__apk_key *keys, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (keys[i].name != NULL && strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

static int load_key(EVP_PKEY **out, const char *what, const copa__apk_key *key)
{
    BIO *bio;

    if (key->pem_len > INT32_MAX)
        return copa__error_set(COPA_EINVALID, "%s: trusted key '%s' is too large", what, key->name);
    bio = BIO_new_mem_buf(key->pem, (int)key->pem_len);
    if (bio == NULL)
        return copa__error_oom();
    *out = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (*out == NULL)
        return copa__error_set(COPA_EINVALID, "%s: trusted key '%s' is not a PEM public key", what,
                               key->name);
    return 0;
}

/* 1 verified, 0 did not verify, < 0 an error. */
static int verify_one(const char *what, const copa__apk_key *key, const sig_type *type,
                      const copa__apk_member *sig, const void *message, size_t message_len)
{
    EVP_PKEY *pkey = NULL;
    EVP_MD_CTX *md = NULL;
    int rc = load_key(&pkey, what, key);

    if (rc < 0)
        return rc;
    md = EVP_MD_CTX_new();
    if (md == NULL)
        rc = copa__error_oom();
    else if (EVP_DigestVerifyInit(md, NULL, type->md(), NULL, pkey) != 1)
        rc = copa__error_set(COPA_EINVALID, "%s: trusted key '%s' cannot verify %s signatures",
                             what, key->name, type->name);
    else
        rc = EVP_DigestVerify(md, (const unsigned char *)sig->data, sig->len, message,
                              message_len) == 1;
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(pkey);
    return rc;
}

static void note(copa__apk_sig_result *res, const sig_type *type, const char *key_name)
{
    snprintf(res->key_name, sizeof(res->key_name), "%s", key_name);
    snprintf(res->algorithm, sizeof(res->algorithm), "%s", type->name);
}

static int untrusted(copa__apk_sig_result *res, const char *what,
                     const copa__apk_members *signatures)
{
    char names[1024] = "";
    size_t used = 0;
    int listed = 0;

    res->status = COPA__APK_SIG_UNKNOWN_KEY;
    for (size_t i = 0; i < signatures->count && used + 1 < sizeof(names); i++) {
        const char *key_name = NULL;
        const sig_type *type = parse_name(signatures->items[i].name, &key_name);
        int n;
        if (type == NULL)
            continue;
        if (!listed)
            note(res, type, key_name);
        n = snprintf(names + used, sizeof(names) - used, "%s'%s'", listed ? ", " : "", key_name);
        if (n > 0)
            used += (size_t)n < sizeof(names) - used ? (size_t)n : sizeof(names) - used - 1;
        listed = 1;
    }
    if (!listed)
        return copa__error_set(COPA_EVERIFY,
                               "%s: no usable signature (no .SIGN.RSA, .SIGN.RSA256 "
                               "or .SIGN.RSA512 entry)",
                               what);
    return copa__error_set(COPA_EVERIFY,
                           "%s: signed by key file %s, which is not among the trusted keys "
                           "(/etc/apk/keys)",
                           what, names);
}

int copa__apk_signature_verify(copa__apk_sig_result *res, const char *what,
                               const copa__apk_members *signatures, const void *message,
                               size_t message_len, const copa__apk_key *keys, size_t key_count)
{
    memset(res, 0, sizeof(*res));
    if (signatures->count > COPA__APK_MAX_SIGNATURES)
        return copa__error_set(COPA_EINVALID, "%s: more than %d signatures", what,
                               COPA__APK_MAX_SIGNATURES);
    for (size_t i = 0; i < signatures->count; i++) {
        const copa__apk_member *sig = &signatures->items[i];
        const char *key_name = NULL;
        const sig_type *type = parse_name(sig->name, &key_name);
        const copa__apk_key *key = type != NULL ? find_key(keys, key_count, key_name) : NULL;
        int rc;

        if (key == NULL)
            continue;
        note(res, type, key_name);
        rc = verify_one(what, key, type, sig, message, message_len);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            res->status = COPA__APK_SIG_BAD;
            return copa__error_set(COPA_EVERIFY,
                                   "%s: the %s signature by trusted key '%s' does not verify", what,
                                   type->name, key_name);
        }
        res->status = COPA__APK_SIG_OK;
        return 0;
    }
    return untrusted(res, what, signatures);
}
