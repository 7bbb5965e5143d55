/*
 * JSON validation and pruning in one pass (RFC 8259 grammar; strings are
 * checked for escapes and control characters, not for UTF-8 validity, as
 * cJSON does not either).
 */
#include "report/prune.h"
#include "util/error.h"
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>

/* cJSON refuses deeper documents; refuse them here first, with an offset. */
enum { MAX_DEPTH = 1000 };

/* Members no parser reads, by exact key. Keys any parser reads in some
 * format (metadata, config, Metadata, source, ...) must never be here. */
static const char *const dropped[] = {
    /* Trivy */
    "Description", "References", "CVSS", "Title", "VendorSeverity", "Layer", "DataSource", "CweIDs",
    "PublishedDate", "LastModifiedDate", "PrimaryURL", "SeveritySource", "VendorIDs", "Packages",
    "Misconfigurations", "Secrets", "Licenses", "CustomResources", "history",
    /* Grype */
    "relatedVulnerabilities", "matchDetails", "description", "urls", "cvss", "advisories", "cpes",
    "licenses", "upstreams", "descriptor", "layers", "manifest"};

typedef struct pruner {
    const char *in;
    size_t length, pos;
    char *out;
    size_t out_length;
    int depth;
    const char *expected;
} pruner;

static int fail(pruner *p, const char *expected)
{
    p->expected = expected;
    return -1;
}

static void emit(pruner *p, int keep, const char *bytes, size_t n)
{
    if (keep) {
        memcpy(p->out + p->out_length, bytes, n);
        p->out_length += n;
    }
}

static void skip_space(pruner *p)
{
    while (p->pos < p->length && strchr(" \t\r\n", p->in[p->pos]) != NULL && p->in[p->pos] != 0)
        p->pos++;
}

static int at(const pruner *p, char c)
{
    return p->pos < p->length && p->in[p->pos] == c;
}

static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int string(pruner *p, int keep)
{
    size_t start = p->pos++;

    while (p->pos < p->length && p->in[p->pos] != '"') {
        unsigned char c = (unsigned char)p->in[p->pos];
        if (c < 0x20)
            return fail(p, "no control character inside a string");
        if (c >= 0x80) {
            /* JSON is UTF-8; invalid bytes would reach the VEX and the summary. */
            size_t n = copa__utf8_sequence_length((const unsigned char *)p->in + p->pos,
                                                  p->length - p->pos);
            if (n == 0)
                return fail(p, "valid UTF-8 inside a string");
            p->pos += n;
            continue;
        }
        if (c == '\\') {
            size_t i;
            if (++p->pos >= p->length)
                break;
            c = (unsigned char)p->in[p->pos];
            if (c == 'u') {
                for (i = 1; i <= 4; i++)
                    if (p->pos + i >= p->length || !is_hex(p->in[p->pos + i])) {
                        p->pos += i;
                        return fail(p, "four hex digits after \\u");
                    }
                /* cJSON's strings end at a NUL: "1.1-1\u0000x" would silently
                 * become "1.1-1" (or "" and drop the fix); refuse it. */
                if (memcmp(p->in + p->pos + 1, "0000", 4) == 0)
                    return fail(p, "no NUL (\\u0000) inside a string");
                p->pos += 4;
            } else if (strchr("\"\\/bfnrt", c) == NULL || c == 0) {
                return fail(p, "a valid escape sequence");
            }
        }
        p->pos++;
    }
    if (p->pos >= p->length)
        return fail(p, "the end of the string");
    p->pos++;
    emit(p, keep, p->in + start, p->pos - start);
    return 0;
}

static int digits(pruner *p)
{
    size_t start = p->pos;
    while (p->pos < p->length && p->in[p->pos] >= '0' && p->in[p->pos] <= '9')
        p->pos++;
    return p->pos > start ? 0 : fail(p, "a digit");
}

static int number(pruner *p, int keep)
{
    size_t start = p->pos;

    if (at(p, '-'))
        p->pos++;
    if (at(p, '0'))
        p->pos++;
    else if (digits(p) != 0)
        return -1;
    if (at(p, '.')) {
        p->pos++;
        if (digits(p) != 0)
            return -1;
    }
    if (at(p, 'e') || at(p, 'E')) {
        p->pos++;
        if (at(p, '+') || at(p, '-'))
            p->pos++;
        if (digits(p) != 0)
            return -1;
    }
    emit(p, keep, p->in + start, p->pos - start);
    return 0;
}

