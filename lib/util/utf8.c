/*
 * UTF-8 validation (RFC 3629) and a repairing copy for JSON output.
 */
#include "util/utf8.h"

#include <string.h>

size_t copa__utf8_sequence_length(const unsigned char *p, size_t avail)
{
    if (avail == 0)
        return 0;
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        return avail >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
    if (p[0] >= 0xe0 && p[0] <= 0xef) {
        /* E0 needs A0..BF (no overlongs); ED needs 80..9F (no surrogates). */
        unsigned char lo = p[0] == 0xe0 ? 0xa0 : 0x80, hi = p[0] == 0xed ? 0x9f : 0xbf;
        return avail >= 3 && p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 ? 3 : 0;
    }
    if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        /* F0 needs 90..BF (no overlongs); F4 needs 80..8F (<= U+10FFFF). */
        unsigned char lo = p[0] == 0xf0 ? 0x90 : 0x80, hi = p[0] == 0xf4 ? 0x8f : 0xbf;
        return avail >= 4 && p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 &&
                       (p[3] & 0xc0) == 0x80
                   ? 4
                   : 0;
    }
    return 0;
}

/* In a NUL-terminated string the NUL ends every sequence early: no bound needed. */
static size_t sequence_length(const unsigned char *p)
{
    return copa__utf8_sequence_length(p, (size_t)-1);
}

int copa__utf8_valid(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;

    while (*p != '\0') {
        size_t n = sequence_length(p);
        if (n == 0)
            return 0;
        p += n;
    }
    return 1;
}

char *copa__utf8_arena_dup(copa__arena *arena, const char *text)
{
    static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
    const unsigned char *p = (const unsigned char *)text;
    char *out, *o;

    if (copa__utf8_valid(text))
        return copa__arena_strdup(arena, text);
    /* Each invalid byte becomes three: at most three times as long. */
    if ((out = copa__arena_alloc(arena, strlen(text) * 3 + 1)) == NULL)
        return NULL;
    for (o = out; *p != '\0';) {
        size_t n = sequence_length(p);
        if (n == 0) {
            memcpy(o, replacement, 3);
            o += 3;
            p++;
        } else {
            memcpy(o, p, n);
            o += n;
            p += n;
        }
    }
    *o = '\0';
    return out;
}
