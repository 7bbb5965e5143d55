#include "util/digest.h"
#include "util/error.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

struct copa__sha256 {
    EVP_MD_CTX *md;
};

int copa__sha256_new(copa__sha256 **out)
{
    copa__sha256 *ctx = calloc(1, sizeof(*ctx));

    if (ctx == NULL)
        return copa__error_oom();
    ctx->md = EVP_MD_CTX_new();
    if (ctx->md == NULL || EVP_DigestInit_ex(ctx->md, EVP_sha256(), NULL) != 1) {
        copa__sha256_free(ctx);
        return copa__error_set(COPA_ERROR, "cannot start a SHA-256 digest");
    }
    *out = ctx;
    return 0;
}

int copa__sha256_update(copa__sha256 *ctx, const void *data, size_t length)
{
    if (length > 0 && EVP_DigestUpdate(ctx->md, data, length) != 1)
        return copa__error_set(COPA_ERROR, "SHA-256 update failed");
    return 0;
}

int copa__sha256_final(copa__sha256 *ctx, unsigned char digest[COPA_SHA256_LEN])
{
    unsigned int length = 0;

    if (EVP_DigestFinal_ex(ctx->md, digest, &length) != 1 || length != COPA_SHA256_LEN)
        return copa__error_set(COPA_ERROR, "SHA-256 final failed");
    return 0;
}

void copa__sha256_free(copa__sha256 *ctx)
{
    if (ctx == NULL)
        return;
    EVP_MD_CTX_free(ctx->md);
    free(ctx);
}

int copa__sha256_buffer(unsigned char digest[COPA_SHA256_LEN], const void *data, size_t length)
{
    if (EVP_Digest(data, length, digest, NULL, EVP_sha256(), NULL) != 1)
        return copa__error_set(COPA_ERROR, "SHA-256 failed");
    return 0;
}

void copa__hex_encode(char *out, const unsigned char *bytes, size_t length)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < length; i++) {
        out[2 * i] = hex[bytes[i] >> 4];
        out[2 * i + 1] = hex[bytes[i] & 0x0f];
    }
    out[2 * length] = '\0';
}

int copa__hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void copa__digest_format(char out[COPA_DIGEST_STRING_MAX],
                         const unsigned char digest[COPA_SHA256_LEN])
{
    memcpy(out, "sha256:", 7);
    copa__hex_encode(out + 7, digest, COPA_SHA256_LEN);
}

int copa__digest_validate(const char *digest)
{
    const char *colon = digest != NULL ? strchr(digest, ':') : NULL;
    size_t i;

    if (colon == NULL || colon == digest)
        return copa__error_set(COPA_EINVALID, "'%s' is not a digest (expected sha256:<hex>)",
                               digest != NULL ? digest : "(null)");
    if ((size_t)(colon - digest) != 6 || strncmp(digest, "sha256", 6) != 0)
        return copa__error_set(COPA_EUNSUPPORTED, "digest algorithm of '%s' is not supported",
                               digest);
    for (i = 0; colon[1 + i] != '\0'; i++) {
        char c = colon[1 + i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return copa__error_set(COPA_EINVALID, "digest '%s' has a non-hex character", digest);
    }
    if (i != COPA_SHA256_HEX_LEN)
        return copa__error_set(COPA_EINVALID, "digest '%s' does not have 64 hex digits", digest);
    return 0;
}

int copa__digest_verify_buffer(const char *expected, const void *data, size_t length)
{
    unsigned char raw[COPA_SHA256_LEN];
    char actual[COPA_DIGEST_STRING_MAX];
    int error = copa__digest_validate(expected);

    if (error != 0)
        return error;
    if ((error = copa__sha256_buffer(raw, data, length)) != 0)
        return error;
    copa__digest_format(actual, raw);
    if (strcmp(actual, expected) != 0)
        return copa__error_set(COPA_EVERIFY,
                               "content does not match its digest: expected %s, got %s", expected,
                               actual);
    return 0;
}