static int literal(pruner *p, int keep, const char *word)
{
    size_t n = strlen(word);
    if (p->length - p->pos < n || memcmp(p->in + p->pos, word, n) != 0)
        return fail(p, "a JSON value");
    emit(p, keep, word, n);
    p->pos += n;
    return 0;
}

static int value(pruner *p, int keep);

static int is_dropped(const char *key, size_t n)
{
    size_t i;
    for (i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
        if (strlen(dropped[i]) == n && memcmp(dropped[i], key, n) == 0)
            return 1;
    return 0;
}

static int object(pruner *p, int keep)
{
    int members = 0;

    emit(p, keep, "{", 1);
    p->pos++;
    skip_space(p);
    if (at(p, '}')) {
        p->pos++;
        emit(p, keep, "}", 1);
        return 0;
    }
    for (;;) {
        size_t key_start, key_end;
        int keep_member;

        skip_space(p);
        if (!at(p, '"'))
            return fail(p, "a string key");
        key_start = p->pos;
        if (string(p, 0) != 0)
            return -1;
        key_end = p->pos;
        skip_space(p);
        if (!at(p, ':'))
            return fail(p, "':'");
        p->pos++;
        keep_member = keep && !is_dropped(p->in + key_start + 1, key_end - key_start - 2);
        if (keep_member) {
            emit(p, members++ > 0, ",", 1);
            emit(p, 1, p->in + key_start, key_end - key_start);
            emit(p, 1, ":", 1);
        }
        if (value(p, keep_member) != 0)
            return -1;
        skip_space(p);
        if (at(p, ',')) {
            p->pos++;
            continue;
        }
        if (!at(p, '}'))
            return fail(p, "',' or '}'");
        p->pos++;
        emit(p, keep, "}", 1);
        return 0;
    }
}

static int array(pruner *p, int keep)
{
    int items = 0;

    emit(p, keep, "[", 1);
    p->pos++;
    skip_space(p);
    if (at(p, ']')) {
        p->pos++;
        emit(p, keep, "]", 1);
        return 0;
    }
    for (;;) {
        emit(p, keep && items++ > 0, ",", 1);
        if (value(p, keep) != 0)
            return -1;
        skip_space(p);
        if (at(p, ',')) {
            p->pos++;
            continue;
        }
        if (!at(p, ']'))
            return fail(p, "',' or ']'");
        p->pos++;
        emit(p, keep, "]", 1);
        return 0;
    }
}

static int value(pruner *p, int keep)
{
    int rc;

    skip_space(p);
    if (p->pos >= p->length)
        return fail(p, "a JSON value");
    switch (p->in[p->pos]) {
    case '{':
    case '[':
        if (++p->depth > MAX_DEPTH)
            return fail(p, "nesting no deeper than 1000 levels");
        rc = p->in[p->pos] == '{' ? object(p, keep) : array(p, keep);
        p->depth--;
        return rc;
    case '"':
        return string(p, keep);
    case 't':
        return literal(p, keep, "true");
    case 'f':
        return literal(p, keep, "false");
    case 'n':
        return literal(p, keep, "null");
    default:
        if (p->in[p->pos] == '-' || (p->in[p->pos] >= '0' && p->in[p->pos] <= '9'))
            return number(p, keep);
        return fail(p, "a JSON value");
    }
}

static int malformed(const pruner *p)
{
    size_t line = 1, column = 1, i, offset = p->pos < p->length ? p->pos : p->length;

    for (i = 0; i < offset; i++) {
        if (p->in[i] == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
    }
    if (offset >= p->length)
        return copa__error_set(COPA_EINVALID,
                               "malformed JSON: unexpected end of input at byte %zu (line %zu), "
                               "expected %s",
                               offset, line, p->expected);
    return copa__error_set(COPA_EINVALID,
                           "malformed JSON at byte %zu (line %zu, column %zu): expected %s", offset,
                           line, column, p->expected);
}

int copa__json_prune(char **out, size_t *out_length, const char *in, size_t length)
{
    pruner p;

    memset(&p, 0, sizeof(p));
    p.in = in;
    p.length = length;
    /* Never longer than the input; pages not written are never touched. */
    p.out = malloc(length + 1);
    if (p.out == NULL)
        return copa__error_oom();
    if (length >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0)
        p.pos = 3;
    if (value(&p, 1) == 0) {
        skip_space(&p);
        if (p.pos == length) {
            char *smaller;
            p.out[p.out_length] = '\0';
            smaller = realloc(p.out, p.out_length + 1);
            *out = smaller != NULL ? smaller : p.out;
            *out_length = p.out_length;
            return 0;
        }
        fail(&p, "nothing after the JSON value");
    }
    free(p.out);
    return malformed(&p);
}
