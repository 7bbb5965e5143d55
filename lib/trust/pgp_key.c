/*
 * Public key packets and the signature algorithms on OpenSSL 3: RSA
 * (PKCS#1 v1.5), ECDSA on NIST P-256/384/521, EdDSA (legacy algorithm 22
 * with the Ed25519 OID, and RFC 9580 Ed25519, algorithm 27).
 */
#include "trust/pgp_key.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <stdlib.h>
#include <string.h>

#include "trust/pgp_packet.h"
#include "util/error.h"

static const uint8_t OID_P256[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
static const uint8_t OID_P384[] = {0x2B, 0x81, 0x04, 0x00, 0x22};
static const uint8_t OID_P521[] = {0x2B, 0x81, 0x04, 0x00, 0x23};
static const uint8_t OID_ED25519[] = {0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01};

static EVP_PKEY *rsa_key(const uint8_t *n, size_t n_len, const uint8_t *e, size_t e_len)
{
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    BIGNUM *bn_n = BN_bin2bn(n, (int)n_len, NULL), *bn_e = BN_bin2bn(e, (int)e_len, NULL);
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    EVP_PKEY *pkey = NULL;

    if (bld != NULL && bn_n != NULL && bn_e != NULL && ctx != NULL &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1 &&
        (params = OSSL_PARAM_BLD_to_param(bld)) != NULL && EVP_PKEY_fromdata_init(ctx) == 1 &&
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
        pkey = NULL;
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn_n);
    BN_free(bn_e);
    EVP_PKEY_CTX_free(ctx);
    return pkey;
}

static EVP_PKEY *ec_key(const char *group, const uint8_t *point, size_t len)
{
    OSSL_PARAM params[3];
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *pkey = NULL;

    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)group, 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)point, len);
    params[2] = OSSL_PARAM_construct_end();
    if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
        pkey = NULL;
    EVP_PKEY_CTX_free(ctx);
    return pkey;
}

static int oid_is(const uint8_t *oid, size_t len, const uint8_t *want, size_t want_len)
{
    return len == want_len && memcmp(oid, want, len) == 0;
}

/* ECDSA and legacy EdDSA: an OID naming the curve, then the point as MPI. */
static int parse_curve_key(copa__pgp_key *key, copa__pgp_reader *r)
{
    unsigned oid_len;
    const uint8_t *oid, *point;
    size_t point_len;

    if (copa__pgp_read_u8(r, &oid_len) != 0 || copa__pgp_read_bytes(r, oid_len, &oid) != 0 ||
        copa__pgp_read_mpi(r, &point, &point_len) != 0)
        return -1;
    if (key->algo == COPA_PGP_ALGO_EDDSA_LEGACY) {
        /* The point is 0x40 followed by the 32-octet native public key. */
        if (oid_is(oid, oid_len, OID_ED25519, sizeof(OID_ED25519)) && point_len == 33 &&
            point[0] == 0x40)
            key->pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, point + 1, 32);
    } else if (oid_is(oid, oid_len, OID_P256, sizeof(OID_P256))) {
        key->pkey = ec_key("P-256", point, point_len);
    } else if (oid_is(oid, oid_len, OID_P384, sizeof(OID_P384))) {
        key->pkey = ec_key("P-384", point, point_len);
    } else if (oid_is(oid, oid_len, OID_P521, sizeof(OID_P521))) {
        key->pkey = ec_key("P-521", point, point_len);
    }
    return 0;
}

static int parse_material(copa__pgp_key *key, copa__pgp_reader *r)
{
    const uint8_t *n, *e, *raw;
    size_t n_len, e_len;

    switch (key->algo) {
    case COPA_PGP_ALGO_RSA:
    case COPA_PGP_ALGO_RSA_SIGN:
        if (copa__pgp_read_mpi(r, &n, &n_len) != 0 || copa__pgp_read_mpi(r, &e, &e_len) != 0)
            return -1;
        while (n_len > 0 && n[0] == 0) {
            n++;
            n_len--;
        }
        key->bits = (unsigned)(n_len * 8);
        if (n_len > 0 && n_len <= 2048) /* up to 16384-bit moduli */
            key->pkey = rsa_key(n, n_len, e, e_len);
        return 0;
    case COPA_PGP_ALGO_ECDSA:
    case COPA_PGP_ALGO_EDDSA_LEGACY:
        return parse_curve_key(key, r);
    case COPA_PGP_ALGO_ED25519:
        if (copa__pgp_read_bytes(r, 32, &raw) != 0)
            return -1;
        key->pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw, 32);
        return 0;
    default:
        return 0; /* encryption-only or unknown: kept for its fingerprint only */
    }
}

