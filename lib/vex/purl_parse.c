/*
 * Parsing purl strings, right to left as the purl specification describes:
 * subpath after '#', qualifiers after '?', the "pkg:" scheme, the type up
 * to the first '/', the version after the last '@' of the last segment,
 * the name as the last segment and the namespace before it.
 */
#include "vex/purl.h"
#include "util/digest.h"
#include "util/error.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Messages quote at most this much of the purl. */
enum { QUOTE_MAX = 200 };

static int fail(const char *text, const char *problem)
{
    return copa__error_set(COPA_EINVALID, "invalid purl '%.*s%s': %s", QUOTE_MAX, text,
                           strlen(text) > QUOTE_MAX ? "..." : "", problem);
}

/* Percent-decode `length` bytes into a new string. A '+' stays a '+' (a
 * purl is not form-encoded). 0, COPA_EINVALID, COPA_ENOMEM. */
static int decode(char **out, const char *text, const char *start, size_t length)
{
    char *result = malloc(length + 1);
    size_t i, n = 0;

    *out = NULL;
    if (result == NULL)
        return copa__error_oom();
    for (i = 0; i < length; i++) {
        if (start[i] == '%') {
            int high = i + 1 < length ? copa__hex_value(start[i + 1]) : -1;
            int low = i + 2 < length ? copa__hex_value(start[i + 2]) : -1;
            if (high < 0 || low < 0) {
                free(result);
                return fail(text, "'%' not followed by two hex digits");
            }
            if (high == 0 && low == 0) {
                free(result);
                return fail(text, "%00 (NUL) in a component");
            }
            result[n++] = (char)(high * 16 + low);
            i += 2;
        } else {
            result[n++] = start[i];
        }
    }
    result[n] = '\0';
    *out = result;
    return 0;
}

static void lower(char *text)
{
    for (; text != NULL && *text != '\0'; text++)
        *text = (char)tolower((unsigned char)*text);
}

/* Bytes that a purl string never holds unencoded. */
static int check_bytes(const char *text)
{
    const unsigned char *p;

    for (p = (const unsigned char *)text; *p != '\0'; p++) {
        if (*p >= 0x80)
            return fail(text, "non-ASCII byte (must be UTF-8 percent-encoded)");
        if (*p <= 0x20 || *p == 0x7f)
            return fail(text, "space or control character (must be percent-encoded)");
    }
    return 0;
}

/* Percent-decode one segment and check it; *segment is NULL for a
 * subpath's '.' or '..' (even encoded), which are dropped. */
static int decode_segment(char **segment, const char *text, const char *start, size_t n,
                          int is_subpath)
{
    int rc = decode(segment, text, start, n);

    if (rc != 0)
        return rc;
    if (strchr(*segment, '/') != NULL) {
        free(*segment);
        *segment = NULL;
        return fail(text, is_subpath ? "a subpath segment holds an encoded '/'"
                                     : "a namespace segment holds an encoded '/'");
    }
    if (is_subpath && (strcmp(*segment, ".") == 0 || strcmp(*segment, "..") == 0)) {
        free(*segment);
        *segment = NULL;
    }
    return 0;
}

/* Decode the '/'-separated segments of [start, start+length), dropping
 * empty ones (and '.', '..' for a subpath); NULL when none remain. */
static int decode_segments(char **out, const char *text, const char *start, size_t length,
                           int is_subpath)
{
    copa__buf joined = COPA__BUF_INIT;
    const char *end = start + length;
    size_t count = 0;

    *out = NULL;
    while (start < end) {
        const char *slash = memchr(start, '/', (size_t)(end - start));
        size_t n = (size_t)((slash != NULL ? slash : end) - start);
        char *segment = NULL;
        int rc = n > 0 ? decode_segment(&segment, text, start, n, is_subpath) : 0;

        if (rc != 0) {
            copa__buf_free(&joined);
            return rc;
        }
        if (segment != NULL) {
            rc = (count > 0 ? copa__buf_append_str(&joined, "/") : 0);
            if (rc == 0)
                rc = copa__buf_append_str(&joined, segment);
            free(segment);
            if (rc != 0) {
                copa__buf_free(&joined);
                return copa__error_oom();
            }
            count++;
        }
        start += n + 1;
    }
    if (count == 0)
        return 0;
    *out = copa__buf_detach(&joined);
    return *out != NULL ? 0 : copa__error_oom();
}

static int compare_keys(const void *a, const void *b)
{
    const copa__purl_qualifier *x = a, *y = b;
    return strcmp(x->key, y->key);
}

