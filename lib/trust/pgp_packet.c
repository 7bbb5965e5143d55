/*
 * Packet framing. Lengths come from untrusted input: every length is
 * checked against what remains before it is used, and partial body chunks
 * are joined with overflow-safe arithmetic.
 */
#include "trust/pgp_packet.h"

#include <stdlib.h>
#include <string.h>

#include "util/error.h"

/* Lengths of the new packet format; returns 1 for a partial chunk. */
static int new_length(const uint8_t *buf, size_t len, size_t *pos, size_t *out)
{
    unsigned first;

    if (*pos >= len)
        return -1;
    first = buf[(*pos)++];
    if (first < 192) {
        *out = first;
    } else if (first < 224) {
        if (*pos >= len)
            return -1;
        *out = ((size_t)(first - 192) << 8) + buf[(*pos)++] + 192;
    } else if (first < 255) {
        *out = (size_t)1 << (first & 0x1F);
        return 1;
    } else {
        if (len - *pos < 4)
            return -1;
        *out = (size_t)buf[*pos] << 24 | (size_t)buf[*pos + 1] << 16 | (size_t)buf[*pos + 2] << 8 |
               buf[*pos + 3];
        *pos += 4;
    }
    return 0;
}

/* Join partial body chunks; the last chunk has a definite length. */
static int partial_body(copa__pgp_packet *out, const uint8_t *buf, size_t len, size_t *pos,
                        size_t chunk)
{
    size_t total = 0, cap = 0;
    int more = 1;

    while (more) {
        uint8_t *grown;
        if (chunk > len - *pos)
            return copa__error_set(COPA_EINVALID,
                                   "packet: partial body chunk of %zu bytes "
                                   "exceeds the input",
                                   chunk);
        if (total + chunk > cap) {
            cap = (total + chunk) * 2;
            grown = realloc(out->owned, cap);
            if (grown == NULL)
                return copa__error_oom();
            out->owned = grown;
        }
        memcpy(out->owned + total, buf + *pos, chunk);
        total += chunk;
        *pos += chunk;
        more = new_length(buf, len, pos, &chunk);
        if (more < 0)
            return copa__error_set(COPA_EINVALID, "packet: truncated partial body length");
    }
    if (chunk > len - *pos)
        return copa__error_set(COPA_EINVALID, "packet: last partial chunk exceeds the input");
    if (total + chunk > cap) {
        uint8_t *grown = realloc(out->owned, total + chunk + 1);
        if (grown == NULL)
            return copa__error_oom();
        out->owned = grown;
    }
    memcpy(out->owned + total, buf + *pos, chunk);
    *pos += chunk;
    out->body = out->owned;
    out->len = total + chunk;
    return 0;
}

static int old_length(const uint8_t *buf, size_t len, size_t *pos, unsigned type, size_t *out)
{
    size_t n = type == 0 ? 1 : type == 1 ? 2 : 4, i;

    if (type == 3) { /* indeterminate: the rest of the input */
        *out = len - *pos;
        return 0;
    }
    if (len - *pos < n)
        return -1;
    *out = 0;
    for (i = 0; i < n; i++)
        *out = *out << 8 | buf[(*pos)++];
    return 0;
}

int copa__pgp_packet_next(copa__pgp_packet *out, const uint8_t *buf, size_t len, size_t *pos)
{
    size_t p = *pos, body_len;
    unsigned ctb;
    int rc;

    memset(out, 0, sizeof(*out));
    if (p >= len)
        return 1;
    ctb = buf[p++];
    if (!(ctb & 0x80))
        return copa__error_set(COPA_EINVALID, "packet at offset %zu: bad header byte 0x%02x", *pos,
                               ctb);
    if (ctb & 0x40) {
        out->tag = (int)(ctb & 0x3F);
        rc = new_length(buf, len, &p, &body_len);
        if (rc == 1) {
            rc = partial_body(out, buf, len, &p, body_len);
            if (rc != 0) {
                copa__pgp_packet_clear(out);
                return rc;
            }
            *pos = p;
            return 0;
        }
    } else {
        out->tag = (int)((ctb >> 2) & 0x0F);
        rc = old_length(buf, len, &p, ctb & 3, &body_len);
    }
    if (rc < 0)
        return copa__error_set(COPA_EINVALID, "packet at offset %zu: truncated length", *pos);
    if (body_len > len - p)
        return copa__error_set(COPA_EINVALID,
                               "packet at offset %zu: body of %zu bytes exceeds the input", *pos,
                               body_len);
    if (out->tag == 0)
        return copa__error_set(COPA_EINVALID, "packet at offset %zu: reserved tag 0", *pos);
    out->body = buf + p;
    out->len = body_len;
    *pos = p + body_len;
    return 0;
}

void copa__pgp_packet_clear(copa__pgp_packet *packet)
{
    free(packet->owned);
    memset(packet, 0, sizeof(*packet));
}

int copa__pgp_read_u8(copa__pgp_reader *r, unsigned *out)
{
    if (r->len - r->pos < 1)
        return -1;
    *out = r->p[r->pos++];
    return 0;
}

int copa__pgp_read_u16(copa__pgp_reader *r, unsigned *out)
{
    if (r->len - r->pos < 2)
        return -1;
    *out = (unsigned)r->p[r->pos] << 8 | r->p[r->pos + 1];
    r->pos += 2;
    return 0;
}

int copa__pgp_read_u32(copa__pgp_reader *r, uint32_t *out)
{
    if (r->len - r->pos < 4)
        return -1;
    *out = (uint32_t)r->p[r->pos] << 24 | (uint32_t)r->p[r->pos + 1] << 16 |
           (uint32_t)r->p[r->pos + 2] << 8 | r->p[r->pos + 3];
    r->pos += 4;
    return 0;
}

int copa__pgp_read_bytes(copa__pgp_reader *r, size_t n, const uint8_t **out)
{
    if (r->len - r->pos < n)
        return -1;
    *out = r->p + r->pos;
    r->pos += n;
    return 0;
}

int copa__pgp_read_mpi(copa__pgp_reader *r, const uint8_t **out, size_t *out_len)
{
    unsigned bits;

    if (copa__pgp_read_u16(r, &bits) != 0)
        return -1;
    *out_len = (bits + 7) / 8;
    return copa__pgp_read_bytes(r, *out_len, out);
}

int copa__pgp_subpacket_length(const uint8_t *p, size_t len, size_t *hdr, size_t *body)
{
    if (len < 1)
        return -1;
    if (p[0] < 192) {
        *hdr = 1;
        *body = p[0];
    } else if (p[0] < 255) {
        if (len < 2)
            return -1;
        *hdr = 2;
        *body = ((size_t)(p[0] - 192) << 8) + p[1] + 192;
    } else {
        if (len < 5)
            return -1;
        *hdr = 5;
        *body = (size_t)p[1] << 24 | (size_t)p[2] << 16 | (size_t)p[3] << 8 | p[4];
    }
    return *body > len - *hdr ? -1 : 0;
}

void copa__pgp_hex(char *out, const uint8_t *bytes, size_t n)
{
    static const char digits[] = "0123456789ABCDEF";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}
