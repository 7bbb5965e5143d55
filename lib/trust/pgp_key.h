/*
 * OpenPGP public key packets (v4, v6): parsing, fingerprints, and the
 * OpenSSL key that checks signatures made with them.
 */
#ifndef COPA_LIB_TRUST_PGP_KEY_H
#define COPA_LIB_TRUST_PGP_KEY_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "trust/pgp_sig.h"

enum {
    COPA_PGP_ALGO_RSA = 1,
    COPA_PGP_ALGO_RSA_SIGN = 3,
    COPA_PGP_ALGO_ECDSA = 19,
    COPA_PGP_ALGO_EDDSA_LEGACY = 22,
    COPA_PGP_ALGO_ED25519 = 27
};

/* One verified self-signature or binding: what it says about the key. */
typedef struct copa__pgp_binding {
    int64_t created;
    uint32_t sig_expire;
    uint32_t key_expire;
    int has_flags;
    unsigned flags;
    int backsig_ok; /* subkeys: a valid primary key binding (0x19) was embedded */
} copa__pgp_binding;

typedef struct copa__pgp_key {
    int version;
    int64_t created;
    int algo;
    uint8_t *packet; /* the key packet body, owned: it is hashed by key signatures */
    size_t packet_len;
    uint8_t fpr[32];
    size_t fpr_len;
    uint8_t key_id[8];
    EVP_PKEY *pkey; /* NULL when the algorithm cannot sign or is unsupported */
    unsigned bits;  /* RSA modulus size */
    size_t primary; /* index of the primary key in the keyring (itself for a primary) */
    int is_subkey;
    copa__pgp_binding *bindings;
    size_t n_bindings;
    int revoked;
} copa__pgp_key;

/*
 * Parse a public key packet body into key (packet copied). COPA_EINVALID
 * for malformed packets, COPA_EUNSUPPORTED for other versions.
 */
int copa__pgp_key_parse(copa__pgp_key *key, const uint8_t *body, size_t len);

void copa__pgp_key_clear(copa__pgp_key *key);

/* Feed the key as signatures over keys hash it (0x99/0x9B prefix). */
int copa__pgp_key_hash(EVP_MD_CTX *ctx, const copa__pgp_key *key);

/*
 * Check sig's cryptographic signature over `digest` with key. 0 when
 * valid, COPA_EVERIFY when not (message says why).
 */
int copa__pgp_key_verify(const copa__pgp_key *key, const copa__pgp_sig *sig, const uint8_t *digest,
                         size_t digest_len);

#endif
