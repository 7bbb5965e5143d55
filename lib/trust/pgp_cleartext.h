/*
 * The cleartext signature framework (RFC 9580 section 7): what InRelease
 * files are.
 */
#ifndef COPA_LIB_TRUST_PGP_CLEARTEXT_H
#define COPA_LIB_TRUST_PGP_CLEARTEXT_H

#include <stddef.h>
#include <stdint.h>

typedef struct copa__pgp_cleartext {
    uint8_t *canonical; /* what is hashed: lines without trailing blanks, CRLF between */
    size_t canonical_len;
    char *text; /* the same lines ending in LF: the content handed to parsers */
    size_t text_len;
    uint8_t *sig; /* decoded signature packets */
    size_t sig_len;
    unsigned hashes; /* bit (1 << algo) per "Hash:" header algorithm; 0 if none */
} copa__pgp_cleartext;

/*
 * Split a cleartext-signed message. Only blank lines may surround it, as in
 * apt. COPA_EINVALID names what is malformed.
 */
int copa__pgp_cleartext_parse(copa__pgp_cleartext *out, const char *msg, size_t len);

void copa__pgp_cleartext_clear(copa__pgp_cleartext *ct);

#endif
