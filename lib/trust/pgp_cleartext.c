/*
 * Cleartext-signed messages. The signed text is rebuilt exactly as the
 * signer hashed it: dash-escapes removed, trailing spaces and tabs dropped
 * from every line, lines joined by CRLF, and the line break before the
 * signature block not included.
 */
#include "trust/pgp_cleartext.h"

#include <stdlib.h>
#include <string.h>

#include "trust/pgp_armor.h"
#include "trust/pgp_sig.h"
#include "util/error.h"

static size_t strip_blanks(const char *text, size_t start, size_t end)
{
    while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\r'))
        end--;
    return end;
}

static int line_is(const char *text, size_t start, size_t end, const char *want)
{
    end = strip_blanks(text, start, end);
    return end - start == strlen(want) && memcmp(text + start, want, end - start) == 0;
}

static int hash_number(const char *name, size_t len)
{
    static const struct {
        const char *name;
        int algo;
    } known[] = {{"MD5", COPA_PGP_HASH_MD5},
                 {"SHA1", COPA_PGP_HASH_SHA1},
                 {"RIPEMD160", COPA_PGP_HASH_RIPEMD160},
                 {"SHA256", COPA_PGP_HASH_SHA256},
                 {"SHA384", COPA_PGP_HASH_SHA384},
                 {"SHA512", COPA_PGP_HASH_SHA512},
                 {"SHA224", COPA_PGP_HASH_SHA224}};
    size_t i;

    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strlen(known[i].name) == len && strncasecmp(known[i].name, name, len) == 0)
            return known[i].algo;
    return -1;
}

/* "Hash: SHA256[,SHA512...]" headers up to the blank line. */
static int parse_headers(copa__pgp_cleartext *out, const char *msg, size_t len, size_t *pos)
{
    size_t end, next, p, q;

    for (;;) {
        if (*pos >= len)
            return copa__error_set(COPA_EINVALID, "cleartext: no text after the header");
        next = copa__pgp_next_line(msg, len, *pos, &end);
        end = strip_blanks(msg, *pos, end);
        if (end == *pos) {
            *pos = next;
            return 0;
        }
        if (end - *pos < 5 || memcmp(msg + *pos, "Hash:", 5) != 0)
            return copa__error_set(COPA_EINVALID, "cleartext: unexpected armor header '%.*s'",
                                   (int)(end - *pos > 60 ? 60 : end - *pos), msg + *pos);
        for (p = *pos + 5; p < end; p = q + 1) {
            int algo;
            while (p < end && msg[p] == ' ')
                p++;
            for (q = p; q < end && msg[q] != ','; q++)
                ;
            algo = hash_number(msg + p, strip_blanks(msg, p, q) - p);
            if (algo < 0)
                return copa__error_set(COPA_EINVALID, "cleartext: unknown Hash header '%.*s'",
                                       (int)(q - p > 30 ? 30 : q - p), msg + p);
            out->hashes |= 1u << algo;
        }
        *pos = next;
    }
}

static int append(uint8_t **buf, size_t *len, size_t *cap, const void *data, size_t n)
{
    if (n == 0)
        return 0;
    if (*len + n > *cap) {
        size_t want = (*len + n) * 2 + 64;
        uint8_t *grown = realloc(*buf, want);
        if (grown == NULL)
            return copa__error_oom();
        *buf = grown;
        *cap = want;
    }
    memcpy(*buf + *len, data, n);
    *len += n;
    return 0;
}

/* The text lines up to the signature's BEGIN line; *pos ends after it. */
static int parse_text(copa__pgp_cleartext *out, const char *msg, size_t len, size_t *pos)
{
    size_t cap_c = 0, cap_t = 0, end, next, start;
    int first = 1, rc = 0;

    while (rc == 0) {
        if (*pos >= len)
            return copa__error_set(COPA_EINVALID, "cleartext: no signature block");
        next = copa__pgp_next_line(msg, len, *pos, &end);
        if (line_is(msg, *pos, end, "-----BEGIN PGP SIGNATURE-----")) {
            *pos = next;
            break;
        }
        start = *pos;
        if (end - start >= 2 && msg[start] == '-' && msg[start + 1] == ' ')
            start += 2; /* dash-escaped */
        end = strip_blanks(msg, start, end);
        if (!first)
            rc = append(&out->canonical, &out->canonical_len, &cap_c, "\r\n", 2);
        if (rc == 0)
            rc = append(&out->canonical, &out->canonical_len, &cap_c, msg + start, end - start);
        if (rc == 0)
            rc = append((uint8_t **)&out->text, &out->text_len, &cap_t, msg + start, end - start);
        if (rc == 0)
            rc = append((uint8_t **)&out->text, &out->text_len, &cap_t, "\n", 1);
        first = 0;
        *pos = next;
    }
    /* NUL-terminate the text for parsers that want a C string. */
    return rc == 0 ? append((uint8_t **)&out->text, &out->text_len, &cap_t, "", 1) : rc;
}

static size_t skip_blank_lines(const char *msg, size_t len, size_t pos)
{
    size_t end, next;

    while (pos < len) {
        next = copa__pgp_next_line(msg, len, pos, &end);
        if (strip_blanks(msg, pos, end) != pos)
            break;
        pos = next;
    }
    return pos;
}

int copa__pgp_cleartext_parse(copa__pgp_cleartext *out, const char *msg, size_t len)
{
    copa__pgp_armor armor;
    size_t pos = skip_blank_lines(msg, len, 0), end;
    int rc;

    memset(out, 0, sizeof(*out));
    copa__pgp_next_line(msg, len, pos, &end);
    if (pos >= len || !line_is(msg, pos, end, "-----BEGIN PGP SIGNED MESSAGE-----"))
        return copa__error_set(COPA_EINVALID, "cleartext: does not start with "
                                              "'-----BEGIN PGP SIGNED MESSAGE-----'");
    pos = copa__pgp_next_line(msg, len, pos, &end);
    rc = parse_headers(out, msg, len, &pos);
    if (rc == 0)
        rc = parse_text(out, msg, len, &pos);
    if (rc == 0) {
        memset(&armor, 0, sizeof(armor));
        strcpy(armor.type, "SIGNATURE");
        rc = copa__pgp_armor_body(&armor, msg, len, pos, &pos);
        out->sig = armor.data;
        out->sig_len = armor.len;
    }
    if (rc == 0 && skip_blank_lines(msg, len, pos) != len)
        rc = copa__error_set(COPA_EINVALID, "cleartext: data after the signature block");
    if (rc != 0) {
        copa__pgp_cleartext_clear(out);
        return rc;
    }
    out->text_len--; /* the NUL is not part of the text */
    return 0;
}

void copa__pgp_cleartext_clear(copa__pgp_cleartext *ct)
{
    free(ct->canonical);
    free(ct->text);
    free(ct->sig);
    memset(ct, 0, sizeof(*ct));
}
