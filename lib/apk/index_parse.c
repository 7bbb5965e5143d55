/*
 * APKINDEX text into copa__apk_index: stanzas of "L:value" lines, a line
 * shorter than two bytes ends a stanza (as in apk-tools' index reader).
 */
#include "apk/index.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

typedef struct parse_ctx {
    copa__apk_index *index;
    const char *what;
    size_t lineno;
    size_t cap;
    copa__apk_index_pkg *pkg; /* the stanza being read, NULL between stanzas */
    int have_checksum;
} parse_ctx;

static int fail(parse_ctx *c, const char *why)
{
    return copa__error_set(COPA_EINVALID, "%s: APKINDEX line %zu: %s", c->what, c->lineno, why);
}

static int parse_uint(parse_ctx *c, uint64_t *out, const char *v, size_t len)
{
    uint64_t n = 0;

    if (len == 0 || len > 19)
        return fail(c, "not a decimal number");
    for (size_t i = 0; i < len; i++) {
        if (v[i] < '0' || v[i] > '9')
            return fail(c, "not a decimal number");
        n = n * 10 + (uint64_t)(v[i] - '0');
    }
    *out = n;
    return 0;
}

static int set_str(parse_ctx *c, const char **field, const char *v, size_t len)
{
    *field = copa__arena_strndup(&c->index->arena, v, len);
    return *field != NULL ? 0 : copa__error_oom();
}

static int start_stanza(parse_ctx *c)
{
    copa__apk_index *x = c->index;

    if (x->count >= COPA__APK_MAX_PACKAGES)
        return fail(c, "too many packages");
    if (x->count == c->cap) {
        size_t cap = c->cap == 0 ? 256 : c->cap * 2;
        copa__apk_index_pkg *grown = realloc(x->packages, cap * sizeof(*grown));
        if (grown == NULL)
            return copa__error_oom();
        x->packages = grown;
        c->cap = cap;
    }
    c->pkg = &x->packages[x->count++];
    memset(c->pkg, 0, sizeof(*c->pkg));
    c->have_checksum = 0;
    return 0;
}

static int end_stanza(parse_ctx *c)
{
    copa__apk_index_pkg *p = c->pkg;

    c->pkg = NULL;
    if (p == NULL)
        return 0;
    if (p->name == NULL || p->version == NULL || !c->have_checksum)
        return copa__error_set(COPA_EINVALID, "%s: APKINDEX stanza ending at line %zu has no %s",
                               c->what, c->lineno,
                               p->name == NULL      ? "P: (name)"
                               : p->version == NULL ? "V: (version)"
                                                    : "C: (checksum)");
    return 0;
}

static int field(parse_ctx *c, char letter, const char *v, size_t len)
{
    copa__apk_index_pkg *p = c->pkg;
    copa__arena *a = &c->index->arena;

    switch (letter) {
    case 'C':
        if (copa__apk_checksum_decode(p->checksum, v, len) < 0)
            return fail(c, "C: is not a Q1 (base64) or X1 (hex) SHA-1");
        c->have_checksum = 1;
        return 0;
    case 'P':
        return set_str(c, &p->name, v, len);
    case 'V':
        return set_str(c, &p->version, v, len);
    case 'A':
        return set_str(c, &p->arch, v, len);
    case 'T':
        return set_str(c, &p->description, v, len);
    case 'U':
        return set_str(c, &p->url, v, len);
    case 'L':
        return set_str(c, &p->license, v, len);
    case 'o':
        return set_str(c, &p->origin, v, len);
    case 'm':
        return set_str(c, &p->maintainer, v, len);
    case 'c':
        return set_str(c, &p->commit, v, len);
    case 'S':
        return parse_uint(c, &p->size, v, len);
    case 'I':
        return parse_uint(c, &p->installed_size, v, len);
    case 't':
        return parse_uint(c, &p->build_time, v, len);
    case 'k':
        return parse_uint(c, &p->provider_priority, v, len);
    case 'D':
        return copa__apk_deps_parse(a, &p->depends, c->what, v, len);
    case 'p':
        return copa__apk_deps_parse(a, &p->provides, c->what, v, len);
    case 'i':
        return copa__apk_deps_parse(a, &p->install_if, c->what, v, len);
    default:
        return 0; /* a letter of a newer apk-tools: ignored */
    }
}

static int line(parse_ctx *c, const char *l, size_t len)
{
    int rc;

    if (len > COPA__APK_MAX_LINE)
        return fail(c, "line too long");
    if (len < 2)
        return end_stanza(c);
    if (l[1] != ':')
        return fail(c, "not a 'L:value' line");
    if (c->pkg == NULL && (rc = start_stanza(c)) < 0)
        return rc;
    return field(c, l[0], l + 2, len - 2);
}

int copa__apk_index_parse(copa__apk_index *index, const char *what, const char *text, size_t len)
{
    parse_ctx c = {index, what, 0, 0, NULL, 0};
    size_t pos = 0;
    int rc = 0;

    while (rc == 0 && pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
        c.lineno++;
        rc = line(&c, text + pos, n);
        pos += n + (nl != NULL);
    }
    if (rc == 0)
        rc = end_stanza(&c);
    return rc;
}

void copa__apk_index_free(copa__apk_index *index)
{
    free(index->packages);
    copa__arena_free(&index->arena);
    memset(index, 0, sizeof(*index));
}
