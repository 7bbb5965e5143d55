/*
 * Relationship field parser. Sizes are counted first so that each field
 * needs exactly two arena allocations plus its strings.
 */
#include "repo/depends.h"
#include "copa/pkgversion.h"
#include "util/error.h"

#include <string.h>

typedef struct cursor {
    const char *p;
    const char *end;
    const char *text; /* whole value, for messages */
    size_t len;
} cursor;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_space(cursor *c)
{
    while (c->p < c->end && is_space(*c->p))
        c->p++;
}

static int is_word_char(char c)
{
    /* Printable ASCII except the syntax characters. */
    return (unsigned char)c > 0x20 && (unsigned char)c < 0x7f && strchr(",|()[]<>:", c) == NULL;
}

static int syntax_error(const cursor *c, const char *what)
{
    return copa__error_set(COPA_EINVALID, "bad relationship '%.*s': %s at offset %zu",
                           (int)(c->len > 200 ? 200 : c->len), c->text, what,
                           (size_t)(c->p - c->text));
}

static const char *take_word(cursor *c, copa__arena *arena, const char *what, int *rc)
{
    const char *start = c->p;
    const char *s;
    while (c->p < c->end && is_word_char(*c->p))
        c->p++;
    if (c->p == start) {
        *rc = syntax_error(c, what);
        return NULL;
    }
    s = copa__arena_strndup(arena, start, (size_t)(c->p - start));
    if (s == NULL)
        *rc = copa__error_oom();
    return s;
}

static int parse_relation(cursor *c, copa__apt_relation *rel)
{
    char a = c->p < c->end ? c->p[0] : '\0';
    char b = c->p + 1 < c->end ? c->p[1] : '\0';

    if (a == '<' && b == '<')
        *rel = COPA__REL_LT, c->p += 2;
    else if (a == '<' && b == '=')
        *rel = COPA__REL_LE, c->p += 2;
    else if (a == '>' && b == '>')
        *rel = COPA__REL_GT, c->p += 2;
    else if (a == '>' && b == '=')
        *rel = COPA__REL_GE, c->p += 2;
    else if (a == '=')
        *rel = COPA__REL_EQ, c->p += 1;
    else if (a == '<') /* obsolete form, means <= */
        *rel = COPA__REL_LE, c->p += 1;
    else if (a == '>') /* obsolete form, means >= */
        *rel = COPA__REL_GE, c->p += 1;
    else
        return syntax_error(c, "expected a relation (<<, <=, =, >=, >>)");
    return 0;
}

/* `(rel version)`, the cursor on '('. */
static int parse_constraint(cursor *c, copa__arena *arena, copa__apt_dep *d, unsigned flags)
{
    const char *start;
    int rc;

    c->p++;
    skip_space(c);
    if ((rc = parse_relation(c, &d->rel)) < 0)
        return rc;
    if ((flags & COPA__DEPS_PROVIDES) && d->rel != COPA__REL_EQ)
        return syntax_error(c, "Provides allows only '=' relations");
    skip_space(c);
    start = c->p;
    while (c->p < c->end && !is_space(*c->p) && *c->p != ')')
        c->p++;
    if (c->p == start)
        return syntax_error(c, "missing version");
    d->version = copa__arena_strndup(arena, start, (size_t)(c->p - start));
    if (d->version == NULL)
        return copa__error_oom();
    skip_space(c);
    if (c->p >= c->end || *c->p != ')')
        return syntax_error(c, "expected ')' after the version");
    c->p++;
    return 0;
}

/* Skip `[arch list]` and `<profile list>` restrictions (Sources only). */
static int skip_restrictions(cursor *c, copa__apt_dep *d)
{
    for (;;) {
        char open, close;
        skip_space(c);
        if (c->p >= c->end || (*c->p != '[' && *c->p != '<'))
            return 0;
        open = *c->p;
        close = open == '[' ? ']' : '>';
        while (c->p < c->end && *c->p != close && *c->p != ',' && *c->p != '|')
            c->p++;
        if (c->p >= c->end || *c->p != close)
            return syntax_error(c, open == '[' ? "unterminated '['" : "unterminated '<'");
        c->p++;
        d->restricted = 1;
    }
}

