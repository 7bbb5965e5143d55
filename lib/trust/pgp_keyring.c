/*
 * Loading keyrings: transferable public keys (RFC 9580 section 10.1) from
 * binary packet streams or armored blocks. Every self-signature, subkey
 * binding, primary key binding and revocation is verified here, once; what
 * they say is evaluated later against the caller's "now".
 */
#include "trust/pgp_keyring.h"

#include <stdlib.h>
#include <string.h>

#include "trust/pgp_armor.h"
#include "trust/pgp_packet.h"
#include "util/error.h"

/* Where we are inside one transferable public key. */
typedef struct load_state {
    copa__pgp_keyring *kr;
    int have_primary; /* 0 before the first key or while skipping a key */
    size_t primary;
    size_t subkey; /* valid when in_subkey */
    int in_subkey;
    int in_user;     /* after a user ID or attribute */
    int ignore_sigs; /* after a secret subkey: its signatures are not ours */
    int user_tag;
    const uint8_t *user;
    size_t user_len;
} load_state;

int copa__pgp_keyring_create(copa__pgp_keyring **out)
{
    *out = calloc(1, sizeof(**out));
    return *out == NULL ? copa__error_oom() : 0;
}

void copa__pgp_keyring_free(copa__pgp_keyring *keyring)
{
    size_t i;

    if (keyring == NULL)
        return;
    for (i = 0; i < keyring->n; i++)
        copa__pgp_key_clear(&keyring->keys[i]);
    free(keyring->keys);
    free(keyring);
}

size_t copa__pgp_keyring_count(const copa__pgp_keyring *keyring)
{
    return keyring->n_primary;
}

static int push_key(copa__pgp_keyring *kr, copa__pgp_key *key)
{
    if (kr->n == kr->cap) {
        size_t cap = kr->cap ? kr->cap * 2 : 16;
        copa__pgp_key *grown = realloc(kr->keys, cap * sizeof(*grown));
        if (grown == NULL)
            return copa__error_oom();
        kr->keys = grown;
        kr->cap = cap;
    }
    kr->keys[kr->n++] = *key;
    return 0;
}

static int push_binding(copa__pgp_key *key, const copa__pgp_binding *b)
{
    copa__pgp_binding *grown = realloc(key->bindings, (key->n_bindings + 1) * sizeof(*grown));

    if (grown == NULL)
        return copa__error_oom();
    key->bindings = grown;
    key->bindings[key->n_bindings++] = *b;
    return 0;
}

/*
 * Verify a signature by `signer` over primary [+ user ID | + subkey].
 * Returns 0 when valid; any other value means "ignore this signature".
 */
static int verify_key_sig(const copa__pgp_sig *sig, const copa__pgp_key *signer,
                          const copa__pgp_key *primary, const load_state *st,
                          const copa__pgp_key *subkey)
{
    EVP_MD_CTX *ctx;
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned digest_len;
    int rc;

    if (!copa__pgp_hash_ok_for_keys(sig->hash_algo) || sig->unknown_critical)
        return COPA_EVERIFY;
    rc = copa__pgp_sig_hash_init(&ctx, sig);
    if (rc != 0)
        return rc;
    rc = copa__pgp_key_hash(ctx, primary);
    if (rc == 0 && st != NULL) {
        /* User IDs are framed with their tag marker and a 4-octet length. */
        uint8_t hdr[5] = {st->user_tag == COPA_PGP_TAG_USER_ID ? 0xB4 : 0xD1,
                          (uint8_t)(st->user_len >> 24), (uint8_t)(st->user_len >> 16),
                          (uint8_t)(st->user_len >> 8), (uint8_t)st->user_len};
        if (EVP_DigestUpdate(ctx, hdr, 5) != 1 ||
            EVP_DigestUpdate(ctx, st->user, st->user_len) != 1)
            rc = COPA_ERROR;
    }
    if (rc == 0 && subkey != NULL)
        rc = copa__pgp_key_hash(ctx, subkey);
    if (rc != 0) {
        EVP_MD_CTX_free(ctx);
        return rc;
    }
    rc = copa__pgp_sig_hash_final(ctx, sig, digest, &digest_len);
    return rc != 0 ? rc : copa__pgp_key_verify(signer, sig, digest, digest_len);
}