static int fingerprint(copa__pgp_key *key)
{
    uint8_t prefix[5];
    size_t prefix_len;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned len = 0;
    int ok;

    if (key->version == 4) {
        prefix[0] = 0x99;
        prefix[1] = (uint8_t)(key->packet_len >> 8);
        prefix[2] = (uint8_t)key->packet_len;
        prefix_len = 3;
    } else {
        prefix[0] = 0x9B;
        prefix[1] = (uint8_t)(key->packet_len >> 24);
        prefix[2] = (uint8_t)(key->packet_len >> 16);
        prefix[3] = (uint8_t)(key->packet_len >> 8);
        prefix[4] = (uint8_t)key->packet_len;
        prefix_len = 5;
    }
    ok = ctx != NULL &&
         EVP_DigestInit_ex(ctx, key->version == 4 ? EVP_sha1() : EVP_sha256(), NULL) == 1 &&
         EVP_DigestUpdate(ctx, prefix, prefix_len) == 1 &&
         EVP_DigestUpdate(ctx, key->packet, key->packet_len) == 1 &&
         EVP_DigestFinal_ex(ctx, key->fpr, &len) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return copa__error_set(COPA_ERROR, "cannot compute a key fingerprint");
    key->fpr_len = len;
    /* v4 key IDs are the low 64 bits of the fingerprint, v6 the high 64. */
    memcpy(key->key_id, key->version == 4 ? key->fpr + 12 : key->fpr, 8);
    return 0;
}

int copa__pgp_key_parse(copa__pgp_key *key, const uint8_t *body, size_t len)
{
    copa__pgp_reader r = {body, len, 0};
    unsigned version, algo;
    uint32_t created, material_len;

    memset(key, 0, sizeof(*key));
    if (copa__pgp_read_u8(&r, &version) != 0)
        return copa__error_set(COPA_EINVALID, "key: empty packet");
    if (version != 4 && version != 6)
        return copa__error_set(COPA_EUNSUPPORTED, "key: version %u is not supported", version);
    if (version == 4 && len > 0xFFFF)
        return copa__error_set(COPA_EINVALID, "key: v4 key packet longer than 65535 octets");
    if (copa__pgp_read_u32(&r, &created) != 0 || copa__pgp_read_u8(&r, &algo) != 0 ||
        (version == 6 &&
         (copa__pgp_read_u32(&r, &material_len) != 0 || material_len != len - r.pos)))
        return copa__error_set(COPA_EINVALID, "key: truncated header");
    key->version = (int)version;
    key->created = created;
    key->algo = (int)algo;
    if (parse_material(key, &r) != 0) {
        copa__pgp_key_clear(key);
        return copa__error_set(COPA_EINVALID, "key: truncated key material (algorithm %u)", algo);
    }
    key->packet = malloc(len ? len : 1);
    if (key->packet == NULL) {
        copa__pgp_key_clear(key);
        return copa__error_oom();
    }
    memcpy(key->packet, body, len);
    key->packet_len = len;
    ERR_clear_error(); /* a key OpenSSL refused (bad point) is kept, unusable */
    return fingerprint(key);
}

void copa__pgp_key_clear(copa__pgp_key *key)
{
    EVP_PKEY_free(key->pkey);
    free(key->packet);
    free(key->bindings);
    memset(key, 0, sizeof(*key));
}

int copa__pgp_key_hash(EVP_MD_CTX *ctx, const copa__pgp_key *key)
{
    uint8_t prefix[5];
    size_t n = key->packet_len, prefix_len = 3;

    if (key->version == 4) {
        prefix[0] = 0x99;
        prefix[1] = (uint8_t)(n >> 8);
        prefix[2] = (uint8_t)n;
    } else {
        prefix[0] = 0x9B;
        prefix[1] = (uint8_t)(n >> 24);
        prefix[2] = (uint8_t)(n >> 16);
        prefix[3] = (uint8_t)(n >> 8);
        prefix[4] = (uint8_t)n;
        prefix_len = 5;
    }
    if (EVP_DigestUpdate(ctx, prefix, prefix_len) != 1 ||
        EVP_DigestUpdate(ctx, key->packet, n) != 1)
        return copa__error_set(COPA_ERROR, "digest update failed");
    return 0;
}

/* Left-pad an MPI with zeros to `width` octets; -1 if it is wider. */
static int pad_to(uint8_t *out, size_t width, const uint8_t *mpi, size_t len)
{
    while (len > 0 && mpi[0] == 0) {
        mpi++;
        len--;
    }
    if (len > width)
        return -1;
    memset(out, 0, width - len);
    memcpy(out + width - len, mpi, len);
    return 0;
}

