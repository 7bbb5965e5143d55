/*
 * A reader for deb822 / RFC 822-style control files (Packages, Release,
 * .sources, dpkg's status): stanzas separated by blank lines, `Name: value`
 * fields, continuation lines that start with a space or tab.
 *
 * The reader never copies: fields point into the caller's buffer, and every
 * stanza knows its raw text and byte offset so a writer can reproduce the
 * file byte for byte. It can be fed a stream piece by piece: with
 * `final == 0` a stanza that reaches the end of the buffer is not returned
 * (COPA__DEB822_MORE) until more bytes arrive.
 */
#ifndef COPA_LIB_REPO_DEB822_H
#define COPA_LIB_REPO_DEB822_H

#include <stddef.h>
#include <string.h>

/* Lines that start with '#' are comments (apt's .sources files). */
#define COPA__DEB822_COMMENTS 0x1u

/* A field may repeat (apt's preferences: several Explanation lines). */
#define COPA__DEB822_DUPLICATES 0x2u

/* Return value of copa__deb822_next: the buffer ends inside a stanza. */
#define COPA__DEB822_MORE 2

typedef struct copa__deb822_field {
    const char *name; /* not NUL-terminated */
    size_t name_len;
    /* Raw value: from the first non-blank byte after ':' to the end of the
     * last continuation line, trailing blanks cut; continuation lines keep
     * their "\n " prefix. Use the unfold helpers for a logical value. */
    const char *value;
    size_t value_len;
    size_t line; /* 1-based line of the field name */
} copa__deb822_field;

typedef struct copa__deb822_stanza {
    const copa__deb822_field *fields; /* in file order; valid until the next call */
    size_t count;
    const char *raw; /* first byte of the stanza's first line */
    size_t raw_len;  /* up to and including the newline of its last line */
    size_t offset;   /* byte offset of `raw` in the whole stream */
    size_t line;     /* 1-based line of the first field */
} copa__deb822_stanza;

typedef struct copa__deb822_parser {
    const char *name; /* file name used in messages */
    unsigned int flags;
    const char *buf;
    size_t len;
    size_t pos;         /* next byte to read */
    size_t line;        /* line number of buf[pos] */
    size_t base_offset; /* stream offset of buf[0] */
    int final;
    copa__deb822_field *fields;
    size_t cap;
} copa__deb822_parser;

/* Start reading `name` (for messages; borrowed) with COPA__DEB822_* flags. */
void copa__deb822_init(copa__deb822_parser *p, const char *name, unsigned int flags);

/*
 * Give the parser the next buffer. `buf` must start where the previous
 * buffer's consumed part ended (copa__deb822_consumed() bytes of it): a
 * streaming caller moves the unconsumed tail to the front, appends new data
 * and feeds again. `final` says no more data follows.
 */
void copa__deb822_feed(copa__deb822_parser *p, const char *buf, size_t len, int final);

/* Bytes of the current buffer that belong to stanzas already returned. */
size_t copa__deb822_consumed(const copa__deb822_parser *p);

/*
 * Read the next stanza into `out`. Returns 1 with a stanza, 0 at the end of
 * the input, COPA__DEB822_MORE when `final` was 0 and the buffer ends before
 * the stanza does, or COPA_EINVALID ("FILE:LINE: ...") / COPA_ENOMEM.
 */
int copa__deb822_next(copa__deb822_parser *p, copa__deb822_stanza *out);

/* Free the parser's field array (the caller's buffers are untouched). */
void copa__deb822_free(copa__deb822_parser *p);

/* The field called `name` (ASCII case-insensitive), or NULL. */
const copa__deb822_field *copa__deb822_get(const copa__deb822_stanza *s, const char *name);

/*
 * Whether `n` bytes of a and b are equal ignoring ASCII case. Field names
 * are nearly always written in their canonical case, so an exact memcmp
 * answers first; this is the hot path of every index parse.
 */
static inline int copa__deb822_name_eq(const char *a, const char *b, size_t n)
{
    size_t i;
    if (memcmp(a, b, n) == 0)
        return 1;
    for (i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y + 32);
        if (x != y)
            return 0;
    }
    return 1;
}

/* Whether `f` is called `name`, ignoring ASCII case. */
int copa__deb822_is(const copa__deb822_field *f, const char *name);

/*
 * The value as one line: each line break with the blanks around it becomes
 * one space (Depends, Architectures, ...). `dst` must hold value_len + 1
 * bytes; returns the length written (NUL-terminated).
 */
size_t copa__deb822_unfold(const copa__deb822_field *f, char *dst);

/*
 * The value as text lines (Description, an inline Signed-By key): the first
 * line (left out when empty), then every continuation line without its
 * first blank, " ." standing for an empty line; lines joined by '\n'.
 * `dst` must hold value_len + 1 bytes; returns the length written.
 */
size_t copa__deb822_lines(const copa__deb822_field *f, char *dst);

#endif
