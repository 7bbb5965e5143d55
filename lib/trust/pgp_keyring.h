/*
 * The keyring's insides, shared by loading and verification.
 */
#ifndef COPA_LIB_TRUST_PGP_KEYRING_H
#define COPA_LIB_TRUST_PGP_KEYRING_H

#include "trust/pgp.h"
#include "trust/pgp_key.h"

struct copa__pgp_keyring {
    copa__pgp_key *keys; /* primaries and subkeys; a subkey follows its primary */
    size_t n, cap;
    size_t n_primary;
};

/*
 * Keys that may have made `sig` (by issuer fingerprint, else issuer key
 * ID): up to `max` indexes into keyring->keys. Returns how many matched.
 */
size_t copa__pgp_keyring_find(const copa__pgp_keyring *keyring, const copa__pgp_sig *sig,
                              size_t *out, size_t max);

/*
 * Whether the key may sign data at `now`: its primary is self-signed, not
 * revoked or expired; the key has the sign flag and, for a subkey, a valid
 * binding with a primary key binding signature. COPA_EVERIFY names why not.
 */
int copa__pgp_keyring_usable(const copa__pgp_keyring *keyring, const copa__pgp_key *key,
                             int64_t now);

/* Hash algorithms acceptable for key self-signatures (SHA-1 still is). */
int copa__pgp_hash_ok_for_keys(int hash_algo);

/* Hash algorithms acceptable for data signatures (SHA-2 only). */
int copa__pgp_hash_ok_for_data(int hash_algo);

#endif