static int verify_pkey(EVP_PKEY *pkey, int rsa, const EVP_MD *md, const uint8_t *sig,
                       size_t sig_len, const uint8_t *digest, size_t digest_len)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    int ok = ctx != NULL && EVP_PKEY_verify_init(ctx) == 1 &&
             (!rsa || (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
                       EVP_PKEY_CTX_set_signature_md(ctx, md) == 1)) &&
             EVP_PKEY_verify(ctx, sig, sig_len, digest, digest_len) == 1;

    EVP_PKEY_CTX_free(ctx);
    return ok;
}

static int verify_ecdsa(EVP_PKEY *pkey, const copa__pgp_sig *sig, const uint8_t *digest,
                        size_t digest_len)
{
    ECDSA_SIG *ecdsa = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig->mpi[0], (int)sig->mpi_len[0], NULL);
    BIGNUM *s = BN_bin2bn(sig->mpi[1], (int)sig->mpi_len[1], NULL);
    unsigned char *der = NULL;
    int der_len = -1, ok = 0;

    if (ecdsa != NULL && r != NULL && s != NULL && ECDSA_SIG_set0(ecdsa, r, s) == 1) {
        r = s = NULL; /* owned by ecdsa now */
        der_len = i2d_ECDSA_SIG(ecdsa, &der);
    }
    if (der_len > 0)
        ok = verify_pkey(pkey, 0, NULL, der, (size_t)der_len, digest, digest_len);
    OPENSSL_free(der);
    ECDSA_SIG_free(ecdsa);
    BN_free(r);
    BN_free(s);
    return ok;
}

static int verify_eddsa(EVP_PKEY *pkey, const copa__pgp_sig *sig, const uint8_t *digest,
                        size_t digest_len)
{
    uint8_t raw[64];
    EVP_MD_CTX *ctx;
    int ok;

    if (sig->pk_algo == COPA_PGP_ALGO_ED25519) {
        memcpy(raw, sig->mpi[0], 64);
    } else if (pad_to(raw, 32, sig->mpi[0], sig->mpi_len[0]) != 0 ||
               pad_to(raw + 32, 32, sig->mpi[1], sig->mpi_len[1]) != 0) {
        return 0;
    }
    /* EdDSA in OpenPGP signs the digest itself as the message. */
    ctx = EVP_MD_CTX_new();
    ok = ctx != NULL && EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, pkey, NULL) == 1 &&
         EVP_DigestVerify(ctx, raw, sizeof(raw), digest, digest_len) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

int copa__pgp_key_verify(const copa__pgp_key *key, const copa__pgp_sig *sig, const uint8_t *digest,
                         size_t digest_len)
{
    int ok = 0;

    if (key->pkey == NULL)
        return copa__error_set(COPA_EVERIFY, "key algorithm %d cannot verify signatures",
                               key->algo);
    /* RFC 9580: v6 keys make v6 signatures, and only they do. */
    if ((key->version == 6) != (sig->version == 6))
        return copa__error_set(COPA_EVERIFY, "v%d signature by a v%d key", sig->version,
                               key->version);
    if (sig->pk_algo != key->algo &&
        !(sig->pk_algo == COPA_PGP_ALGO_RSA_SIGN && key->algo == COPA_PGP_ALGO_RSA))
        return copa__error_set(COPA_EVERIFY,
                               "signature algorithm %d does not match key "
                               "algorithm %d",
                               sig->pk_algo, key->algo);
    /* The first two digest octets are stored in the clear: a cheap check. */
    if (digest_len < 2 || memcmp(digest, sig->left16, 2) != 0)
        return copa__error_set(COPA_EVERIFY, "bad signature (digest prefix mismatch)");
    if (key->algo == COPA_PGP_ALGO_RSA || key->algo == COPA_PGP_ALGO_RSA_SIGN) {
        size_t width = (size_t)EVP_PKEY_get_size(key->pkey);
        uint8_t *buf = malloc(width ? width : 1);
        if (buf == NULL)
            return copa__error_oom();
        ok = pad_to(buf, width, sig->mpi[0], sig->mpi_len[0]) == 0 &&
             verify_pkey(key->pkey, 1, copa__pgp_hash_md(sig->hash_algo), buf, width, digest,
                         digest_len);
        free(buf);
    } else if (key->algo == COPA_PGP_ALGO_ECDSA) {
        ok = verify_ecdsa(key->pkey, sig, digest, digest_len);
    } else {
        ok = verify_eddsa(key->pkey, sig, digest, digest_len);
    }
    ERR_clear_error(); /* leave no OpenSSL errors behind for unrelated callers */
    return ok ? 0 : copa__error_set(COPA_EVERIFY, "bad signature");
}
