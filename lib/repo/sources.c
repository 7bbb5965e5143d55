/*
 * Source records and the one-line format:
 *   deb [ option=value ... ] URI SUITE [COMPONENT ...]   # comment
 */
#include "repo/sources.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void copa__apt_sources_init(copa__apt_sources *s)
{
    memset(s, 0, sizeof(*s));
    copa__arena_init(&s->arena);
}

void copa__apt_sources_free(copa__apt_sources *s)
{
    if (s == NULL)
        return;
    free(s->items);
    copa__arena_free(&s->arena);
    memset(s, 0, sizeof(*s));
}

copa__apt_source *copa__apt_sources_push(copa__apt_sources *s, const char *file, size_t line)
{
    copa__apt_source *src;
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        copa__apt_source *grown = realloc(s->items, cap * sizeof(*grown));
        if (grown == NULL)
            return NULL;
        s->items = grown;
        s->cap = cap;
    }
    src = &s->items[s->count];
    memset(src, 0, sizeof(*src));
    src->check_valid_until = 1;
    src->line = line;
    if ((src->file = copa__arena_strndup(&s->arena, file, strlen(file))) == NULL)
        return NULL;
    s->count++;
    return src;
}

int copa__apt_sources_split(copa__apt_sources *s, const char *text, size_t len,
                            const char *separators, const char ***out, size_t *count)
{
    size_t i = 0, n = 0, cap = 1;
    const char **list;

    for (i = 0; i < len; i++)
        cap += strchr(separators, text[i]) != NULL;
    if ((list = copa__arena_alloc(&s->arena, cap * sizeof(*list))) == NULL)
        return copa__error_oom();
    for (i = 0; i < len;) {
        size_t start;
        while (i < len && strchr(separators, text[i]) != NULL)
            i++;
        start = i;
        while (i < len && strchr(separators, text[i]) == NULL)
            i++;
        if (i > start &&
            (list[n++] = copa__arena_strndup(&s->arena, text + start, i - start)) == NULL)
            return copa__error_oom();
    }
    *out = list;
    *count = n;
    return 0;
}

/* Rules shared by both formats, checked once a record is complete. */
int copa__apt_sources_check(const copa__apt_source *src)
{
    if (strncasecmp(src->uri, "cdrom:", 6) == 0)
        return copa__error_set(COPA_EUNSUPPORTED, "%s:%zu: cdrom: sources are not supported",
                               src->file, src->line);
    if (strchr(src->uri, ':') == NULL)
        return copa__error_set(COPA_EINVALID, "%s:%zu: '%s' is not a URI", src->file, src->line,
                               src->uri);
    if (src->flat && src->component_count > 0)
        return copa__error_set(COPA_EINVALID,
                               "%s:%zu: suite '%s' is an exact path (ends in '/') and must not "
                               "have components",
                               src->file, src->line, src->suite);
    if (!src->flat && src->component_count == 0)
        return copa__error_set(COPA_EINVALID, "%s:%zu: suite '%s' needs at least one component",
                               src->file, src->line, src->suite);
    return 0;
}

/* Options that change nothing for us: accepted and ignored. */
static int ignored_option(const char *key)
{
    static const char *const keys[] = {"lang",
                                       "target",
                                       "pdiffs",
                                       "by-hash",
                                       "allow-insecure",
                                       "allow-weak",
                                       "allow-downgrade-to-insecure",
                                       "check-date",
                                       "date-max-future",
                                       "valid-until-min",
                                       "valid-until-max",
                                       "inrelease-path",
                                       "snapshot",
                                       NULL};
    size_t i;
    for (i = 0; keys[i] != NULL; i++)
        if (strcmp(keys[i], key) == 0)
            return 1;
    return 0;
}

static int parse_bool(int *out, const char *value)
{
    if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 || strcmp(value, "1") == 0)
        *out = 1;
    else if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0 || strcmp(value, "0") == 0)
        *out = 0;
    else
        return -1;
    return 0;
}

/* One `key=value`, `key+=value` or `key-=value` inside [ ]. */
static int apply_option(copa__apt_sources *s, copa__apt_source *src, const char *opt)
{
    const char *eq = strchr(opt, '=');
    char key[64];
    size_t klen;
    char op = '=';
    int rc = 0;

    if (eq == NULL || eq == opt)
        return copa__error_set(COPA_EINVALID, "%s:%zu: option '%s' is not key=value", src->file,
                               src->line, opt);
    klen = (size_t)(eq - opt);
    if (eq[-1] == '+' || eq[-1] == '-')
        op = eq[-1], klen--;
    if (klen == 0 || klen >= sizeof(key))
        return copa__error_set(COPA_EINVALID, "%s:%zu: bad option '%s'", src->file, src->line, opt);
    memcpy(key, opt, klen);
    key[klen] = '\0';
    if (ignored_option(key))
        return 0;
    if (op != '=')
        return copa__error_set(COPA_EUNSUPPORTED,
                               "%s:%zu: option '%s' uses '%c=', which is not supported; list the "
                               "values with '='",
                               src->file, src->line, key, op);
    if (strcmp(key, "arch") == 0)
        return copa__apt_sources_split(s, eq + 1, strlen(eq + 1), ",", &src->archs,
                                       &src->arch_count);
    if (strcmp(key, "signed-by") == 0)
        return copa__apt_sources_split(s, eq + 1, strlen(eq + 1), ",", &src->signed_by,
                                       &src->signed_by_count);
    if (strcmp(key, "trusted") == 0)
        rc = parse_bool(&src->trusted, eq + 1);
    else if (strcmp(key, "check-valid-until") == 0)
        rc = parse_bool(&src->check_valid_until, eq + 1);
    /* Options newer than this code are ignored, as apt does with unknown ones. */
    if (rc < 0)
        return copa__error_set(COPA_EINVALID, "%s:%zu: option %s needs yes or no, not '%s'",
                               src->file, src->line, key, eq + 1);
    return 0;
}