/* Whether the signature claims to be by `key` (no claim at all counts). */
static int issued_by(const copa__pgp_sig *sig, const copa__pgp_key *key)
{
    if (sig->issuer_fpr_len != 0)
        return sig->issuer_fpr_len == key->fpr_len &&
               memcmp(sig->issuer_fpr, key->fpr, key->fpr_len) == 0;
    if (sig->has_issuer_id)
        return memcmp(sig->issuer_id, key->key_id, 8) == 0;
    return 1;
}

static copa__pgp_binding binding_of(const copa__pgp_sig *sig)
{
    copa__pgp_binding b;

    memset(&b, 0, sizeof(b));
    b.created = sig->created;
    b.sig_expire = sig->sig_expire;
    b.key_expire = sig->key_expire;
    b.has_flags = sig->has_key_flags;
    b.flags = sig->key_flags;
    return b;
}

/* The embedded 0x19 signature by the subkey over primary + subkey. */
static int backsig_ok(const copa__pgp_sig *binding, const copa__pgp_key *primary,
                      const copa__pgp_key *subkey)
{
    copa__pgp_sig back;

    if (binding->embedded == NULL ||
        copa__pgp_sig_parse(&back, binding->embedded, binding->embedded_len) != 0)
        return 0;
    return back.type == COPA_PGP_SIG_PRIMARY_BINDING && issued_by(&back, subkey) &&
           verify_key_sig(&back, subkey, primary, NULL, subkey) == 0;
}

static int on_subkey_sig(load_state *st, const copa__pgp_sig *sig)
{
    copa__pgp_key *primary = &st->kr->keys[st->primary];
    copa__pgp_key *subkey = &st->kr->keys[st->subkey];
    copa__pgp_binding b;

    if (sig->type == COPA_PGP_SIG_SUBKEY_REVOCATION) {
        if (verify_key_sig(sig, primary, primary, NULL, subkey) == 0)
            subkey->revoked = 1;
        return 0;
    }
    if (sig->type != COPA_PGP_SIG_SUBKEY_BINDING ||
        verify_key_sig(sig, primary, primary, NULL, subkey) != 0)
        return 0;
    b = binding_of(sig);
    /* Only a key that may sign must prove it agrees to be bound. */
    if (!b.has_flags || (b.flags & COPA_PGP_FLAG_SIGN))
        b.backsig_ok = backsig_ok(sig, primary, subkey);
    return push_binding(subkey, &b);
}

static int on_signature(load_state *st, const uint8_t *body, size_t len)
{
    copa__pgp_sig sig;
    copa__pgp_key *primary;
    copa__pgp_binding b;
    int rc = copa__pgp_sig_parse(&sig, body, len);

    /*
     * A signature we cannot read only loses what it would have granted, as
     * in GnuPG: one odd third-party certification must not make a whole
     * keyring unusable. Packet framing errors remain fatal.
     */
    if (rc != 0 || !st->have_primary)
        return 0;
    primary = &st->kr->keys[st->primary];
    if (!issued_by(&sig, primary))
        return 0; /* third-party certification: irrelevant to apt */
    if (sig.type == COPA_PGP_SIG_KEY_REVOCATION) {
        if (verify_key_sig(&sig, primary, primary, NULL, NULL) == 0)
            primary->revoked = 1;
        return 0;
    }
    if (st->in_subkey)
        return on_subkey_sig(st, &sig);
    if ((sig.type == COPA_PGP_SIG_DIRECT_KEY && !st->in_user &&
         verify_key_sig(&sig, primary, primary, NULL, NULL) == 0) ||
        (sig.type >= COPA_PGP_SIG_CERT_GENERIC && sig.type <= COPA_PGP_SIG_CERT_POSITIVE &&
         st->in_user && verify_key_sig(&sig, primary, primary, st, NULL) == 0)) {
        b = binding_of(&sig);
        return push_binding(primary, &b);
    }
    return 0;
}

