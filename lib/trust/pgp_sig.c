/*
 * Signature packets: v4 (RFC 4880 5.2.3) and v6 (RFC 9580 5.2.3). Values
 * that matter for trust (times, flags) are taken only from the hashed
 * area; the unhashed area contributes only hints (issuer) that are checked
 * cryptographically anyway.
 */
#include "trust/pgp_sig.h"

#include <stdio.h>
#include <string.h>

#include "trust/pgp_key.h"
#include "trust/pgp_packet.h"
#include "util/error.h"

enum {
    SUB_CREATED = 2,
    SUB_SIG_EXPIRE = 3,
    SUB_KEY_EXPIRE = 9,
    SUB_ISSUER = 16,
    SUB_NOTATION = 20,
    SUB_KEY_FLAGS = 27,
    SUB_EMBEDDED = 32,
    SUB_ISSUER_FPR = 33
};

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Subpackets we understand well enough to honour when marked critical. */
static int understood(unsigned type)
{
    switch (type) {
    case SUB_CREATED:
    case SUB_SIG_EXPIRE:
    case 4: /* exportable */
    case 7: /* revocable */
    case SUB_KEY_EXPIRE:
    case 11: /* preferred ciphers */
    case 12: /* revocation key: designated revokers are not honoured */
    case SUB_ISSUER:
    case 21:
    case 22:
    case 23:
    case 24:
    case 25:
    case 26:
    case SUB_KEY_FLAGS:
    case 28:
    case 29:
    case 30:
    case 31:
    case SUB_EMBEDDED:
    case SUB_ISSUER_FPR:
    case 34:
    case 35:
    case 39:
        return 1;
    default:
        return 0;
    }
}

static int sub_hashed(copa__pgp_sig *sig, unsigned type, const uint8_t *d, size_t n)
{
    switch (type) {
    case SUB_CREATED:
        if (n != 4)
            return -1;
        sig->created = be32(d);
        sig->has_created = 1;
        break;
    case SUB_SIG_EXPIRE:
        if (n != 4)
            return -1;
        sig->sig_expire = be32(d);
        break;
    case SUB_KEY_EXPIRE:
        if (n != 4)
            return -1;
        sig->key_expire = be32(d);
        break;
    case SUB_KEY_FLAGS:
        sig->has_key_flags = 1;
        sig->key_flags = n > 0 ? d[0] : 0;
        break;
    default:
        break;
    }
    return 0;
}

static int sub_any(copa__pgp_sig *sig, unsigned type, const uint8_t *d, size_t n)
{
    if (type == SUB_ISSUER) {
        if (n != 8)
            return -1;
        memcpy(sig->issuer_id, d, 8);
        sig->has_issuer_id = 1;
    } else if (type == SUB_ISSUER_FPR) {
        if (n < 1 || (d[0] == 4 && n != 21) || (d[0] == 6 && n != 33))
            return -1;
        if ((d[0] == 4 || d[0] == 6) && sig->issuer_fpr_len == 0) {
            sig->issuer_fpr_len = n - 1;
            memcpy(sig->issuer_fpr, d + 1, n - 1);
        }
    } else if (type == SUB_EMBEDDED && sig->embedded == NULL) {
        sig->embedded = d;
        sig->embedded_len = n;
    }
    return 0;
}

static int parse_area(copa__pgp_sig *sig, const uint8_t *p, size_t len, int hashed)
{
    size_t pos = 0, hdr, n;

    while (pos < len) {
        unsigned type;
        if (copa__pgp_subpacket_length(p + pos, len - pos, &hdr, &n) != 0 || n == 0)
            return copa__error_set(COPA_EINVALID, "signature: truncated subpacket");
        type = p[pos + hdr] & 0x7F;
        if (hashed && (p[pos + hdr] & 0x80) && !understood(type))
            sig->unknown_critical = 1;
        if ((hashed && sub_hashed(sig, type, p + pos + hdr + 1, n - 1) != 0) ||
            sub_any(sig, type, p + pos + hdr + 1, n - 1) != 0)
            return copa__error_set(COPA_EINVALID, "signature: malformed subpacket %u", type);
        pos += hdr + n;
    }
    return 0;
}

/* Algorithm-specific signature material. */
static int parse_material(copa__pgp_sig *sig, copa__pgp_reader *r)
{
    switch (sig->pk_algo) {
    case COPA_PGP_ALGO_RSA:
    case COPA_PGP_ALGO_RSA_SIGN:
        return copa__pgp_read_mpi(r, &sig->mpi[0], &sig->mpi_len[0]);
    case COPA_PGP_ALGO_ECDSA:
    case COPA_PGP_ALGO_EDDSA_LEGACY:
        if (copa__pgp_read_mpi(r, &sig->mpi[0], &sig->mpi_len[0]) != 0)
            return -1;
        return copa__pgp_read_mpi(r, &sig->mpi[1], &sig->mpi_len[1]);
    case COPA_PGP_ALGO_ED25519:
        sig->mpi_len[0] = 64;
        return copa__pgp_read_bytes(r, 64, &sig->mpi[0]);
    default:
        return 0; /* unknown algorithm: no key will verify it */
    }
}

