/*
 * OpenPGP signature packets (v4 and v6): parsing, subpackets and the hash
 * that a signature covers.
 */
#ifndef COPA_LIB_TRUST_PGP_SIG_H
#define COPA_LIB_TRUST_PGP_SIG_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

enum {
    COPA_PGP_SIG_BINARY = 0x00,
    COPA_PGP_SIG_TEXT = 0x01,
    COPA_PGP_SIG_CERT_GENERIC = 0x10,
    COPA_PGP_SIG_CERT_POSITIVE = 0x13,
    COPA_PGP_SIG_SUBKEY_BINDING = 0x18,
    COPA_PGP_SIG_PRIMARY_BINDING = 0x19,
    COPA_PGP_SIG_DIRECT_KEY = 0x1F,
    COPA_PGP_SIG_KEY_REVOCATION = 0x20,
    COPA_PGP_SIG_SUBKEY_REVOCATION = 0x28
};

enum {
    COPA_PGP_HASH_MD5 = 1,
    COPA_PGP_HASH_SHA1 = 2,
    COPA_PGP_HASH_RIPEMD160 = 3,
    COPA_PGP_HASH_SHA256 = 8,
    COPA_PGP_HASH_SHA384 = 9,
    COPA_PGP_HASH_SHA512 = 10,
    COPA_PGP_HASH_SHA224 = 11
};

/* Key flags (subpacket 27, first octet). */
enum { COPA_PGP_FLAG_CERTIFY = 0x01, COPA_PGP_FLAG_SIGN = 0x02 };

/* A parsed signature; pointers refer into the packet body it came from. */
typedef struct copa__pgp_sig {
    int version, type, pk_algo, hash_algo;
    const uint8_t *hashed; /* version octet up to the end of the hashed subpackets */
    size_t hashed_len;
    const uint8_t *salt; /* v6 only */
    size_t salt_len;
    uint8_t left16[2];
    const uint8_t *mpi[2]; /* RSA: s; ECDSA/EdDSA: r, s; Ed25519: the 64 octets */
    size_t mpi_len[2];
    int64_t created;
    int has_created;
    uint32_t sig_expire; /* seconds after creation; 0 = never */
    uint32_t key_expire; /* seconds after key creation; 0 = never */
    int has_key_flags;
    unsigned key_flags;
    int has_issuer_id;
    uint8_t issuer_id[8];
    size_t issuer_fpr_len; /* 0 when absent */
    uint8_t issuer_fpr[32];
    const uint8_t *embedded; /* body of an embedded signature (subpacket 32) */
    size_t embedded_len;
    int unknown_critical; /* a critical hashed subpacket we do not understand */
} copa__pgp_sig;

/*
 * Parse a signature packet body. COPA_EINVALID when malformed,
 * COPA_EUNSUPPORTED for versions other than 4 and 6.
 */
int copa__pgp_sig_parse(copa__pgp_sig *out, const uint8_t *body, size_t len);

/* The OpenSSL digest for an OpenPGP hash algorithm, or NULL. */
const EVP_MD *copa__pgp_hash_md(int hash_algo);

/* Name of a hash algorithm for messages ("SHA256", "algorithm 7"). */
const char *copa__pgp_hash_name(int hash_algo);

/*
 * Start the hash of `sig` (v6: the salt goes first). Feed the signed data
 * with EVP_DigestUpdate, then finish with copa__pgp_sig_hash_final.
 */
int copa__pgp_sig_hash_init(EVP_MD_CTX **out, const copa__pgp_sig *sig);

/* Append the hashed part of the signature and its trailer; frees ctx. */
int copa__pgp_sig_hash_final(EVP_MD_CTX *ctx, const copa__pgp_sig *sig, uint8_t *digest,
                             unsigned *digest_len);

#endif
