/*
 * Fuzz the deb822 reader: one-shot and streamed in pieces must agree on
 * every stanza's offset, line and field count; the unfold helpers must stay
 * inside value_len + 1 bytes (ASan checks).
 */
#include "repo/deb822.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_STANZAS 4096

typedef struct seen {
    size_t offset, line, count, raw_len;
} seen;

static size_t one_shot(const char *text, size_t len, unsigned flags, seen *out)
{
    copa__deb822_parser p;
    copa__deb822_stanza st;
    size_t n = 0, i;

    copa__deb822_init(&p, "fuzz", flags);
    copa__deb822_feed(&p, text, len, 1);
    while (n < MAX_STANZAS && copa__deb822_next(&p, &st) == 1) {
        out[n].offset = st.offset;
        out[n].line = st.line;
        out[n].count = st.count;
        out[n].raw_len = st.raw_len;
        if (st.raw != text + st.offset)
            abort();
        for (i = 0; i < st.count; i++) {
            char *buf = malloc(st.fields[i].value_len + 1);
            if (buf == NULL)
                abort();
            if (copa__deb822_unfold(&st.fields[i], buf) > st.fields[i].value_len ||
                copa__deb822_lines(&st.fields[i], buf) > st.fields[i].value_len)
                abort();
            free(buf);
        }
        n++;
    }
    copa__deb822_free(&p);
    return n;
}

static void streamed(const char *text, size_t len, unsigned flags, size_t piece, const seen *want,
                     size_t nwant)
{
    copa__deb822_parser p;
    copa__deb822_stanza st;
    char *buf = malloc(len + 1);
    size_t used = 0, given = 0, n = 0;
    int rc = 0;

    if (buf == NULL)
        abort();
    copa__deb822_init(&p, "fuzz", flags);
    while (rc >= 0 && n < MAX_STANZAS) {
        size_t take = len - given < piece ? len - given : piece;
        int final;
        memcpy(buf + used, text + given, take);
        used += take;
        given += take;
        final = given == len;
        copa__deb822_feed(&p, buf, used, final);
        while (n < MAX_STANZAS && (rc = copa__deb822_next(&p, &st)) == 1) {
            if (n >= nwant || st.offset != want[n].offset || st.line != want[n].line ||
                st.count != want[n].count || st.raw_len != want[n].raw_len)
                abort();
            n++;
        }
        if (rc == 0 || rc < 0)
            break;
        memmove(buf, buf + copa__deb822_consumed(&p), used - copa__deb822_consumed(&p));
        used -= copa__deb822_consumed(&p);
        copa__deb822_feed(&p, buf, used, final);
    }
    if (rc == 0 && n != nwant)
        abort();
    copa__deb822_free(&p);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static seen want[MAX_STANZAS];
    unsigned flags;
    size_t n, piece;

    if (size < 1)
        return 0;
    flags = data[0] & 1 ? COPA__DEB822_COMMENTS : 0;
    piece = (size_t)(data[0] >> 1) + 1;
    n = one_shot((const char *)data + 1, size - 1, flags, want);
    streamed((const char *)data + 1, size - 1, flags, piece, want, n);
    return 0;
}
