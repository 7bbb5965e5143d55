/*
 * ASCII armor decoding: the input is untrusted, so every line is bounded
 * by the buffer, not by a terminating NUL.
 */
#include "trust/pgp_armor.h"

#include <stdlib.h>
#include <string.h>

#include "util/error.h"

#define CRC24_INIT 0xB704CEu
#define CRC24_POLY 0x1864CFBu

uint32_t copa__pgp_crc24(const uint8_t *data, size_t len)
{
    uint32_t crc = CRC24_INIT;
    size_t i;
    int bit;

    for (i = 0; i < len; i++) {
        crc ^= (uint32_t)data[i] << 16;
        for (bit = 0; bit < 8; bit++) {
            crc <<= 1;
            if (crc & 0x1000000u)
                crc ^= CRC24_POLY;
        }
    }
    return crc & 0xFFFFFFu;
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int copa__pgp_base64_decode(uint8_t **out, size_t *out_len, const char *text, size_t len)
{
    uint8_t *buf = malloc(len / 4 * 3 + 3);
    uint32_t acc = 0;
    size_t n = 0, i, pad = 0, chars = 0, rest;

    if (buf == NULL)
        return copa__error_oom();
    for (i = 0; i < len; i++) {
        int v;
        if (is_space(text[i]))
            continue;
        if (text[i] == '=') {
            pad++;
            continue;
        }
        v = b64_value((unsigned char)text[i]);
        if (v < 0 || pad > 0) {
            free(buf);
            return copa__error_set(COPA_EINVALID, "armor: %s in radix-64 data",
                                   v < 0 ? "invalid character" : "data after padding");
        }
        acc = (acc << 6) | (uint32_t)v;
        if (++chars % 4 == 0) {
            buf[n++] = (uint8_t)(acc >> 16);
            buf[n++] = (uint8_t)(acc >> 8);
            buf[n++] = (uint8_t)acc;
            acc = 0;
        }
    }
    rest = chars % 4;
    /* Padding, when present, must complete the final quantum exactly. */
    if (rest == 1 || (pad != 0 && rest + pad != 4)) {
        free(buf);
        return copa__error_set(COPA_EINVALID, "armor: radix-64 data has a bad length");
    }
    if (rest == 2) {
        buf[n++] = (uint8_t)(acc >> 4);
    } else if (rest == 3) {
        buf[n++] = (uint8_t)(acc >> 10);
        buf[n++] = (uint8_t)(acc >> 2);
    }
    *out = buf;
    *out_len = n;
    return 0;
}

size_t copa__pgp_next_line(const char *text, size_t len, size_t pos, size_t *line_end)
{
    const char *nl = pos < len ? memchr(text + pos, '\n', len - pos) : NULL;
    size_t end = nl != NULL ? (size_t)(nl - text) : len;
    size_t next = nl != NULL ? end + 1 : len;

    if (end > pos && text[end - 1] == '\r')
        end--;
    *line_end = end;
    return next;
}

/* Line length once trailing spaces and tabs are dropped. */
static size_t trimmed_end(const char *text, size_t start, size_t end)
{
    while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t'))
        end--;
    return end;
}

/* If text[start..end) is "-----<word> PGP <type>-----", copy type. */
static int armor_line(const char *text, size_t start, size_t end, const char *word, char *type,
                      size_t type_size)
{
    size_t wlen = strlen(word), tlen;

    end = trimmed_end(text, start, end);
    if (end - start < 10 + wlen + 5 || memcmp(text + start, "-----", 5) != 0 ||
        memcmp(text + start + 5, word, wlen) != 0 ||
        memcmp(text + start + 5 + wlen, " PGP ", 5) != 0 || memcmp(text + end - 5, "-----", 5) != 0)
        return 0;
    tlen = end - 5 - (start + 10 + wlen);
    if (tlen == 0 || tlen >= type_size)
        return 0;
    memcpy(type, text + start + 10 + wlen, tlen);
    type[tlen] = '\0';
    return 1;
}

int copa__pgp_is_armored(const void *data, size_t len)
{
    const char *text = data;
    size_t i = 0;

    while (i < len && is_space(text[i]))
        i++;
    return len - i >= 15 && memcmp(text + i, "-----BEGIN PGP ", 15) == 0;
}

/* Check the "=XXXX" line against the decoded data. */
static int check_crc(const char *text, size_t start, size_t end, const uint8_t *data, size_t len)
{
    uint8_t *crc;
    size_t crc_len;
    int rc;

    end = trimmed_end(text, start, end);
    rc = copa__pgp_base64_decode(&crc, &crc_len, text + start + 1, end - start - 1);
    if (rc != 0)
        return copa__error_set(COPA_EINVALID, "armor: malformed checksum line");
    if (crc_len != 3) {
        free(crc);
        return copa__error_set(COPA_EINVALID, "armor: checksum line is not 24 bits");
    }
    rc = ((uint32_t)crc[0] << 16 | (uint32_t)crc[1] << 8 | crc[2]) == copa__pgp_crc24(data, len);
    free(crc);
    return rc ? 0 : copa__error_set(COPA_EINVALID, "armor: CRC24 checksum mismatch");
}

/* Skip armor headers ("Key: value" lines) and the blank line after them. */
static size_t skip_headers(const char *text, size_t len, size_t pos)
{
    size_t end, next;

    for (;;) {
        next = copa__pgp_next_line(text, len, pos, &end);
        if (pos >= len)
            return pos;
        if (trimmed_end(text, pos, end) == pos)
            return next; /* the blank line ending the headers */
        if (memchr(text + pos, ':', end - pos) == NULL)
            return pos; /* no blank line: radix-64 starts here (tolerated) */
        pos = next;
    }
}

int copa__pgp_armor_body(copa__pgp_armor *out, const char *text, size_t len, size_t start,
                         size_t *end_out)
{
    size_t pos = skip_headers(text, len, start), data_start = pos, data_end, end, next;
    size_t crc_start = 0, crc_end = 0;
    char end_type[sizeof(out->type)];
    int rc;

    for (;;) {
        if (pos >= len)
            return copa__error_set(COPA_EINVALID, "armor: missing END line for %s", out->type);
        next = copa__pgp_next_line(text, len, pos, &end);
        if (armor_line(text, pos, end, "END", end_type, sizeof(end_type)))
            break;
        if (end > pos && text[pos] == '=') {
            if (crc_end != 0)
                return copa__error_set(COPA_EINVALID, "armor: two checksum lines");
            crc_start = pos;
            crc_end = end;
        } else if (crc_end != 0 && trimmed_end(text, pos, end) != pos) {
            return copa__error_set(COPA_EINVALID, "armor: data after the checksum line");
        }
        pos = next;
    }
    if (strcmp(end_type, out->type) != 0)
        return copa__error_set(COPA_EINVALID, "armor: BEGIN %s ends with END %s", out->type,
                               end_type);
    data_end = crc_end != 0 ? crc_start : pos;
    rc = copa__pgp_base64_decode(&out->data, &out->len, text + data_start, data_end - data_start);
    if (rc == 0 && crc_end != 0)
        rc = check_crc(text, crc_start, crc_end, out->data, out->len);
    if (rc != 0) {
        copa__pgp_armor_clear(out);
        return rc;
    }
    *end_out = next;
    return 0;
}

int copa__pgp_armor_next(copa__pgp_armor *out, const char *text, size_t len, size_t *pos)
{
    size_t p = *pos, end, next;

    memset(out, 0, sizeof(*out));
    while (p < len) {
        next = copa__pgp_next_line(text, len, p, &end);
        if (armor_line(text, p, end, "BEGIN", out->type, sizeof(out->type))) {
            int rc = copa__pgp_armor_body(out, text, len, next, pos);
            return rc;
        }
        p = next;
    }
    *pos = len;
    return 1;
}

void copa__pgp_armor_clear(copa__pgp_armor *armor)
{
    free(armor->data);
    armor->data = NULL;
    armor->len = 0;
}
