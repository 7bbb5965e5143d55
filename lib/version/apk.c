/*
 * Alpine version ordering, following apk-tools 3 (src/version.c).
 *
 * Grammar: digits{.digits}[letter]{_suffix[digits]}[~hash][-rdigits]
 * where letter is one of a-z, suffix one of alpha beta pre rc (pre-releases,
 * before the plain version) or cvs svn git hg p (after it), hash is
 * lowercase hex. Anything else is invalid.
 *
 * Both versions are read as token streams and compared token by token while
 * the token kinds agree: the first number and suffix/revision numbers by
 * value; later dot-numbers by value too, except that when either has a
 * leading zero they compare as strings ("1.02" < "1.1", Gentoo-style);
 * letters by character; suffixes by their rank above; hashes as strings.
 * When the kinds differ (or one side ends), a pre-release suffix makes its
 * side older; otherwise the side whose token kind comes earlier in the
 * grammar (digit < letter < suffix < suffix number < hash < revision < end)
 * is newer: "1.0.1" > "1.0a" > "1.0_p1" > "1.0-r1" > "1.0".
 *
 * Numbers compare by value at any length; apk reads them into a uint64_t
 * and so wraps above 2^64-1, which no real package version reaches.
 *
 * Invalid versions: apk itself still orders them (it compares the valid
 * prefix and ranks the invalid remainder below everything; `apk version -c`
 * reports them). Ordering such strings is rarely meaningful, so
 * copa_version_valid() reports them and copa_version_compare() returns
 * COPA_EINVALID naming the string.
 */
#include "util/error.h"
#include "version/version.h"

#include <stddef.h>
#include <string.h>

enum token_kind {
    TOKEN_INITIAL_DIGIT,
    TOKEN_DIGIT,
    TOKEN_LETTER,
    TOKEN_SUFFIX,
    TOKEN_SUFFIX_NO,
    TOKEN_COMMIT_HASH,
    TOKEN_REVISION_NO,
    TOKEN_END,
    TOKEN_INVALID
};

/* Suffix names in their order; "" marks where the plain version sorts. */
static const char *const suffixes[] = {"alpha", "beta", "pre", "rc", "",
                                       "cvs",   "svn",  "git", "hg", "p"};
enum { SUFFIX_NONE = 4 };

typedef struct apk_token {
    enum token_kind kind;
    int suffix;        /* rank in suffixes[], for TOKEN_SUFFIX */
    const char *value; /* the token's text (digits, letter, suffix, hash) */
    size_t len;
} apk_token;

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_lower(int c)
{
    return c >= 'a' && c <= 'z';
}

static int is_hex(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f');
}

static size_t span(const char *p, int (*accept)(int))
{
    size_t n = 0;
    while (p[n] != '\0' && accept((unsigned char)p[n]))
        n++;
    return n;
}

static int suffix_rank(const char *name, size_t len)
{
    size_t i;
    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
        if (len > 0 && strlen(suffixes[i]) == len && memcmp(suffixes[i], name, len) == 0)
            return (int)i;
    return -1;
}

/* Read a run of digits as a token of `kind`; an empty run is invalid. */
static void take_digits(apk_token *t, const char **p, enum token_kind kind)
{
    t->value = *p;
    t->len = span(*p, is_digit);
    t->kind = t->len > 0 ? kind : TOKEN_INVALID;
    *p += t->len;
}

static void token_first(apk_token *t, const char **p)
{
    take_digits(t, p, TOKEN_INITIAL_DIGIT);
}