static int parse_qualifiers(copa__purl *out, const char *text, const char *start, size_t length)
{
    const char *end = start + length;
    size_t i, capacity = 1;

    for (i = 0; i < length; i++)
        capacity += start[i] == '&';
    out->qualifiers = calloc(capacity, sizeof(*out->qualifiers));
    if (out->qualifiers == NULL)
        return copa__error_oom();
    while (start < end) {
        const char *amp = memchr(start, '&', (size_t)(end - start));
        size_t n = (size_t)((amp != NULL ? amp : end) - start);
        const char *eq = memchr(start, '=', n);
        copa__purl_qualifier *q = &out->qualifiers[out->qualifier_count];
        int rc;

        if (n > 0) {
            if (eq == NULL)
                return fail(text, "a qualifier without '='");
            q->key = strndup(start, (size_t)(eq - start));
            if (q->key == NULL)
                return copa__error_oom();
            /* Counted at once so that copa__purl_clear() frees it on failure. */
            out->qualifier_count++;
            if (!copa__purl_key_valid(q->key))
                return fail(text, "a qualifier key must be letters, digits, '.', '-' or '_' "
                                  "and not start with a digit");
            lower(q->key);
            rc = decode(&q->value, text, eq + 1, n - (size_t)(eq + 1 - start));
            if (rc != 0)
                return rc;
            /* An empty value is the same as no qualifier at all. */
            if (q->value[0] == '\0') {
                out->qualifier_count--;
                free(q->key);
                free(q->value);
                q->key = q->value = NULL;
            }
        }
        start += n + 1;
    }
    qsort(out->qualifiers, out->qualifier_count, sizeof(*out->qualifiers), compare_keys);
    for (i = 1; i < out->qualifier_count; i++)
        if (strcmp(out->qualifiers[i - 1].key, out->qualifiers[i].key) == 0)
            return fail(text, "a qualifier key appears twice");
    return 0;
}

/* The type-specific normalizations of the types copa writes. */
static void normalize(copa__purl *out)
{
    const char *t = out->type;
    int fold_namespace = strcmp(t, "deb") == 0 || strcmp(t, "apk") == 0 || strcmp(t, "rpm") == 0;
    int fold_name = strcmp(t, "deb") == 0 || strcmp(t, "apk") == 0 || strcmp(t, "oci") == 0;

    if (fold_namespace)
        lower(out->namespace);
    if (fold_name)
        lower(out->name);
}

/* type/namespace/name@version, with leading and trailing '/' removed. */
static int parse_path(copa__purl *out, const char *text, const char *start, size_t length)
{
    const char *end = start + length, *slash, *last_slash, *at, *name_start;
    int rc;

    while (start < end && *start == '/')
        start++;
    while (end > start && end[-1] == '/')
        end--;
    slash = memchr(start, '/', (size_t)(end - start));
    if (slash == NULL || slash == start)
        return fail(text, start == end ? "no type" : "no '/' between type and name");
    out->type = strndup(start, (size_t)(slash - start));
    if (out->type == NULL)
        return copa__error_oom();
    if (!copa__purl_type_valid(out->type))
        return fail(text, "the type must be letters, digits, '.', '+' or '-' and not start "
                          "with a digit");
    lower(out->type);
    start = slash + 1;
    for (last_slash = end; last_slash > start && last_slash[-1] != '/'; last_slash--)
        ;
    name_start = last_slash;
    /* The version separator is the last '@' of the last segment, so that a
     * raw '@' in a namespace (npm scopes) is not taken for it. */
    at = NULL;
    for (const char *p = name_start; p < end; p++)
        if (*p == '@')
            at = p;
    if (at != NULL) {
        if (at + 1 == end)
            return fail(text, "'@' without a version");
        rc = decode(&out->version, text, at + 1, (size_t)(end - at - 1));
        if (rc != 0)
            return rc;
        end = at;
    }
    if (end == name_start)
        return fail(text, "no name");
    rc = decode(&out->name, text, name_start, (size_t)(end - name_start));
    if (rc != 0)
        return rc;
    if (name_start > start) {
        rc = decode_segments(&out->namespace, text, start, (size_t)(name_start - 1 - start), 0);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int parse(copa__purl *out, const char *text)
{
    const char *end = text + strlen(text), *hash, *query, *path;
    int rc = check_bytes(text);

    if (rc != 0)
        return rc;
    if (strncasecmp(text, "pkg:", 4) != 0)
        return fail(text, "it does not start with the scheme 'pkg:'");
    path = text + 4;
    hash = strrchr(path, '#');
    if (hash != NULL) {
        rc = decode_segments(&out->subpath, text, hash + 1, (size_t)(end - hash - 1), 1);
        if (rc != 0)
            return rc;
        end = hash;
    }
    for (query = end; query > path && query[-1] != '?'; query--)
        ;
    query = query > path ? query - 1 : NULL;
    if (query != NULL) {
        rc = parse_qualifiers(out, text, query + 1, (size_t)(end - query - 1));
        if (rc != 0)
            return rc;
        end = query;
    }
    rc = parse_path(out, text, path, (size_t)(end - path));
    if (rc != 0)
        return rc;
    normalize(out);
    return 0;
}

int copa__purl_parse(copa__purl *out, const char *text)
{
    if (out == NULL || text == NULL)
        return copa__error_set(COPA_EINVALID, "no purl to parse");
    memset(out, 0, sizeof(*out));
    return parse(out, text);
}
