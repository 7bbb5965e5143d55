/*
 * Verifying a .rpm: the digests the signature header states over the
 * header and the payload, PAYLOADDIGEST from the (signed) header over the
 * compressed payload, and an OpenPGP signature over the header by a key of
 * the caller's keyring. The header signature covers PAYLOADDIGEST, so one
 * good header signature plus a matching payload digest vouches for every
 * byte after the signature header.
 */
#include "rpm/rpm_file_impl.h"
#include "rpm/rpm_tags.h"
#include "util/digest.h"
#include "util/error.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>

/* Hex digest of up to two pieces (header, payload) into `hex`; 0 or COPA_ERROR. */
static int digest_hex(const EVP_MD *md, const unsigned char *a, size_t alen, const unsigned char *b,
                      size_t blen, char *hex)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx != NULL && EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
             EVP_DigestUpdate(ctx, a, alen) == 1 &&
             (blen == 0 || EVP_DigestUpdate(ctx, b, blen) == 1) &&
             EVP_DigestFinal_ex(ctx, out, &len) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return copa__error_set(COPA_ERROR, "digest computation failed");
    copa__hex_encode(hex, out, len);
    return 0;
}

static const EVP_MD *md_of_pgp_algo(uint64_t algo)
{
    switch (algo) {
    case COPA__RPM_HASH_SHA256:
        return EVP_sha256();
    case COPA__RPM_HASH_SHA384:
        return EVP_sha384();
    case COPA__RPM_HASH_SHA512:
        return EVP_sha512();
    case COPA__RPM_HASH_SHA224:
        return EVP_sha224();
    default:
        return NULL; /* MD5 and SHA-1 do not protect a payload */
    }
}

/* A hex digest string from the signature header compared with our own. */
static int check_header_digest(copa__rpm *r, uint32_t tag, const EVP_MD *md, const char *what,
                               int required)
{
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    const unsigned char *hb;
    const char *want;
    size_t hl;
    int rc = copa__rpm_header_string(r->sig, tag, &want);

    if (rc == COPA_ENOTFOUND)
        return required ? copa__error_set(COPA_EVERIFY, "%s: %s has no %s header digest", r->name,
                                          r->nevra, what)
                        : 0;
    if (rc < 0)
        return copa__error_prefix("%s: ", r->name);
    copa__rpm_header_bytes(r, &hb, &hl);
    if ((rc = digest_hex(md, hb, hl, NULL, 0, hex)) < 0)
        return rc;
    if (strcasecmp(hex, want) != 0)
        return copa__error_set(COPA_EVERIFY, "%s: %s header %s digest mismatch (header altered)",
                               r->name, r->nevra, what);
    return 0;
}

static int check_payload_digest(copa__rpm *r)
{
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    const unsigned char *pb;
    const char **want = NULL;
    uint32_t n;
    uint64_t algo = COPA__RPM_HASH_SHA256;
    const EVP_MD *md;
    size_t pl;
    int rc = copa__rpm_header_strings(r->hdr, COPA__RPM_TAG_PAYLOADDIGEST, &want, &n);

    if (rc == COPA_ENOTFOUND)
        return copa__error_set(COPA_EVERIFY, "%s: %s has no payload digest (rpm < 4.14 package)",
                               r->name, r->nevra);
    if (rc < 0)
        return copa__error_prefix("%s: ", r->name);
    rc = copa__rpm_header_int(r->hdr, COPA__RPM_TAG_PAYLOADDIGESTALGO, &algo);
    if (rc < 0 && rc != COPA_ENOTFOUND) {
        free(want);
        return copa__error_prefix("%s: ", r->name);
    }
    if ((md = md_of_pgp_algo(algo)) == NULL) {
        free(want);
        return copa__error_set(COPA_EVERIFY, "%s: %s payload digest algorithm %llu is not accepted",
                               r->name, r->nevra, (unsigned long long)algo);
    }
    copa__rpm_payload_bytes(r, &pb, &pl);
    rc = digest_hex(md, pb, pl, NULL, 0, hex);
    if (rc == 0 && strcasecmp(hex, want[0]) != 0)
        rc = copa__error_set(COPA_EVERIFY, "%s: %s payload digest mismatch (payload altered)",
                             r->name, r->nevra);
    free(want);
    return rc;
}

/* The legacy MD5 over header + payload: no protection, but a mismatch is corruption. */
static int check_md5(copa__rpm *r)
{
    char hex[2 * EVP_MAX_MD_SIZE + 1], want[33];
    const unsigned char *md5, *hb, *pb;
    uint32_t len;
    size_t hl, pl;
    int rc = copa__rpm_header_binary(r->sig, COPA__RPM_SIGTAG_MD5, &md5, &len);

    if (rc == COPA_ENOTFOUND)
        return 0;
    if (rc < 0 || len != 16)
        return copa__error_set(COPA_EVERIFY, "%s: malformed MD5 in the signature header", r->name);
    copa__rpm_header_bytes(r, &hb, &hl);
    copa__rpm_payload_bytes(r, &pb, &pl);
    if ((rc = digest_hex(EVP_md5(), hb, hl, pb, pl, hex)) < 0)
        return rc;
    copa__hex_encode(want, md5, 16);
    if (strcmp(hex, want) != 0)
        return copa__error_set(COPA_EVERIFY, "%s: %s MD5 of header and payload mismatch", r->name,
                               r->nevra);
    return 0;
}

