/*
 * OpenPGP signature verification for repository metadata (apt InRelease,
 * Release + Release.gpg) against a keyring of trusted public keys, on
 * OpenSSL's libcrypto. Internal API; see docs/openpgp.md for what is
 * supported and what is rejected.
 */
#ifndef COPA_LIB_TRUST_PGP_H
#define COPA_LIB_TRUST_PGP_H

#include <stddef.h>
#include <stdint.h>

typedef struct copa__pgp_keyring copa__pgp_keyring;

/* One keyring file: binary packets or ASCII armor (one or more blocks). */
typedef struct copa__pgp_input {
    const char *name; /* for error messages, e.g. the path */
    const void *data;
    size_t len;
} copa__pgp_input;

/* What a successful verification found. */
typedef struct copa__pgp_result {
    char fingerprint[65];         /* hex, upper case: the key that signed (maybe a subkey) */
    char primary_fingerprint[65]; /* hex: its primary key (same as above for a primary) */
    char key_id[17];              /* hex: the signing key's key ID */
    int64_t sig_time;             /* signature creation time, seconds since the epoch */
    int hash_algo;                /* OpenPGP hash algorithm number */
    char *text;                   /* cleartext only: the signed text, LF line ends; owned */
    size_t text_len;
} copa__pgp_result;

/* An empty keyring. */
int copa__pgp_keyring_create(copa__pgp_keyring **out);

/*
 * Add the keys of one file (binary or armored). Self-signatures, subkey
 * bindings and revocations are verified here; keys whose version or
 * algorithm is unsupported are skipped. COPA_EINVALID for malformed input
 * (the message names `name` and what is wrong).
 */
int copa__pgp_keyring_add(copa__pgp_keyring *keyring, const char *name, const void *data,
                          size_t len);

/* Create a keyring from several files at once; *out is NULL on failure. */
int copa__pgp_keyring_load(copa__pgp_keyring **out, const copa__pgp_input *files, size_t count);

/*
 * Keep only the keys named in `fprs` (hex fingerprints, case-insensitive,
 * an optional trailing '!'): a primary key stays, with its subkeys, when
 * its fingerprint or one of its subkeys' is listed. 0 or COPA_ENOMEM.
 */
int copa__pgp_keyring_retain(copa__pgp_keyring *keyring, const char *const *fprs, size_t count);

/* Number of primary keys held. */
size_t copa__pgp_keyring_count(const copa__pgp_keyring *keyring);

void copa__pgp_keyring_free(copa__pgp_keyring *keyring);

/*
 * Verify a cleartext-signed message (InRelease). On success fills *result,
 * including result->text, the exact signed text to parse. `now` is the
 * time at which keys must be valid. One good signature by a usable key
 * suffices; signatures by unknown keys are ignored. Returns COPA_EVERIFY
 * (bad signature, unknown/expired/revoked key, weak hash, no signature) or
 * COPA_EINVALID (malformed message).
 */
int copa__pgp_verify_cleartext(copa__pgp_result *result, const copa__pgp_keyring *keyring,
                               const void *message, size_t len, int64_t now);

/*
 * Verify a detached signature (binary or armored, one or more signature
 * packets) over `data`. Same rules and errors as the cleartext variant;
 * result->text stays NULL.
 */
int copa__pgp_verify_detached(copa__pgp_result *result, const copa__pgp_keyring *keyring,
                              const void *data, size_t data_len, const void *signature,
                              size_t sig_len, int64_t now);

/* Free what a result owns (the text) and zero it. */
void copa__pgp_result_clear(copa__pgp_result *result);

#endif