/* Advance to the next token; the previous kind decides what may follow. */
static void token_next(apk_token *t, const char **p)
{
    enum token_kind prev = t->kind;
    char c = **p;

    if (c == '\0') {
        t->kind = TOKEN_END;
    } else if (is_lower((unsigned char)c) && prev <= TOKEN_DIGIT) {
        t->kind = TOKEN_LETTER;
        t->value = (*p)++;
        t->len = 1;
    } else if (c == '.' && prev <= TOKEN_DIGIT) {
        (*p)++;
        take_digits(t, p, TOKEN_DIGIT);
    } else if (is_digit((unsigned char)c) && prev == TOKEN_SUFFIX) {
        take_digits(t, p, TOKEN_SUFFIX_NO);
    } else if (c == '_' && prev <= TOKEN_SUFFIX_NO) {
        (*p)++;
        t->value = *p;
        t->len = span(*p, is_lower);
        *p += t->len;
        t->suffix = suffix_rank(t->value, t->len);
        t->kind = t->suffix >= 0 ? TOKEN_SUFFIX : TOKEN_INVALID;
    } else if (c == '~' && prev < TOKEN_COMMIT_HASH) {
        (*p)++;
        t->value = *p;
        t->len = span(*p, is_hex);
        *p += t->len;
        t->kind = t->len > 0 ? TOKEN_COMMIT_HASH : TOKEN_INVALID;
    } else if (c == '-' && (*p)[1] == 'r' && prev < TOKEN_REVISION_NO) {
        *p += 2;
        take_digits(t, p, TOKEN_REVISION_NO);
    } else {
        t->kind = TOKEN_INVALID;
    }
}

static int compare_bytes(const apk_token *a, const apk_token *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    int rc = n > 0 ? memcmp(a->value, b->value, n) : 0;
    if (rc != 0)
        return rc < 0 ? -1 : 1;
    return a->len == b->len ? 0 : (a->len < b->len ? -1 : 1);
}

/* Compare digit strings by value, at any length. */
static int compare_numbers(const apk_token *a, const apk_token *b)
{
    apk_token sa = *a, sb = *b;
    while (sa.len > 0 && *sa.value == '0')
        sa.value++, sa.len--;
    while (sb.len > 0 && *sb.value == '0')
        sb.value++, sb.len--;
    if (sa.len != sb.len)
        return sa.len < sb.len ? -1 : 1;
    return compare_bytes(&sa, &sb);
}

/* Compare two tokens of the same kind. */
static int token_compare(const apk_token *a, const apk_token *b)
{
    switch (a->kind) {
    case TOKEN_DIGIT:
        if (a->value[0] == '0' || b->value[0] == '0')
            return compare_bytes(a, b);
        return compare_numbers(a, b);
    case TOKEN_INITIAL_DIGIT:
    case TOKEN_SUFFIX_NO:
    case TOKEN_REVISION_NO:
        return compare_numbers(a, b);
    case TOKEN_SUFFIX:
        return a->suffix == b->suffix ? 0 : (a->suffix < b->suffix ? -1 : 1);
    default: /* letters and hashes */
        return compare_bytes(a, b);
    }
}

int copa__apk_version_check(const char *version)
{
    apk_token t;
    const char *p = version, *start = version;

    if (*version == '\0')
        return copa__error_set(COPA_EINVALID, "invalid apk version '': version is empty");
    for (token_first(&t, &p); t.kind < TOKEN_END; start = p, token_next(&t, &p))
        ;
    if (t.kind != TOKEN_END)
        return copa__error_set(COPA_EINVALID,
                               "invalid apk version '%s': unexpected text at offset %d ('%s')",
                               version, (int)(start - version), start);
    return 0;
}

int copa__apk_version_compare(int *out, const char *a, const char *b)
{
    apk_token ta, tb;
    const char *pa = a, *pb = b;
    int rc;

    if ((rc = copa__apk_version_check(a)) != 0 || (rc = copa__apk_version_check(b)) != 0)
        return rc;
    for (token_first(&ta, &pa), token_first(&tb, &pb); ta.kind == tb.kind && ta.kind < TOKEN_END;
         token_next(&ta, &pa), token_next(&tb, &pb)) {
        if ((rc = token_compare(&ta, &tb)) != 0) {
            *out = rc;
            return 0;
        }
    }
    if (ta.kind == tb.kind)
        rc = 0;
    else if (ta.kind == TOKEN_SUFFIX && ta.suffix < SUFFIX_NONE)
        rc = -1;
    else if (tb.kind == TOKEN_SUFFIX && tb.suffix < SUFFIX_NONE)
        rc = 1;
    else
        rc = ta.kind > tb.kind ? -1 : 1;
    *out = rc;
    return 0;
}
