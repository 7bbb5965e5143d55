/*
 * Building canonical purl strings: percent-encoding of each component and
 * qualifiers sorted by key.
 */
#include "vex/purl.h"
#include "util/error.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The characters a canonical purl leaves as they are inside a component. */
static int is_unencoded(unsigned char c)
{
    return isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~' || c == ':';
}

int copa__purl_encode(copa__buf *buf, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p;

    for (p = (const unsigned char *)text; *p != '\0'; p++) {
        char triplet[3];
        int rc;
        if (is_unencoded(*p) && *p < 0x80) {
            rc = copa__buf_append(buf, p, 1);
        } else {
            triplet[0] = '%';
            triplet[1] = hex[*p >> 4];
            triplet[2] = hex[*p & 0xf];
            rc = copa__buf_append(buf, triplet, 3);
        }
        if (rc != 0)
            return rc;
    }
    return 0;
}

int copa__purl_type_valid(const char *type)
{
    const char *p;

    if (type == NULL || type[0] == '\0' || isdigit((unsigned char)type[0]))
        return 0;
    for (p = type; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x80 || !(isalnum(c) || c == '.' || c == '+' || c == '-'))
            return 0;
    }
    return 1;
}

int copa__purl_key_valid(const char *key)
{
    const char *p;

    if (key == NULL || key[0] == '\0' || isdigit((unsigned char)key[0]))
        return 0;
    for (p = key; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x80 || !(isalnum(c) || c == '.' || c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

static int append_lower(copa__buf *buf, const char *text)
{
    for (; *text != '\0'; text++) {
        char c = (char)tolower((unsigned char)*text);
        if (copa__buf_append(buf, &c, 1) != 0)
            return COPA_ENOMEM;
    }
    return 0;
}

/* Segments of a namespace or subpath, empty ones (and, for a subpath, '.'
 * and '..') left out, each encoded, joined by '/'. Returns the number of
 * segments written through *written. */
static int append_segments(copa__buf *buf, const char *path, int drop_dots, size_t *written)
{
    const char *start = path;

    *written = 0;
    while (*start != '\0') {
        size_t length = strcspn(start, "/");
        int skip =
            length == 0 || (drop_dots && ((length == 1 && start[0] == '.') ||
                                          (length == 2 && start[0] == '.' && start[1] == '.')));
        if (!skip) {
            char *segment = strndup(start, length);
            int rc;
            if (segment == NULL)
                return copa__error_oom();
            rc = (*written > 0 ? copa__buf_append_str(buf, "/") : 0);
            if (rc == 0)
                rc = copa__purl_encode(buf, segment);
            free(segment);
            if (rc != 0)
                return copa__error_oom();
            (*written)++;
        }
        start += length;
        if (*start == '/')
            start++;
    }
    return 0;
}

static int compare_qualifiers(const void *a, const void *b)
{
    const copa__purl_qualifier *const *x = a, *const *y = b;
    return strcasecmp((*x)->key, (*y)->key);
}

/* Qualifier keys compare case-insensitively since they are written lower-case. */
static int append_qualifiers(copa__buf *buf, const copa__purl *purl)
{
    const copa__purl_qualifier **sorted;
    size_t i, count = 0;
    int rc = 0;

    if (purl->qualifier_count == 0)
        return 0;
    sorted = calloc(purl->qualifier_count, sizeof(*sorted));
    if (sorted == NULL)
        return copa__error_oom();
    for (i = 0; i < purl->qualifier_count; i++) {
        const copa__purl_qualifier *q = &purl->qualifiers[i];
        if (!copa__purl_key_valid(q->key)) {
            free(sorted);
            return copa__error_set(COPA_EINVALID, "purl qualifier key '%s' is not valid",
                                   q->key != NULL ? q->key : "(null)");
        }
        if (q->value != NULL && q->value[0] != '\0')
            sorted[count++] = q;
    }
    qsort(sorted, count, sizeof(*sorted), compare_qualifiers);
    for (i = 0; i < count && rc == 0; i++) {
        if (i > 0 && strcasecmp(sorted[i - 1]->key, sorted[i]->key) == 0) {
            rc = copa__error_set(COPA_EINVALID, "purl qualifier key '%s' appears twice",
                                 sorted[i]->key);
            break;
        }
        rc = copa__buf_append_str(buf, i == 0 ? "?" : "&");
        if (rc == 0)
            rc = append_lower(buf, sorted[i]->key);
        if (rc == 0)
            rc = copa__buf_append_str(buf, "=");
        if (rc == 0)
            rc = copa__purl_encode(buf, sorted[i]->value);
        if (rc == COPA_ENOMEM)
            rc = copa__error_oom();
    }
    free(sorted);
    return rc;
}

static int build(copa__buf *buf, const copa__purl *purl)
{
    size_t written;
    int rc;

    if (!copa__purl_type_valid(purl->type))
        return copa__error_set(COPA_EINVALID,
                               "purl type '%s' is not valid (letters, digits, "
                               "'.', '+', '-', not starting with a digit)",
                               purl->type != NULL ? purl->type : "");
    if (purl->name == NULL || purl->name[0] == '\0')
        return copa__error_set(COPA_EINVALID, "a purl needs a name");
    if (copa__buf_append_str(buf, "pkg:") != 0 || append_lower(buf, purl->type) != 0 ||
        copa__buf_append_str(buf, "/") != 0)
        return copa__error_oom();
    if (purl->namespace != NULL) {
        rc = append_segments(buf, purl->namespace, 0, &written);
        if (rc != 0)
            return rc;
        if (written > 0 && copa__buf_append_str(buf, "/") != 0)
            return copa__error_oom();
    }
    if (copa__purl_encode(buf, purl->name) != 0)
        return copa__error_oom();
    if (purl->version != NULL && purl->version[0] != '\0' &&
        (copa__buf_append_str(buf, "@") != 0 || copa__purl_encode(buf, purl->version) != 0))
        return copa__error_oom();
    rc = append_qualifiers(buf, purl);
    if (rc != 0)
        return rc;
    if (purl->subpath != NULL) {
        size_t mark = buf->length;
        if (copa__buf_append_str(buf, "#") != 0)
            return copa__error_oom();
        rc = append_segments(buf, purl->subpath, 1, &written);
        if (rc != 0)
            return rc;
        if (written == 0) {
            buf->length = mark;
            buf->data[mark] = '\0';
        }
    }
    return 0;
}

int copa__purl_to_string(char **out, const copa__purl *purl)
{
    copa__buf buf = COPA__BUF_INIT;
    int rc;

    *out = NULL;
    if (purl == NULL)
        return copa__error_set(COPA_EINVALID, "no purl to build");
    rc = build(&buf, purl);
    if (rc != 0) {
        copa__buf_free(&buf);
        return rc;
    }
    *out = copa__buf_detach(&buf);
    return *out != NULL ? 0 : copa__error_oom();
}

void copa__purl_clear(copa__purl *purl)
{
    size_t i;

    if (purl == NULL)
        return;
    for (i = 0; i < purl->qualifier_count; i++) {
        free(purl->qualifiers[i].key);
        free(purl->qualifiers[i].value);
    }
    free(purl->qualifiers);
    free(purl->type);
    free(purl->namespace);
    free(purl->name);
    free(purl->version);
    free(purl->subpath);
    memset(purl, 0, sizeof(*purl));
}
