/*
 * deb822 reader: one pass over the buffer with memchr, no copies.
 */
#include "repo/deb822.h"
#include "util/error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One physical line [start, end) where end points at '\n' or the buffer end. */
typedef struct line_span {
    const char *start;
    const char *end;
    const char *next; /* first byte after the newline (or end) */
    int has_newline;
} line_span;

void copa__deb822_init(copa__deb822_parser *p, const char *name, unsigned int flags)
{
    memset(p, 0, sizeof(*p));
    p->name = name != NULL ? name : "(input)";
    p->flags = flags;
    p->line = 1;
}

void copa__deb822_feed(copa__deb822_parser *p, const char *buf, size_t len, int final)
{
    p->base_offset += p->pos;
    p->buf = buf;
    p->len = len;
    p->pos = 0;
    p->final = final;
}

size_t copa__deb822_consumed(const copa__deb822_parser *p)
{
    return p->pos;
}

void copa__deb822_free(copa__deb822_parser *p)
{
    free(p->fields);
    p->fields = NULL;
    p->cap = 0;
}

static void read_line(const copa__deb822_parser *p, size_t pos, line_span *l)
{
    const char *start = p->buf + pos;
    const char *bufend = p->buf + p->len;
    const char *nl = memchr(start, '\n', (size_t)(bufend - start));

    l->start = start;
    l->end = nl != NULL ? nl : bufend;
    l->next = nl != NULL ? nl + 1 : bufend;
    l->has_newline = nl != NULL;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static int line_is_empty(const line_span *l)
{
    const char *c;
    for (c = l->start; c < l->end; c++)
        if (!is_blank(*c))
            return 0;
    return 1;
}

static int line_is_comment(const copa__deb822_parser *p, const line_span *l)
{
    return (p->flags & COPA__DEB822_COMMENTS) && l->start < l->end && l->start[0] == '#';
}

static int push_field(copa__deb822_parser *p, size_t count)
{
    copa__deb822_field *grown;
    size_t cap;

    if (count < p->cap)
        return 0;
    cap = p->cap ? p->cap * 2 : 32;
    grown = realloc(p->fields, cap * sizeof(*grown));
    if (grown == NULL)
        return copa__error_oom();
    p->fields = grown;
    p->cap = cap;
    return 0;
}

static const char *trim_end(const char *start, const char *end)
{
    while (end > start && is_blank(end[-1]))
        end--;
    return end;
}

/* A cheap signature of a field name: its length and first letter. */
static uint64_t name_bit(const copa__deb822_field *f)
{
    unsigned c = (unsigned char)f->name[0] | 0x20u;
    return (uint64_t)1 << ((f->name_len * 31u + c) & 63u);
}

/* Linear scan only when the stanza's signature set says a match is possible. */
static int duplicate_field(const copa__deb822_parser *p, size_t count, uint64_t *seen)
{
    const copa__deb822_field *f = &p->fields[count];
    uint64_t bit = name_bit(f);
    size_t i;

    if ((*seen & bit) == 0) {
        *seen |= bit;
        return 0;
    }
    for (i = 0; i < count; i++)
        if (p->fields[i].name_len == f->name_len &&
            copa__deb822_name_eq(p->fields[i].name, f->name, f->name_len))
            return 1;
    return 0;
}

/* Parse a `Name: value` line into fields[count]. */
static int parse_field_line(copa__deb822_parser *p, const line_span *l, size_t line, size_t count,
                            uint64_t *seen)
{
    copa__deb822_field *f = &p->fields[count];
    const char *colon = memchr(l->start, ':', (size_t)(l->end - l->start));
    const char *c, *v;

    if (colon == NULL)
        return copa__error_set(COPA_EINVALID,
                               "%s:%zu: expected 'Field: value', got a line without ':'", p->name,
                               line);
    if (colon == l->start)
        return copa__error_set(COPA_EINVALID, "%s:%zu: empty field name", p->name, line);
    for (c = l->start; c < colon; c++)
        if (*c == ' ' || *c == '\t' || (unsigned char)*c < 0x21 || *c == 0x7f)
            return copa__error_set(COPA_EINVALID, "%s:%zu: invalid character in field name '%.*s'",
                                   p->name, line, (int)(colon - l->start), l->start);
    f->name = l->start;
    f->name_len = (size_t)(colon - l->start);
    f->line = line;
    v = colon + 1;
    while (v < l->end && is_blank(*v))
        v++;
    f->value = v;
    f->value_len = (size_t)(trim_end(v, l->end) - v);
    if (!(p->flags & COPA__DEB822_DUPLICATES) && duplicate_field(p, count, seen))
        return copa__error_set(COPA_EINVALID, "%s:%zu: duplicate field '%.*s'", p->name, line,
                               (int)f->name_len, f->name);
    return 0;
}

/* Skip blank lines (and comments) before a stanza; returns 0 at the end. */
static int skip_separators(copa__deb822_parser *p)
{
    line_span l;
    while (p->pos < p->len) {
        read_line(p, p->pos, &l);
        if (!l.has_newline && !p->final)
            return 1; /* maybe a partial line: decide when more arrives */
        if (!line_is_empty(&l) && !line_is_comment(p, &l))
            return 1;
        p->pos = (size_t)(l.next - p->buf);
        p->line++;
    }
    return 0;
}

int copa__deb822_next(copa__deb822_parser *p, copa__deb822_stanza *out)
{
    size_t pos, line, count = 0, stanza_end;
    uint64_t seen = 0;
    line_span l;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!skip_separators(p))
        return p->final ? 0 : COPA__DEB822_MORE;
    pos = p->pos;
    line = p->line;
    stanza_end = pos;
    while (pos < p->len) {
        read_line(p, pos, &l);
        if (!l.has_newline && !p->final)
            return COPA__DEB822_MORE;
        if (line_is_empty(&l))
            break;
        if (!line_is_comment(p, &l)) {
            if (is_blank(l.start[0])) {
                copa__deb822_field *f;
                if (count == 0)
                    return copa__error_set(
                        COPA_EINVALID, "%s:%zu: continuation line before any field", p->name, line);
                f = &p->fields[count - 1];
                f->value_len = (size_t)(trim_end(f->value, l.end) - f->value);
            } else {
                if ((rc = push_field(p, count)) < 0 ||
                    (rc = parse_field_line(p, &l, line, count, &seen)) < 0)
                    return rc;
                count++;
            }
        }
        pos = (size_t)(l.next - p->buf);
        stanza_end = pos;
        line++;
    }
    if (pos >= p->len && !p->final)
        return COPA__DEB822_MORE; /* the blank line that ends it has not arrived */
    out->fields = p->fields;
    out->count = count;
    out->raw = p->buf + p->pos;
    out->raw_len = stanza_end - p->pos;
    out->offset = p->base_offset + p->pos;
    out->line = p->line;
    p->pos = stanza_end;
    p->line = line;
    return 1;
}