/* SIZE / LONGSIZE: header + payload bytes; a mismatch is truncation or appended data. */
static int check_size(copa__rpm *r)
{
    uint64_t want;
    int rc = copa__rpm_header_int(r->sig, COPA__RPM_SIGTAG_LONGSIZE, &want);
    if (rc == COPA_ENOTFOUND)
        rc = copa__rpm_header_int(r->sig, COPA__RPM_SIGTAG_SIZE, &want);
    if (rc == COPA_ENOTFOUND)
        return 0;
    if (rc < 0)
        return copa__error_prefix("%s: ", r->name);
    if (want != r->size - r->header_offset)
        return copa__error_set(
            COPA_EVERIFY, "%s: %s header and payload are %zu bytes, the signature header says %llu",
            r->name, r->nevra, r->size - r->header_offset, (unsigned long long)want);
    return 0;
}

typedef struct sig_kind {
    uint32_t tag;
    int covers_payload;
} sig_kind;

static const sig_kind sig_kinds[] = {
    {COPA__RPM_SIGTAG_RSA, 0},
    {COPA__RPM_SIGTAG_DSA, 0},
    {COPA__RPM_SIGTAG_PGP, 1},
    {COPA__RPM_SIGTAG_GPG, 1},
};

static int try_signature(copa__rpm *r, const sig_kind *k, const copa__rpm_verify_options *opts,
                         copa__rpm_verify_result *res)
{
    const unsigned char *sig, *hb, *pb;
    uint32_t sig_len;
    size_t hl, pl;
    copa__pgp_result pr;
    int rc = copa__rpm_header_binary(r->sig, k->tag, &sig, &sig_len);

    if (rc < 0)
        return rc == COPA_ENOTFOUND ? rc : copa__error_prefix("%s: ", r->name);
    copa__rpm_header_bytes(r, &hb, &hl);
    copa__rpm_payload_bytes(r, &pb, &pl);
    memset(&pr, 0, sizeof(pr));
    /* Header + payload signatures cover the two back to back: the file from the header on. */
    rc = copa__pgp_verify_detached(&pr, opts->keyring, hb, k->covers_payload ? hl + pl : hl, sig,
                                   sig_len, opts->now);
    if (rc == 0) {
        res->signature = COPA__RPM_SIG_GOOD;
        res->signature_tag = k->tag;
        memcpy(res->key_id, pr.key_id, sizeof(res->key_id));
        memcpy(res->fingerprint, pr.fingerprint, sizeof(res->fingerprint));
    }
    copa__pgp_result_clear(&pr);
    return rc;
}

static int check_signature(copa__rpm *r, const copa__rpm_verify_options *opts,
                           copa__rpm_verify_result *res)
{
    char first_failure[512] = "";
    size_t i;
    int seen = 0, rc;

    for (i = 0; i < sizeof(sig_kinds) / sizeof(sig_kinds[0]); i++) {
        rc = try_signature(r, &sig_kinds[i], opts, res);
        if (rc == 0)
            return 0;
        if (rc == COPA_ENOTFOUND)
            continue;
        if (rc == COPA_ENOMEM)
            return rc;
        if (!seen)
            snprintf(first_failure, sizeof(first_failure), "%s", copa_error_last());
        seen = 1;
    }
    if (seen) {
        res->signature = COPA__RPM_SIG_BAD;
        return copa__error_set(COPA_EVERIFY, "%s: %s: %s", r->name, r->nevra, first_failure);
    }
    res->signature = COPA__RPM_SIG_UNSIGNED;
    if (opts->allow_unsigned)
        return 0;
    if (copa__rpm_header_find(r->sig, COPA__RPM_SIGTAG_OPENPGP) != NULL)
        return copa__error_set(
            COPA_EVERIFY,
            "%s: %s carries only an rpm 6 OPENPGP signature, which copa cannot check yet", r->name,
            r->nevra);
    return copa__error_set(COPA_EVERIFY, "%s: %s is not signed (refused: signatures are required)",
                           r->name, r->nevra);
}

int copa__rpm_verify(copa__rpm *r, const copa__rpm_verify_options *opts,
                     copa__rpm_verify_result *res)
{
    int rc;
    memset(res, 0, sizeof(*res));
    if ((rc = check_size(r)) < 0 ||
        (rc = check_header_digest(r, COPA__RPM_SIGTAG_SHA256, EVP_sha256(), "SHA-256", 1)) < 0 ||
        (rc = check_header_digest(r, COPA__RPM_SIGTAG_SHA1, EVP_sha1(), "SHA-1", 0)) < 0 ||
        (rc = check_payload_digest(r)) < 0 || (rc = check_md5(r)) < 0)
        return rc;
    if (opts->keyring == NULL)
        return 0; /* COPA__RPM_SIG_NOT_CHECKED */
    return check_signature(r, opts, res);
}