static int on_key(load_state *st, const copa__pgp_packet *pkt)
{
    copa__pgp_key key;
    int subkey = pkt->tag == COPA_PGP_TAG_PUBLIC_SUBKEY;
    int rc;

    st->in_user = 0;
    st->in_subkey = 0;
    st->ignore_sigs = 0;
    if (subkey && !st->have_primary)
        return 0; /* subkey of a skipped key */
    if (!subkey)
        st->have_primary = 0;
    rc = copa__pgp_key_parse(&key, pkt->body, pkt->len);
    if (rc == COPA_EUNSUPPORTED)
        return 0; /* skipped, with its subkeys */
    if (rc != 0)
        return rc;
    key.is_subkey = subkey;
    key.primary = subkey ? st->primary : st->kr->n;
    rc = push_key(st->kr, &key);
    if (rc != 0) {
        copa__pgp_key_clear(&key);
        return rc;
    }
    if (subkey) {
        st->subkey = st->kr->n - 1;
        st->in_subkey = 1;
    } else {
        st->primary = st->kr->n - 1;
        st->have_primary = 1;
        st->kr->n_primary++;
    }
    return 0;
}

static int on_packet(load_state *st, const copa__pgp_packet *pkt)
{
    switch (pkt->tag) {
    case COPA_PGP_TAG_PUBLIC_KEY:
    case COPA_PGP_TAG_PUBLIC_SUBKEY:
        return on_key(st, pkt);
    case COPA_PGP_TAG_SECRET_KEY:
        st->have_primary = 0; /* secret keys do not belong in a trust store */
        return 0;
    case COPA_PGP_TAG_SECRET_SUBKEY:
        st->ignore_sigs = 1; /* its signatures must not bind the previous subkey */
        return 0;
    case COPA_PGP_TAG_USER_ID:
    case COPA_PGP_TAG_USER_ATTRIBUTE:
        st->in_subkey = 0;
        st->in_user = 1;
        st->ignore_sigs = 0;
        st->user_tag = pkt->tag;
        st->user = pkt->body;
        st->user_len = pkt->len;
        return 0;
    case COPA_PGP_TAG_SIGNATURE:
        if (st->ignore_sigs)
            return 0;
        return on_signature(st, pkt->body, pkt->len);
    default:
        return 0; /* trust, marker, padding and unknown packets are ignored */
    }
}

static int add_binary(copa__pgp_keyring *kr, const uint8_t *buf, size_t len)
{
    load_state st;
    size_t pos = 0;
    int rc;

    memset(&st, 0, sizeof(st));
    st.kr = kr;
    for (;;) {
        copa__pgp_packet pkt;
        rc = copa__pgp_packet_next(&pkt, buf, len, &pos);
        if (rc != 0)
            return rc > 0 ? 0 : rc;
        rc = on_packet(&st, &pkt);
        copa__pgp_packet_clear(&pkt);
        if (rc != 0)
            return rc;
    }
}

static int add_armored(copa__pgp_keyring *kr, const char *text, size_t len)
{
    size_t pos = 0;
    int rc, blocks = 0;

    for (;;) {
        copa__pgp_armor armor;
        rc = copa__pgp_armor_next(&armor, text, len, &pos);
        if (rc == 1)
            break;
        if (rc != 0)
            return rc;
        if (strcmp(armor.type, "PUBLIC KEY BLOCK") != 0) {
            rc = copa__error_set(COPA_EINVALID, "armor block is a %s, not a PUBLIC KEY BLOCK",
                                 armor.type);
        } else {
            rc = add_binary(kr, armor.data, armor.len);
            blocks++;
        }
        copa__pgp_armor_clear(&armor);
        if (rc != 0)
            return rc;
    }
    return blocks > 0 ? 0 : copa__error_set(COPA_EINVALID, "no PUBLIC KEY BLOCK found");
}

int copa__pgp_keyring_add(copa__pgp_keyring *keyring, const char *name, const void *data,
                          size_t len)
{
    int rc;

    if (copa__pgp_is_armored(data, len))
        rc = add_armored(keyring, data, len);
    else
        rc = add_binary(keyring, data, len);
    return rc == 0 ? 0 : copa__error_prefix("%s: ", name ? name : "keyring");
}

int copa__pgp_keyring_load(copa__pgp_keyring **out, const copa__pgp_input *files, size_t count)
{
    size_t i;
    int rc = copa__pgp_keyring_create(out);

    for (i = 0; rc == 0 && i < count; i++)
        rc = copa__pgp_keyring_add(*out, files[i].name, files[i].data, files[i].len);
    if (rc != 0) {
        copa__pgp_keyring_free(*out);
        *out = NULL;
    }
    return rc;
}