static char *next_token(char **p)
{
    char *start;
    while (**p == ' ' || **p == '\t')
        (*p)++;
    if (**p == '\0')
        return NULL;
    start = *p;
    while (**p != '\0' && **p != ' ' && **p != '\t')
        (*p)++;
    if (**p != '\0')
        *(*p)++ = '\0';
    return start;
}

/* The `[ ... ]` block right after the type; `*p` is moved past it. */
static int parse_options(copa__apt_sources *s, copa__apt_source *src, char **p)
{
    char *close, *opt;
    while (**p == ' ' || **p == '\t')
        (*p)++;
    if (**p != '[')
        return 0;
    if ((close = strchr(*p, ']')) == NULL)
        return copa__error_set(COPA_EINVALID, "%s:%zu: '[' without ']'", src->file, src->line);
    *close = '\0';
    (*p)++;
    while ((opt = next_token(p)) != NULL) {
        int rc = apply_option(s, src, opt);
        if (rc < 0)
            return rc;
    }
    *p = close + 1;
    return 0;
}

static int parse_line(copa__apt_sources *s, const char *file, size_t lineno, char *line)
{
    char *p = line, *type, *uri, *suite, *comp;
    copa__apt_source *src;
    size_t ncomp = 0, cap = 0;
    int rc;

    if ((type = next_token(&p)) == NULL)
        return 0;
    if (strcmp(type, "deb-src") == 0) {
        s->skipped++;
        return 0;
    }
    if (strcmp(type, "deb") != 0)
        return copa__error_set(COPA_EINVALID, "%s:%zu: unknown type '%s' (expected deb or deb-src)",
                               file, lineno, type);
    if ((src = copa__apt_sources_push(s, file, lineno)) == NULL)
        return copa__error_oom();
    if ((rc = parse_options(s, src, &p)) < 0)
        return rc;
    if ((uri = next_token(&p)) == NULL || (suite = next_token(&p)) == NULL)
        return copa__error_set(COPA_EINVALID, "%s:%zu: expected 'deb URI SUITE [COMPONENT...]'",
                               file, lineno);
    while (strlen(uri) > 1 && uri[strlen(uri) - 1] == '/' && uri[strlen(uri) - 2] != '/')
        uri[strlen(uri) - 1] = '\0';
    src->uri = copa__arena_strndup(&s->arena, uri, strlen(uri));
    src->suite = copa__arena_strndup(&s->arena, suite, strlen(suite));
    src->flat = suite[strlen(suite) - 1] == '/';
    cap = strlen(p) / 2 + 1;
    src->components = copa__arena_alloc(&s->arena, cap * sizeof(char *));
    if (src->uri == NULL || src->suite == NULL || src->components == NULL)
        return copa__error_oom();
    while ((comp = next_token(&p)) != NULL && ncomp < cap)
        if ((src->components[ncomp++] = copa__arena_strndup(&s->arena, comp, strlen(comp))) == NULL)
            return copa__error_oom();
    src->component_count = ncomp;
    return copa__apt_sources_check(src);
}

int copa__apt_sources_parse_list(copa__apt_sources *s, const char *file, const char *text,
                                 size_t len)
{
    size_t pos = 0, lineno = 1, before = s->count;
    int rc = 0;

    while (pos < len && rc == 0) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        char *line, *c;
        if (memchr(text + pos, '\0', end - pos) != NULL) {
            rc = copa__error_set(COPA_EINVALID, "%s:%zu: NUL byte in line", file, lineno);
            break;
        }
        if ((line = malloc(end - pos + 1)) == NULL) {
            rc = copa__error_oom();
            break;
        }
        memcpy(line, text + pos, end - pos);
        line[end - pos] = '\0';
        if ((c = strchr(line, '#')) != NULL)
            *c = '\0'; /* apt ends a line at '#' */
        for (c = line; *c; c++)
            if (*c == '\r')
                *c = ' ';
        rc = parse_line(s, file, lineno, line);
        free(line);
        pos = end + 1;
        lineno++;
    }
    if (rc < 0)
        s->count = before; /* no half-made records */
    return rc;
}

int copa__apt_sources_parse_file(copa__apt_sources *s, const char *file, const char *text,
                                 size_t len)
{
    size_t n = strlen(file);
    if (n >= 8 && strcmp(file + n - 8, ".sources") == 0)
        return copa__apt_sources_parse_deb822(s, file, text, len);
    return copa__apt_sources_parse_list(s, file, text, len);
}
