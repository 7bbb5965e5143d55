/*
 * Verifying document signatures against a keyring, the way apt judges
 * gpgv's verdict: one good signature by a usable trusted key suffices,
 * signatures by unknown keys are ignored, and every failure is reported
 * with the key ID it concerns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trust/pgp_armor.h"
#include "trust/pgp_cleartext.h"
#include "trust/pgp_keyring.h"
#include "trust/pgp_packet.h"
#include "util/error.h"

#define MAX_CANDIDATES 8

/* The signed data and how to feed it to the digest. */
typedef struct signed_data {
    const uint8_t *data;
    size_t len;
    int canonical;   /* already in canonical text form (cleartext) */
    unsigned hashes; /* allowed by "Hash:" headers; 0 = any */
} signed_data;

/* The most telling failure so far: known-key problems beat unknown keys. */
typedef struct verdict {
    int rank; /* 0 none, 1 unknown key, 2 problem with a known key */
    char message[256];
} verdict;

static void note(verdict *v, int rank, const char *id, const char *why)
{
    if (rank <= v->rank)
        return;
    v->rank = rank;
    snprintf(v->message, sizeof(v->message), "signature by key %s: %s", id, why);
}

/* Text signatures hash line ends as CRLF. */
static int feed_text(EVP_MD_CTX *ctx, const uint8_t *p, size_t len)
{
    size_t i, start = 0;

    for (i = 0; i < len; i++) {
        if (p[i] != '\n' || (i > 0 && p[i - 1] == '\r'))
            continue;
        if (EVP_DigestUpdate(ctx, p + start, i - start) != 1 ||
            EVP_DigestUpdate(ctx, "\r\n", 2) != 1)
            return -1;
        start = i + 1;
    }
    return EVP_DigestUpdate(ctx, p + start, len - start) == 1 ? 0 : -1;
}

static int digest_of(const copa__pgp_sig *sig, const signed_data *sd, uint8_t *digest,
                     unsigned *digest_len)
{
    EVP_MD_CTX *ctx;
    int rc = copa__pgp_sig_hash_init(&ctx, sig);

    if (rc != 0)
        return rc;
    if (sig->type == COPA_PGP_SIG_TEXT && !sd->canonical)
        rc = feed_text(ctx, sd->data, sd->len);
    else
        rc = EVP_DigestUpdate(ctx, sd->data, sd->len) == 1 ? 0 : -1;
    if (rc != 0) {
        EVP_MD_CTX_free(ctx);
        return copa__error_set(COPA_ERROR, "digest update failed");
    }
    return copa__pgp_sig_hash_final(ctx, sig, digest, digest_len);
}

/* Time checks on the signature itself, as gpgv makes them. */
static const char *time_problem(const copa__pgp_sig *sig, const copa__pgp_key *key, int64_t now)
{
    if (sig->created > now)
        return "signature made in the future";
    if (sig->sig_expire != 0 && sig->created + (int64_t)sig->sig_expire <= now)
        return "expired signature";
    if (sig->created < key->created)
        return "signature older than the key";
    return NULL;
}

static void fill_result(copa__pgp_result *res, const copa__pgp_keyring *kr,
                        const copa__pgp_key *key, const copa__pgp_sig *sig)
{
    copa__pgp_hex(res->fingerprint, key->fpr, key->fpr_len);
    copa__pgp_hex(res->primary_fingerprint, kr->keys[key->primary].fpr,
                  kr->keys[key->primary].fpr_len);
    copa__pgp_hex(res->key_id, key->key_id, 8);
    res->sig_time = sig->created;
    res->hash_algo = sig->hash_algo;
}

/* Returns 1 when this signature verifies, 0 when not (noted in v), <0 on error. */
static int check_sig(copa__pgp_result *res, const copa__pgp_keyring *kr, const copa__pgp_sig *sig,
                     const signed_data *sd, int64_t now, verdict *v)
{
    size_t found[MAX_CANDIDATES], n, i;
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned digest_len;
    char id[17], why[200];
    int rc;

    copa__pgp_hex(id,
                  sig->issuer_fpr_len ? sig->issuer_fpr + (sig->issuer_fpr_len == 20 ? 12 : 0)
                                      : sig->issuer_id,
                  8);
    if (!sig->issuer_fpr_len && !sig->has_issuer_id)
        strcpy(id, "(no issuer)");
    n = copa__pgp_keyring_find(kr, sig, found, MAX_CANDIDATES);
    if (n == 0)
        return note(v, 1, id, "unknown key (not in the keyring)"), 0;
    if (sig->type != COPA_PGP_SIG_BINARY && sig->type != COPA_PGP_SIG_TEXT)
        return note(v, 2, id, "not a document signature"), 0;
    if (!copa__pgp_hash_ok_for_data(sig->hash_algo)) {
        snprintf(why, sizeof(why), "weak or unsupported hash algorithm %s",
                 copa__pgp_hash_name(sig->hash_algo));
        return note(v, 2, id, why), 0;
    }
    if (sd->hashes != 0 && !(sd->hashes & (1u << sig->hash_algo)))
        return note(v, 2, id, "hash algorithm not announced in the Hash header"), 0;
    if (sig->unknown_critical)
        return note(v, 2, id, "unknown critical subpacket"), 0;
    rc = digest_of(sig, sd, digest, &digest_len);
    if (rc != 0)
        return rc;
    for (i = 0; i < n; i++) {
        const copa__pgp_key *key = &kr->keys[found[i]];
        const char *problem;
        copa__pgp_hex(id, key->key_id, 8);
        if (copa__pgp_key_verify(key, sig, digest, digest_len) != 0 ||
            copa__pgp_keyring_usable(kr, key, now) != 0) {
            const char *msg = copa_error_last(), *colon = strstr(msg, ": ");
            /* usable() already names the key; keep only its reason */
            note(v, 2, id, strncmp(msg, "key ", 4) == 0 && colon ? colon + 2 : msg);
            continue;
        }
        problem = time_problem(sig, key, now);
        if (problem != NULL) {
            note(v, 2, id, problem);
            continue;
        }
        fill_result(res, kr, key, sig);
        return 1;
    }
    return 0;
}

