/*
 * OpenPGP ASCII armor (RFC 9580 section 6): CRC24, radix-64, armored blocks.
 */
#ifndef COPA_LIB_TRUST_PGP_ARMOR_H
#define COPA_LIB_TRUST_PGP_ARMOR_H

#include <stddef.h>
#include <stdint.h>

/* The armor checksum: CRC-24 with the OpenPGP polynomial and start value. */
uint32_t copa__pgp_crc24(const uint8_t *data, size_t len);

/*
 * Decode radix-64 text (whitespace ignored, '=' padding only at the end)
 * into a malloc'd buffer. COPA_EINVALID on a bad character or length.
 */
int copa__pgp_base64_decode(uint8_t **out, size_t *out_len, const char *text, size_t len);

/* A decoded armored block. */
typedef struct copa__pgp_armor {
    char type[40]; /* text between "BEGIN PGP " and "-----", e.g. "SIGNATURE" */
    uint8_t *data; /* decoded packets, malloc'd */
    size_t len;
} copa__pgp_armor;

/*
 * Find the next "-----BEGIN PGP ...-----" line at or after *pos and decode
 * the block up to its matching END line, checking the CRC24 line when
 * present. Advances *pos past the END line. Returns 0 with a block, 1 when
 * no further BEGIN line exists, COPA_EINVALID for a malformed block.
 */
int copa__pgp_armor_next(copa__pgp_armor *out, const char *text, size_t len, size_t *pos);

/*
 * Decode the body of an armored block whose BEGIN line ends at `start`:
 * optional headers, a blank line, radix-64 lines, optional CRC line, END
 * line of the same `type`. *end receives the offset after the END line.
 */
int copa__pgp_armor_body(copa__pgp_armor *out, const char *text, size_t len, size_t start,
                         size_t *end);

void copa__pgp_armor_clear(copa__pgp_armor *armor);

/* True when the buffer starts (after whitespace) with an armor BEGIN line. */
int copa__pgp_is_armored(const void *data, size_t len);

/*
 * The line starting at `pos`: sets *line_end to the end of its content
 * (without CR/LF) and returns the offset of the next line.
 */
size_t copa__pgp_next_line(const char *text, size_t len, size_t pos, size_t *line_end);

#endif
