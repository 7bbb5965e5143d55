/*
 * The apk v2 signature scheme (apk-tools 2.x, abuild-sign): a file is a
 * concatenation of gzip members; the first member holds a tar segment of
 * `.SIGN.<TYPE>.<keyname>` entries whose contents are RSA PKCS#1 v1.5
 * signatures (TYPE RSA = SHA-1, RSA256 = SHA-256, RSA512 = SHA-512) over
 * the exact compressed bytes that follow: the control member of a package,
 * everything after the signature member of an APKINDEX.tar.gz. <keyname>
 * is the public key's file name in /etc/apk/keys. apk-tools uses the first
 * signature whose key it has; so do we.
 *
 * The tar segments before the last member are "cut" (no end-of-archive
 * blocks), so the members read as one tar stream when decompressed back to
 * back; each one is read here on its own, from its own bytes.
 */
#ifndef COPA_LIB_APK_SIGNATURE_H
#define COPA_LIB_APK_SIGNATURE_H

#include "util/buffer.h"

#include <stddef.h>

/* A public key the caller trusts: its file name (as in /etc/apk/keys) and PEM bytes. */
typedef struct copa__apk_key {
    const char *name;
    const void *pem;
    size_t pem_len;
} copa__apk_key;

/* Limits against hostile input; every one is far above what Alpine ships. */
#define COPA__APK_MAX_SIGNATURE_MEMBER ((size_t)1024 * 1024)
#define COPA__APK_MAX_CONTROL_MEMBER ((size_t)16 * 1024 * 1024)
#define COPA__APK_MAX_INDEX_TEXT ((size_t)256 * 1024 * 1024)
#define COPA__APK_MAX_TAR_MEMBERS 4096
#define COPA__APK_MAX_SIGNATURES 32

/*
 * Inflate the gzip member that starts at `data[offset]`: `*member_len` is
 * its compressed length; its content is appended to `out` unless that
 * would pass `max_out` bytes (then COPA_EINVALID, "larger than"). A
 * damaged or truncated member is COPA_EINVALID; messages start with `what`.
 */
int copa__apk_gzip_member(const char *what, const unsigned char *data, size_t len, size_t offset,
                          copa__buf *out, size_t max_out, size_t *member_len);

/*
 * Is the gzip member at `data[0]` a signature segment? Only its first tar
 * header is inflated: an unsigned index's first member is the whole index.
 * 1 yes, 0 no, COPA_EINVALID for a damaged gzip member.
 */
int copa__apk_starts_with_signature(const char *what, const unsigned char *data, size_t len);

/* One regular file of a tar segment. */
typedef struct copa__apk_member {
    char *name; /* as in the tar header, e.g. ".PKGINFO" */
    char *data; /* NUL-terminated */
    size_t len;
    unsigned int mode;
} copa__apk_member;

typedef struct copa__apk_members {
    copa__apk_member *items;
    size_t count;
} copa__apk_members;

/*
 * The regular files of a (possibly cut) tar segment in memory, each at most
 * `max_member` bytes (checked against the header before anything is read),
 * at most COPA__APK_MAX_TAR_MEMBERS of them. Other entry types are skipped.
 * `gzip`: the bytes are gzip members, decompressed as they are read.
 * COPA_EINVALID (naming `what`) for a damaged tar.
 */
int copa__apk_tar_members(copa__apk_members *out, const char *what, const void *tar, size_t len,
                          size_t max_member, int gzip);
void copa__apk_members_free(copa__apk_members *m);
const copa__apk_member *copa__apk_members_find(const copa__apk_members *m, const char *name);

/* Does this decompressed first member look like a signature segment (".SIGN.")? */
int copa__apk_is_signature_segment(const void *tar, size_t len);

typedef enum copa__apk_sig_status {
    COPA__APK_SIG_OK = 0,
    COPA__APK_SIG_UNSIGNED,    /* no signature segment at all */
    COPA__APK_SIG_UNKNOWN_KEY, /* signed, but by no key the caller trusts */
    COPA__APK_SIG_BAD          /* a trusted key's signature does not verify */
} copa__apk_sig_status;

typedef struct copa__apk_sig_result {
    copa__apk_sig_status status;
    char key_name[256]; /* the key that verified (OK), or the first named one */
    char algorithm[8];  /* "RSA", "RSA256", "RSA512" */
} copa__apk_sig_result;

/*
 * Check the signatures in `signatures` (the decompressed signature
 * segment) over `message`. 0 when a trusted key's signature verifies;
 * otherwise COPA_EVERIFY with `res->status` telling why: UNKNOWN_KEY names
 * the key file(s) in the message ("signed by key 'k.rsa.pub', which is not
 * among the trusted keys"), BAD names the key whose signature failed. A
 * trusted key whose PEM does not parse is COPA_EINVALID naming it.
 */
int copa__apk_signature_verify(copa__apk_sig_result *res, const char *what,
                               const copa__apk_members *signatures, const void *message,
                               size_t message_len, const copa__apk_key *keys, size_t key_count);

#endif