int copa__pgp_sig_parse(copa__pgp_sig *out, const uint8_t *body, size_t len)
{
    copa__pgp_reader r = {body, len, 0};
    unsigned version, type, pk, hash, salt_len;
    uint32_t area_len;
    const uint8_t *area, *left;
    int rc;

    memset(out, 0, sizeof(*out));
    if (copa__pgp_read_u8(&r, &version) != 0)
        return copa__error_set(COPA_EINVALID, "signature: empty packet");
    if (version != 4 && version != 6)
        return copa__error_set(COPA_EUNSUPPORTED, "signature: version %u is not supported",
                               version);
    out->version = (int)version;
    if (copa__pgp_read_u8(&r, &type) != 0 || copa__pgp_read_u8(&r, &pk) != 0 ||
        copa__pgp_read_u8(&r, &hash) != 0)
        return copa__error_set(COPA_EINVALID, "signature: truncated header");
    out->type = (int)type;
    out->pk_algo = (int)pk;
    out->hash_algo = (int)hash;
    for (int hashed = 1; hashed >= 0; hashed--) {
        unsigned short_len;
        if (version == 4) {
            rc = copa__pgp_read_u16(&r, &short_len);
            area_len = short_len;
        } else {
            rc = copa__pgp_read_u32(&r, &area_len);
        }
        if (rc != 0 || copa__pgp_read_bytes(&r, area_len, &area) != 0)
            return copa__error_set(COPA_EINVALID, "signature: truncated subpacket area");
        if (hashed)
            out->hashed_len = r.pos;
        rc = parse_area(out, area, area_len, hashed);
        if (rc != 0)
            return rc;
    }
    out->hashed = body;
    if (copa__pgp_read_bytes(&r, 2, &left) != 0)
        return copa__error_set(COPA_EINVALID, "signature: truncated hash prefix");
    memcpy(out->left16, left, 2);
    if (version == 6 && (copa__pgp_read_u8(&r, &salt_len) != 0 ||
                         copa__pgp_read_bytes(&r, salt_len, &out->salt) != 0))
        return copa__error_set(COPA_EINVALID, "signature: truncated salt");
    out->salt_len = version == 6 ? salt_len : 0;
    if (parse_material(out, &r) != 0)
        return copa__error_set(COPA_EINVALID, "signature: truncated signature material");
    if (!out->has_created)
        return copa__error_set(COPA_EINVALID, "signature: no hashed creation time");
    return 0;
}

const EVP_MD *copa__pgp_hash_md(int hash_algo)
{
    switch (hash_algo) {
    case COPA_PGP_HASH_MD5:
        return EVP_md5();
    case COPA_PGP_HASH_SHA1:
        return EVP_sha1();
    case COPA_PGP_HASH_SHA256:
        return EVP_sha256();
    case COPA_PGP_HASH_SHA384:
        return EVP_sha384();
    case COPA_PGP_HASH_SHA512:
        return EVP_sha512();
    case COPA_PGP_HASH_SHA224:
        return EVP_sha224();
    default:
        return NULL;
    }
}

const char *copa__pgp_hash_name(int hash_algo)
{
    static const char *const names[] = {NULL,     "MD5",    "SHA1",     "RIPEMD160", NULL,
                                        NULL,     NULL,     NULL,       "SHA256",    "SHA384",
                                        "SHA512", "SHA224", "SHA3-256", NULL,        "SHA3-512"};
    if (hash_algo > 0 && hash_algo < (int)(sizeof(names) / sizeof(names[0])) &&
        names[hash_algo] != NULL)
        return names[hash_algo];
    return "unknown";
}

int copa__pgp_sig_hash_init(EVP_MD_CTX **out, const copa__pgp_sig *sig)
{
    const EVP_MD *md = copa__pgp_hash_md(sig->hash_algo);
    EVP_MD_CTX *ctx;

    if (md == NULL)
        return copa__error_set(COPA_EUNSUPPORTED, "hash algorithm %d is not supported",
                               sig->hash_algo);
    ctx = EVP_MD_CTX_new();
    if (ctx == NULL || EVP_DigestInit_ex(ctx, md, NULL) != 1 ||
        (sig->salt_len > 0 && EVP_DigestUpdate(ctx, sig->salt, sig->salt_len) != 1)) {
        EVP_MD_CTX_free(ctx);
        return copa__error_set(COPA_ERROR, "cannot start a %s digest",
                               copa__pgp_hash_name(sig->hash_algo));
    }
    *out = ctx;
    return 0;
}

int copa__pgp_sig_hash_final(EVP_MD_CTX *ctx, const copa__pgp_sig *sig, uint8_t *digest,
                             unsigned *digest_len)
{
    /* Both v4 and v6: version, 0xFF, then the hashed length as 4 octets. */
    uint8_t trailer[6] = {(uint8_t)sig->version,
                          0xFF,
                          (uint8_t)(sig->hashed_len >> 24),
                          (uint8_t)(sig->hashed_len >> 16),
                          (uint8_t)(sig->hashed_len >> 8),
                          (uint8_t)sig->hashed_len};
    int ok = EVP_DigestUpdate(ctx, sig->hashed, sig->hashed_len) == 1 &&
             EVP_DigestUpdate(ctx, trailer, sizeof(trailer)) == 1 &&
             EVP_DigestFinal_ex(ctx, digest, digest_len) == 1;

    EVP_MD_CTX_free(ctx);
    return ok ? 0 : copa__error_set(COPA_ERROR, "digest computation failed");
}
