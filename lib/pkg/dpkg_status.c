/*
 * Parsing dpkg status stanzas into copa__dpkg_pkg records.
 */
#include "pkg/dpkg_status.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const want_names[] = {"unknown", "install", "hold", "deinstall", "purge"};
static const char *const flag_names[] = {"ok", "reinstreq"};
static const char *const state_names[] = {"not-installed",    "config-files",    "half-installed",
                                          "unpacked",         "half-configured", "triggers-awaited",
                                          "triggers-pending", "installed"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *copa__dpkg_want_name(copa__dpkg_want want)
{
    return (size_t)want < COUNT(want_names) ? want_names[want] : "?";
}

const char *copa__dpkg_flag_name(copa__dpkg_flag flag)
{
    return (size_t)flag < COUNT(flag_names) ? flag_names[flag] : "?";
}

const char *copa__dpkg_state_name(copa__dpkg_state state)
{
    return (size_t)state < COUNT(state_names) ? state_names[state] : "?";
}

int copa__dpkg_pkg_is_installed(const copa__dpkg_pkg *pkg)
{
    return pkg->state == COPA__DPKG_INSTALLED && pkg->flag == COPA__DPKG_FLAG_OK &&
           (pkg->want == COPA__DPKG_WANT_INSTALL || pkg->want == COPA__DPKG_WANT_HOLD);
}

const char *copa__dpkg_pkg_field(const copa__dpkg_pkg *pkg, const char *name, size_t *len)
{
    size_t i;
    for (i = 0; i < pkg->field_count; i++)
        if (copa__deb822_is(&pkg->fields[i], name)) {
            if (len != NULL)
                *len = pkg->fields[i].value_len;
            return pkg->fields[i].value;
        }
    return NULL;
}

/* Match the next blank-separated word of [*c, end) against `names`. */
static int next_word(const char **c, const char *end, const char *const *names, size_t n)
{
    const char *w;
    size_t i, len;

    while (*c < end && (**c == ' ' || **c == '\t'))
        (*c)++;
    w = *c;
    while (*c < end && **c != ' ' && **c != '\t')
        (*c)++;
    len = (size_t)(*c - w);
    for (i = 0; i < n; i++)
        if (strlen(names[i]) == len && memcmp(names[i], w, len) == 0)
            return (int)i;
    return -1;
}

static int parse_status_field(copa__dpkg_pkg *pkg, const copa__deb822_field *f, const char *file)
{
    const char *c = f->value, *end = f->value + f->value_len;
    int want = next_word(&c, end, want_names, COUNT(want_names));
    int flag = next_word(&c, end, flag_names, COUNT(flag_names));
    int state = next_word(&c, end, state_names, COUNT(state_names));

    while (c < end && (*c == ' ' || *c == '\t'))
        c++;
    if (want < 0 || flag < 0 || state < 0 || c != end)
        return copa__error_set(COPA_EINVALID,
                               "%s:%zu: package %s: Status '%.*s' is not 'WANT FLAG STATE'", file,
                               f->line, pkg->name, (int)f->value_len, f->value);
    pkg->want = (copa__dpkg_want)want;
    pkg->flag = (copa__dpkg_flag)flag;
    pkg->state = (copa__dpkg_state)state;
    return 0;
}

static int conffile_line(copa__dpkg_conffile *cf, copa__arena *arena, const char *s, const char *e,
                         const char *where)
{
    const char *words[4], *start = s;
    size_t lens[4], n = 0, i;

    while (s < e && n < 4) {
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        if (s == e)
            break;
        words[n] = s;
        while (s < e && *s != ' ' && *s != '\t')
            s++;
        lens[n] = (size_t)(s - words[n]);
        n++;
    }
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    if (n < 2 || s != e || words[0][0] != '/')
        return copa__error_set(COPA_EINVALID,
                               "%s: Conffiles line '%.*s' is not '/PATH HASH [FLAGS]'", where,
                               (int)(e - start), start);
    cf->flags = 0;
    for (i = 2; i < n; i++) {
        if (lens[i] == 8 && memcmp(words[i], "obsolete", 8) == 0)
            cf->flags |= COPA__CONFFILE_OBSOLETE;
        else if (lens[i] == 17 && memcmp(words[i], "remove-on-upgrade", 17) == 0)
            cf->flags |= COPA__CONFFILE_REMOVE_ON_UPGRADE;
        else
            return copa__error_set(COPA_EINVALID, "%s: unknown Conffiles flag '%.*s' for %.*s",
                                   where, (int)lens[i], words[i], (int)lens[0], words[0]);
    }
    cf->path = copa__arena_strndup(arena, words[0], lens[0]);
    cf->md5 = copa__arena_strndup(arena, words[1], lens[1]);
    return cf->path != NULL && cf->md5 != NULL ? 0 : copa__error_oom();
}

int copa__dpkg_conffiles_parse(copa__dpkg_conffile **out, size_t *count, copa__arena *arena,
                               const char *value, size_t len, const char *where)
{
    const char *c = value, *end = value + len;
    size_t lines = 1, n = 0, i;
    copa__dpkg_conffile *arr;

    for (i = 0; i < len; i++)
        lines += value[i] == '\n';
    arr = copa__arena_alloc(arena, lines * sizeof(*arr));
    if (arr == NULL)
        return copa__error_oom();
    while (c < end) {
        const char *nl = memchr(c, '\n', (size_t)(end - c));
        const char *le = nl != NULL ? nl : end, *s = c;
        int rc;
        while (s < le && (*s == ' ' || *s == '\t' || *s == '\r'))
            s++;
        while (le > s && (le[-1] == ' ' || le[-1] == '\t' || le[-1] == '\r'))
            le--;
        if (s < le && (rc = conffile_line(&arr[n++], arena, s, le, where)) < 0)
            return rc;
        c = nl != NULL ? nl + 1 : end;
    }
    *out = arr;
    *count = n;
    return 0;
}

static const char *dup_field(copa__arena *a, const copa__deb822_stanza *s, const char *name,
                             int unfold)
{
    const copa__deb822_field *f = copa__deb822_get(s, name);
    char *dst;
    if (f == NULL)
        return NULL;
    if (!unfold)
        return copa__arena_strndup(a, f->value, f->value_len);
    dst = copa__arena_alloc(a, f->value_len + 1);
    if (dst != NULL)
        copa__deb822_unfold(f, dst);
    return dst;
}

/* "Source: name (version)" into its two parts. */
static int split_source(copa__dpkg_pkg *pkg, copa__arena *a, const char *src)
{
    const char *sp = strchr(src, ' '), *open, *close;

    if (sp == NULL) {
        pkg->source = src;
        return 0;
    }
    pkg->source = copa__arena_strndup(a, src, (size_t)(sp - src));
    open = strchr(sp, '(');
    close = open != NULL ? strchr(open, ')') : NULL;
    if (open != NULL && close != NULL) {
        const char *v = open + 1;
        while (*v == ' ')
            v++;
        while (close > v && close[-1] == ' ')
            close--;
        pkg->source_version = copa__arena_strndup(a, v, (size_t)(close - v));
    }
    return pkg->source != NULL ? 0 : copa__error_oom();
}

static int fill_strings(copa__dpkg_pkg *pkg, copa__arena *a, const copa__deb822_stanza *s)
{
    const char *src, *ess;
    static const char empty[] = "";

    pkg->arch = dup_field(a, s, "Architecture", 0);
    pkg->version = dup_field(a, s, "Version", 0);
    pkg->multi_arch = dup_field(a, s, "Multi-Arch", 0);
    pkg->depends = dup_field(a, s, "Depends", 1);
    pkg->pre_depends = dup_field(a, s, "Pre-Depends", 1);
    pkg->provides = dup_field(a, s, "Provides", 1);
    pkg->breaks = dup_field(a, s, "Breaks", 1);
    pkg->conflicts = dup_field(a, s, "Conflicts", 1);
    pkg->replaces = dup_field(a, s, "Replaces", 1);
    ess = dup_field(a, s, "Essential", 0);
    pkg->essential = ess != NULL && strcasecmp(ess, "yes") == 0;
    if (pkg->arch == NULL)
        pkg->arch = empty;
    if (pkg->version == NULL)
        pkg->version = empty;
    if (pkg->multi_arch == NULL)
        pkg->multi_arch = empty;
    src = dup_field(a, s, "Source", 1);
    pkg->source = pkg->name;
    if (src != NULL && split_source(pkg, a, src) < 0)
        return COPA_ENOMEM;
    if (pkg->source_version == NULL)
        pkg->source_version = pkg->version;
    return 0;
}

static int parse_stanza(copa__dpkg_status *st, copa__dpkg_pkg *pkg, const copa__deb822_stanza *s)
{
    copa__arena *a = &st->arena;
    const copa__deb822_field *f;
    char where[64];
    int rc;

    memset(pkg, 0, sizeof(*pkg));
    pkg->offset = s->offset;
    pkg->raw_len = s->raw_len;
    pkg->line = s->line;
    pkg->name = dup_field(a, s, "Package", 0);
    if (pkg->name == NULL || pkg->name[0] == '\0')
        return copa__error_set(COPA_EINVALID, "%s:%zu: stanza without a Package field", st->name,
                               s->line);
    if ((rc = fill_strings(pkg, a, s)) < 0)
        return rc;
    pkg->field_count = s->count;
    pkg->fields = copa__arena_alloc(a, s->count * sizeof(*pkg->fields) + 1);
    if (pkg->fields == NULL)
        return copa__error_oom();
    if (s->count > 0)
        memcpy(pkg->fields, s->fields, s->count * sizeof(*pkg->fields));
    f = copa__deb822_get(s, "Status");
    if (f != NULL) {
        if ((rc = parse_status_field(pkg, f, st->name)) < 0)
            return rc;
    } else if (st->flags & COPA__DPKG_STATUS_D) {
        pkg->want = COPA__DPKG_WANT_INSTALL;
        pkg->state = COPA__DPKG_INSTALLED;
    }
    f = copa__deb822_get(s, "Conffiles");
    snprintf(where, sizeof(where), "%.40s:%zu", st->name, f != NULL ? f->line : s->line);
    if (f != NULL && (rc = copa__dpkg_conffiles_parse(&pkg->conffiles, &pkg->conffile_count, a,
                                                      f->value, f->value_len, where)) < 0)
        return rc;
    return 0;
}

static int push_pkg(copa__dpkg_status *st, size_t *cap)
{
    copa__dpkg_pkg *grown;
    if (st->count < *cap)
        return 0;
    *cap = *cap ? *cap * 2 : 64;
    grown = realloc(st->pkgs, *cap * sizeof(*grown));
    if (grown == NULL)
        return copa__error_oom();
    st->pkgs = grown;
    return 0;
}

int copa__dpkg_status_parse(copa__dpkg_status **out, const char *name, const char *text, size_t len,
                            unsigned int flags)
{
    copa__dpkg_status *st = calloc(1, sizeof(*st));
    copa__deb822_parser p;
    copa__deb822_stanza s;
    size_t cap = 0;
    int rc;

    *out = NULL;
    if (st == NULL || (st->name = strdup(name)) == NULL || (st->text = malloc(len + 1)) == NULL) {
        copa__dpkg_status_free(st);
        return copa__error_oom();
    }
    if (len > 0)
        memcpy(st->text, text, len);
    st->text[len] = '\0';
    st->len = len;
    st->flags = flags;
    copa__arena_init(&st->arena);
    copa__deb822_init(&p, st->name, 0);
    copa__deb822_feed(&p, st->text, len, 1);
    while ((rc = copa__deb822_next(&p, &s)) == 1) {
        if ((rc = push_pkg(st, &cap)) < 0 || (rc = parse_stanza(st, &st->pkgs[st->count], &s)) < 0)
            break;
        st->count++;
    }
    copa__deb822_free(&p);
    if (rc < 0) {
        copa__dpkg_status_free(st);
        return rc;
    }
    *out = st;
    return 0;
}

void copa__dpkg_status_free(copa__dpkg_status *st)
{
    if (st == NULL)
        return;
    copa__arena_free(&st->arena);
    free(st->pkgs);
    free(st->text);
    free(st->name);
    free(st);
}