int copa__deb822_is(const copa__deb822_field *f, const char *name)
{
    size_t n = strlen(name);
    return f->name_len == n && copa__deb822_name_eq(f->name, name, n);
}

const copa__deb822_field *copa__deb822_get(const copa__deb822_stanza *s, const char *name)
{
    size_t i, n = strlen(name);
    for (i = 0; i < s->count; i++)
        if (s->fields[i].name_len == n && copa__deb822_name_eq(s->fields[i].name, name, n))
            return &s->fields[i];
    return NULL;
}

size_t copa__deb822_unfold(const copa__deb822_field *f, char *dst)
{
    const char *c = f->value, *end = f->value + f->value_len;
    size_t n = 0;

    while (c < end) {
        if (*c == '\n' || *c == '\r') {
            while (n > 0 && is_blank(dst[n - 1]))
                n--;
            while (c < end && (*c == '\n' || is_blank(*c)))
                c++;
            if (n > 0 && c < end)
                dst[n++] = ' ';
            continue;
        }
        dst[n++] = *c++;
    }
    dst[n] = '\0';
    return n;
}

size_t copa__deb822_lines(const copa__deb822_field *f, char *dst)
{
    const char *c = f->value, *end = f->value + f->value_len;
    size_t n = 0;
    int first = 1, emitted = 0;

    while (c <= end) {
        const char *nl = memchr(c, '\n', (size_t)(end - c));
        const char *le = nl != NULL ? nl : end;
        const char *ls = c;
        if (!first && ls < le && is_blank(*ls))
            ls++; /* the continuation marker */
        le = trim_end(ls, le);
        if (!first && le - ls == 1 && ls[0] == '.')
            ls = le; /* " ." is an empty line */
        if (!(first && ls == le)) {
            if (emitted)
                dst[n++] = '\n';
            emitted = 1;
            memcpy(dst + n, ls, (size_t)(le - ls));
            n += (size_t)(le - ls);
        }
        first = 0;
        if (nl == NULL)
            break;
        c = nl + 1;
    }
    dst[n] = '\0';
    return n;
}