/* Try every signature packet in `packets`; 0 when one verified. */
static int verify_packets(copa__pgp_result *res, const copa__pgp_keyring *kr,
                          const uint8_t *packets, size_t len, const signed_data *sd, int64_t now)
{
    verdict v;
    size_t pos = 0;
    int rc, seen = 0;

    memset(&v, 0, sizeof(v));
    for (;;) {
        copa__pgp_packet pkt;
        copa__pgp_sig sig;
        rc = copa__pgp_packet_next(&pkt, packets, len, &pos);
        if (rc == 1)
            break;
        if (rc != 0)
            return copa__error_prefix("signature: ");
        if (pkt.tag == COPA_PGP_TAG_MARKER || pkt.tag == COPA_PGP_TAG_PADDING) {
            copa__pgp_packet_clear(&pkt);
            continue;
        }
        if (pkt.tag != COPA_PGP_TAG_SIGNATURE) {
            copa__pgp_packet_clear(&pkt);
            return copa__error_set(COPA_EINVALID, "signature: unexpected packet (tag %d)", pkt.tag);
        }
        seen++;
        rc = copa__pgp_sig_parse(&sig, pkt.body, pkt.len);
        if (rc == COPA_EUNSUPPORTED) {
            note(&v, 1, "(unknown)", copa_error_last());
            rc = 0;
        } else if (rc == 0) {
            rc = check_sig(res, kr, &sig, sd, now, &v);
        }
        copa__pgp_packet_clear(&pkt);
        if (rc != 0)
            return rc < 0 ? rc : 0;
    }
    if (seen == 0)
        return copa__error_set(COPA_EVERIFY, "no signature found");
    return copa__error_set(COPA_EVERIFY, "%s", v.message);
}

int copa__pgp_verify_detached(copa__pgp_result *result, const copa__pgp_keyring *keyring,
                              const void *data, size_t data_len, const void *signature,
                              size_t sig_len, int64_t now)
{
    signed_data sd = {data, data_len, 0, 0};
    copa__pgp_armor armor;
    size_t pos = 0;
    int rc;

    memset(result, 0, sizeof(*result));
    if (!copa__pgp_is_armored(signature, sig_len))
        return verify_packets(result, keyring, signature, sig_len, &sd, now);
    rc = copa__pgp_armor_next(&armor, signature, sig_len, &pos);
    if (rc != 0)
        return rc < 0 ? rc : copa__error_set(COPA_EINVALID, "signature: no armored block");
    if (strcmp(armor.type, "SIGNATURE") != 0)
        rc = copa__error_set(COPA_EINVALID, "signature: armor block is a %s, not a SIGNATURE",
                             armor.type);
    else
        rc = verify_packets(result, keyring, armor.data, armor.len, &sd, now);
    copa__pgp_armor_clear(&armor);
    return rc;
}

int copa__pgp_verify_cleartext(copa__pgp_result *result, const copa__pgp_keyring *keyring,
                               const void *message, size_t len, int64_t now)
{
    copa__pgp_cleartext ct;
    signed_data sd;
    int rc;

    memset(result, 0, sizeof(*result));
    rc = copa__pgp_cleartext_parse(&ct, message, len);
    if (rc != 0)
        return rc;
    sd.data = ct.canonical;
    sd.len = ct.canonical_len;
    sd.canonical = 1;
    sd.hashes = ct.hashes;
    rc = verify_packets(result, keyring, ct.sig, ct.sig_len, &sd, now);
    if (rc == 0) {
        result->text = ct.text;
        result->text_len = ct.text_len;
        ct.text = NULL;
    }
    copa__pgp_cleartext_clear(&ct);
    return rc;
}

void copa__pgp_result_clear(copa__pgp_result *result)
{
    free(result->text);
    memset(result, 0, sizeof(*result));
}
