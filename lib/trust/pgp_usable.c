/*
 * Which keys may sign at a given time, and which hashes are acceptable.
 */
#include "trust/pgp_keyring.h"

#include <string.h>

#include "trust/pgp_packet.h"
#include "util/error.h"

/*
 * apt (methods/gpgv.cc) reads gpgv's VALIDSIG status and treats data
 * signatures made with MD5, SHA-1 or RIPEMD-160 as untrusted: the
 * repository counts as unsigned. We do the same and accept SHA-2 only.
 */
int copa__pgp_hash_ok_for_data(int hash_algo)
{
    return hash_algo == COPA_PGP_HASH_SHA224 || hash_algo == COPA_PGP_HASH_SHA256 ||
           hash_algo == COPA_PGP_HASH_SHA384 || hash_algo == COPA_PGP_HASH_SHA512;
}

/*
 * gpgv, which apt runs, still accepts SHA-1 binding signatures on keys:
 * archive keys made years ago may carry them, and a collision there lets
 * nobody but the key owner forge anything. MD5 and RIPEMD-160 are out.
 */
int copa__pgp_hash_ok_for_keys(int hash_algo)
{
    return hash_algo == COPA_PGP_HASH_SHA1 || copa__pgp_hash_ok_for_data(hash_algo);
}

size_t copa__pgp_keyring_find(const copa__pgp_keyring *keyring, const copa__pgp_sig *sig,
                              size_t *out, size_t max)
{
    size_t i, n = 0;

    for (i = 0; i < keyring->n && n < max; i++) {
        const copa__pgp_key *key = &keyring->keys[i];
        if (sig->issuer_fpr_len != 0) {
            if (sig->issuer_fpr_len == key->fpr_len &&
                memcmp(sig->issuer_fpr, key->fpr, key->fpr_len) == 0)
                out[n++] = i;
        } else if (sig->has_issuer_id && memcmp(sig->issuer_id, key->key_id, 8) == 0) {
            out[n++] = i;
        }
    }
    return n;
}

/* The newest binding in force at `now`, or NULL. */
static const copa__pgp_binding *current(const copa__pgp_key *key, int64_t now)
{
    const copa__pgp_binding *best = NULL;
    size_t i;

    for (i = 0; i < key->n_bindings; i++) {
        const copa__pgp_binding *b = &key->bindings[i];
        if (b->created > now || (b->sig_expire != 0 && b->created + b->sig_expire <= now))
            continue;
        if (best == NULL || b->created >= best->created)
            best = b;
    }
    return best;
}

static int algo_can_sign(int algo)
{
    return algo == COPA_PGP_ALGO_RSA || algo == COPA_PGP_ALGO_RSA_SIGN ||
           algo == COPA_PGP_ALGO_ECDSA || algo == COPA_PGP_ALGO_EDDSA_LEGACY ||
           algo == COPA_PGP_ALGO_ED25519;
}

/* Without a key flags subpacket the algorithm decides, as in GnuPG. */
static int may_sign(const copa__pgp_binding *b, int algo)
{
    return b->has_flags ? (b->flags & COPA_PGP_FLAG_SIGN) != 0 : algo_can_sign(algo);
}

static int expired(const copa__pgp_key *key, const copa__pgp_binding *b, int64_t now)
{
    return b->key_expire != 0 && key->created + (int64_t)b->key_expire <= now;
}

int copa__pgp_keyring_usable(const copa__pgp_keyring *keyring, const copa__pgp_key *key,
                             int64_t now)
{
    const copa__pgp_key *primary = &keyring->keys[key->primary];
    const copa__pgp_binding *pb = current(primary, now), *kb;
    char id[17];

    copa__pgp_hex(id, key->key_id, 8);
    if (primary->revoked)
        return copa__error_set(COPA_EVERIFY, "key %s: revoked key", id);
    if (pb == NULL)
        return copa__error_set(COPA_EVERIFY, "key %s: no valid self-signature", id);
    if (expired(primary, pb, now))
        return copa__error_set(COPA_EVERIFY, "key %s: expired key", id);
    if (!key->is_subkey)
        return may_sign(pb, key->algo)
                   ? 0
                   : copa__error_set(COPA_EVERIFY, "key %s: key is not signing-capable", id);
    if (key->revoked)
        return copa__error_set(COPA_EVERIFY, "key %s: revoked key (subkey)", id);
    kb = current(key, now);
    if (kb == NULL)
        return copa__error_set(COPA_EVERIFY, "key %s: subkey has no valid binding", id);
    if (expired(key, kb, now))
        return copa__error_set(COPA_EVERIFY, "key %s: expired key (subkey)", id);
    if (!may_sign(kb, key->algo))
        return copa__error_set(COPA_EVERIFY, "key %s: subkey is not signing-capable", id);
    if (!kb->backsig_ok)
        return copa__error_set(COPA_EVERIFY,
                               "key %s: signing subkey lacks a valid primary key binding", id);
    return 0;
}
