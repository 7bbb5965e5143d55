/*
 * A .rpm package file: the lead, the signature header, the header and the
 * payload (a compressed cpio archive). Opening parses and checks the
 * structure; copa__rpm_verify checks the digests and the OpenPGP signature;
 * copa__rpm_payload_next walks the payload, each entry matched to the
 * header's file list. See docs/rpm.md.
 */
#ifndef COPA_LIB_RPM_RPM_FILE_H
#define COPA_LIB_RPM_RPM_FILE_H

#include "rpm/header.h"
#include "rpm/rpm_pkg.h"
#include "trust/pgp.h"

#include <stddef.h>
#include <stdint.h>

enum { COPA__RPM_LEAD_LEN = 96 };

typedef struct copa__rpm copa__rpm;

/* Open a package from a file (mapped read-only) or from memory (borrowed). */
int copa__rpm_open_file(copa__rpm **out, const char *path);
int copa__rpm_open_memory(copa__rpm **out, const char *name, const void *data, size_t len);
void copa__rpm_close(copa__rpm *rpm);

const copa__rpm_header *copa__rpm_signature_header(const copa__rpm *rpm);
const copa__rpm_header *copa__rpm_main_header(const copa__rpm *rpm);
const copa__rpm_pkg *copa__rpm_package(const copa__rpm *rpm);
/* "name-[epoch:]version-release.arch" of the package, for messages. */
const char *copa__rpm_nevra(const copa__rpm *rpm);

/* The header as it lies in the file (magic included): what its digests and signatures cover. */
void copa__rpm_header_bytes(const copa__rpm *rpm, const unsigned char **data, size_t *len);
/* The compressed payload. */
void copa__rpm_payload_bytes(const copa__rpm *rpm, const unsigned char **data, size_t *len);

typedef struct copa__rpm_verify_options {
    const copa__pgp_keyring *keyring; /* NULL: signatures are not checked (gpgcheck=0) */
    int allow_unsigned;               /* an unsigned package passes (the insecure flag) */
    int64_t now;                      /* when keys must be valid */
} copa__rpm_verify_options;

typedef enum copa__rpm_sig_state {
    COPA__RPM_SIG_NOT_CHECKED = 0, /* no keyring given */
    COPA__RPM_SIG_GOOD = 1,
    COPA__RPM_SIG_UNSIGNED = 2, /* accepted only with allow_unsigned; else the error below */
    COPA__RPM_SIG_BAD = 3
} copa__rpm_sig_state;

typedef struct copa__rpm_verify_result {
    copa__rpm_sig_state signature;
    uint32_t signature_tag; /* the signature tag that verified */
    char key_id[17];        /* the signing key (hex) */
    char fingerprint[65];
} copa__rpm_verify_result;

/*
 * Verify the header digest (SHA-256 from the signature header, and SHA-1
 * when present), the payload digest (PAYLOADDIGEST over the compressed
 * payload), the legacy MD5 over header + payload when present, the sizes
 * the signature header states, and one OpenPGP signature by a key of the
 * keyring. 0, or COPA_EVERIFY with a message naming the package and what
 * failed (for a signature: the key ID and the reason); an unsigned package
 * gives COPA_EVERIFY with result->signature == COPA__RPM_SIG_UNSIGNED.
 */
int copa__rpm_verify(copa__rpm *rpm, const copa__rpm_verify_options *opts,
                     copa__rpm_verify_result *result);

typedef enum copa__rpm_entry_type {
    COPA__RPM_ENTRY_FILE,
    COPA__RPM_ENTRY_DIR,
    COPA__RPM_ENTRY_SYMLINK,
    COPA__RPM_ENTRY_HARDLINK, /* `link` names an earlier entry with the same content */
    COPA__RPM_ENTRY_CHAR,
    COPA__RPM_ENTRY_BLOCK,
    COPA__RPM_ENTRY_FIFO
} copa__rpm_entry_type;

typedef struct copa__rpm_payload_entry {
    const char *path;    /* absolute and normalized, as in the header */
    uint32_t file_index; /* into copa__rpm_package(rpm)->files */
    copa__rpm_entry_type type;
    unsigned mode;    /* permission bits (07777) */
    uint64_t size;    /* bytes of content readable with copa__rpm_payload_read */
    const char *link; /* symlink target or hard-link target path; "" otherwise */
} copa__rpm_payload_entry;

/*
 * The next payload entry: 1 with *out filled (borrowed until the next
 * call), 0 at the end, or a negative error. The payload's paths ("./usr/x")
 * must be files of the header (else COPA_EINVALID, refused), each at most
 * once, with the header's file type; after the last entry every header
 * file that is neither %ghost nor missing is checked to have come.
 */
int copa__rpm_payload_next(copa__rpm *rpm, copa__rpm_payload_entry *out);

/* Read the current entry's content. *got is 0 at its end. */
int copa__rpm_payload_read(copa__rpm *rpm, void *buf, size_t len, size_t *got);

#endif