static int parse_alt(cursor *c, copa__arena *arena, copa__apt_dep *d, unsigned flags)
{
    int rc = 0;

    memset(d, 0, sizeof(*d));
    skip_space(c);
    if ((d->name = take_word(c, arena, "missing package name", &rc)) == NULL)
        return rc;
    if (c->p < c->end && *c->p == ':') {
        c->p++;
        if ((d->arch = take_word(c, arena, "missing architecture after ':'", &rc)) == NULL)
            return rc;
    }
    skip_space(c);
    if (c->p < c->end && *c->p == '(' && (rc = parse_constraint(c, arena, d, flags)) < 0)
        return rc;
    if ((rc = skip_restrictions(c, d)) < 0)
        return rc;
    skip_space(c);
    if (c->p < c->end && *c->p != ',' && *c->p != '|')
        return syntax_error(c, "unexpected character");
    return 0;
}

static void count_parts(const char *text, size_t len, size_t *groups, size_t *alts)
{
    size_t i;
    *groups = 1;
    *alts = 1;
    for (i = 0; i < len; i++) {
        if (text[i] == ',')
            (*groups)++, (*alts)++;
        else if (text[i] == '|')
            (*alts)++;
    }
}

static int is_all_space(const char *text, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++)
        if (!is_space(text[i]))
            return 0;
    return 1;
}

int copa__apt_deps_parse(copa__apt_deps *out, copa__arena *arena, const char *text, size_t len,
                         unsigned int flags)
{
    cursor c = {text, text + len, text, len};
    size_t ngroups, nalts;
    copa__apt_dep *alts;
    int rc;

    memset(out, 0, sizeof(*out));
    if (is_all_space(text, len))
        return 0;
    count_parts(text, len, &ngroups, &nalts);
    out->groups = copa__arena_alloc(arena, ngroups * sizeof(*out->groups));
    alts = copa__arena_alloc(arena, nalts * sizeof(*alts));
    if (out->groups == NULL || alts == NULL)
        return copa__error_oom();
    for (;;) {
        copa__apt_dep_group *g = &out->groups[out->count++];
        g->alts = alts;
        g->count = 0;
        for (;;) {
            if ((rc = parse_alt(&c, arena, &g->alts[g->count++], flags)) < 0)
                return rc;
            alts++;
            if (c.p >= c.end || *c.p != '|')
                break;
            if (flags & COPA__DEPS_PROVIDES)
                return syntax_error(&c, "Provides allows no alternatives ('|')");
            c.p++;
        }
        if (c.p >= c.end)
            return 0;
        c.p++; /* ',' */
    }
}

const char *copa__apt_relation_str(copa__apt_relation rel)
{
    static const char *const names[] = {"", "<<", "<=", "=", ">=", ">>"};
    return (unsigned)rel < sizeof(names) / sizeof(names[0]) ? names[rel] : "?";
}

int copa__apt_version_satisfies(int *out, const char *have, copa__apt_relation rel,
                                const char *want)
{
    int cmp, rc;

    *out = 0;
    if (rel == COPA__REL_ANY) {
        *out = 1;
        return 0;
    }
    if ((rc = copa_version_compare(&cmp, COPA_PKG_DEB, have, want)) < 0)
        return rc;
    switch (rel) {
    case COPA__REL_LT:
        *out = cmp < 0;
        break;
    case COPA__REL_LE:
        *out = cmp <= 0;
        break;
    case COPA__REL_EQ:
        *out = cmp == 0;
        break;
    case COPA__REL_GE:
        *out = cmp >= 0;
        break;
    case COPA__REL_GT:
        *out = cmp > 0;
        break;
    default:
        return copa__error_set(COPA_EINVALID, "unknown relation %d", (int)rel);
    }
    return 0;
}
