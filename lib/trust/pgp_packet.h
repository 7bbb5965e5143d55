/*
 * OpenPGP packet framing (RFC 9580 section 4.2): old and new headers,
 * partial body lengths, MPIs and signature subpacket lengths.
 */
#ifndef COPA_LIB_TRUST_PGP_PACKET_H
#define COPA_LIB_TRUST_PGP_PACKET_H

#include <stddef.h>
#include <stdint.h>

enum {
    COPA_PGP_TAG_SIGNATURE = 2,
    COPA_PGP_TAG_SECRET_KEY = 5,
    COPA_PGP_TAG_PUBLIC_KEY = 6,
    COPA_PGP_TAG_SECRET_SUBKEY = 7,
    COPA_PGP_TAG_COMPRESSED = 8,
    COPA_PGP_TAG_MARKER = 10,
    COPA_PGP_TAG_LITERAL = 11,
    COPA_PGP_TAG_TRUST = 12,
    COPA_PGP_TAG_USER_ID = 13,
    COPA_PGP_TAG_PUBLIC_SUBKEY = 14,
    COPA_PGP_TAG_USER_ATTRIBUTE = 17,
    COPA_PGP_TAG_PADDING = 21
};

typedef struct copa__pgp_packet {
    int tag;
    const uint8_t *body; /* into the input, or into `owned` for partial lengths */
    size_t len;
    uint8_t *owned;
} copa__pgp_packet;

/*
 * Parse the packet at *pos of buf[0..len). Returns 0 and advances *pos, 1 at
 * the end of input, COPA_EINVALID for a malformed or truncated header.
 * Partial body lengths are joined into packet->owned.
 */
int copa__pgp_packet_next(copa__pgp_packet *out, const uint8_t *buf, size_t len, size_t *pos);

void copa__pgp_packet_clear(copa__pgp_packet *packet);

/* A bounds-checked cursor over a packet body. */
typedef struct copa__pgp_reader {
    const uint8_t *p;
    size_t len;
    size_t pos;
} copa__pgp_reader;

/* Each returns 0 or -1 when the input is too short (callers set the error). */
int copa__pgp_read_u8(copa__pgp_reader *r, unsigned *out);
int copa__pgp_read_u16(copa__pgp_reader *r, unsigned *out);
int copa__pgp_read_u32(copa__pgp_reader *r, uint32_t *out);
int copa__pgp_read_bytes(copa__pgp_reader *r, size_t n, const uint8_t **out);
/* A multiprecision integer: returns its magnitude bytes without the length. */
int copa__pgp_read_mpi(copa__pgp_reader *r, const uint8_t **out, size_t *out_len);

/*
 * Length of the signature subpacket at p[0..len): sets *hdr to the size of
 * the length field and *body to the subpacket length. -1 if truncated.
 */
int copa__pgp_subpacket_length(const uint8_t *p, size_t len, size_t *hdr, size_t *body);

/* Hex of bytes, upper case, into out (2 * n + 1 bytes). */
void copa__pgp_hex(char *out, const uint8_t *bytes, size_t n);

#endif
