/*
 * deb822 .sources files: each stanza lists Types, URIs, Suites and
 * Components and expands to one record per (URI, suite) pair.
 */
#include "repo/deb822.h"
#include "repo/sources.h"
#include "util/error.h"

#include <string.h>
#include <strings.h>

#define ARMOR_BEGIN "-----BEGIN PGP PUBLIC KEY BLOCK-----"

typedef struct stanza_values {
    const char **types, **uris, **suites, **components, **archs, **signed_by;
    size_t ntypes, nuris, nsuites, ncomponents, narchs, nsigned_by;
    const char *key;
    int trusted, check_valid_until, enabled;
} stanza_values;

static int words(copa__apt_sources *s, const copa__deb822_field *f, const char ***out,
                 size_t *count)
{
    return copa__apt_sources_split(s, f->value, f->value_len, " \t\r\n", out, count);
}

static int boolean(const char *file, const copa__deb822_field *f, int *out)
{
    if (f->value_len == 3 && strncasecmp(f->value, "yes", 3) == 0)
        *out = 1;
    else if (f->value_len == 2 && strncasecmp(f->value, "no", 2) == 0)
        *out = 0;
    else
        return copa__error_set(COPA_EINVALID, "%s:%zu: %.*s must be yes or no", file, f->line,
                               (int)f->name_len, f->name);
    return 0;
}

/* Signed-By: key file paths / fingerprints, or one inline armored key. */
static int signed_by(copa__apt_sources *s, const copa__deb822_field *f, stanza_values *v)
{
    char *key;
    if (memmem(f->value, f->value_len, ARMOR_BEGIN, strlen(ARMOR_BEGIN)) == NULL)
        return copa__apt_sources_split(s, f->value, f->value_len, " \t\r\n,", &v->signed_by,
                                       &v->nsigned_by);
    if ((key = copa__arena_alloc(&s->arena, f->value_len + 2)) == NULL)
        return copa__error_oom();
    copa__deb822_lines(f, key);
    strcat(key, "\n");
    v->key = key;
    return 0;
}

static int read_field(copa__apt_sources *s, const char *file, const copa__deb822_field *f,
                      stanza_values *v)
{
    if (copa__deb822_is(f, "Types"))
        return words(s, f, &v->types, &v->ntypes);
    if (copa__deb822_is(f, "URIs"))
        return words(s, f, &v->uris, &v->nuris);
    if (copa__deb822_is(f, "Suites"))
        return words(s, f, &v->suites, &v->nsuites);
    if (copa__deb822_is(f, "Components"))
        return words(s, f, &v->components, &v->ncomponents);
    if (copa__deb822_is(f, "Architectures"))
        return words(s, f, &v->archs, &v->narchs);
    if (copa__deb822_is(f, "Signed-By"))
        return signed_by(s, f, v);
    if (copa__deb822_is(f, "Enabled"))
        return boolean(file, f, &v->enabled);
    if (copa__deb822_is(f, "Trusted"))
        return boolean(file, f, &v->trusted);
    if (copa__deb822_is(f, "Check-Valid-Until"))
        return boolean(file, f, &v->check_valid_until);
    if (copa__deb822_is(f, "Architectures-Add") || copa__deb822_is(f, "Architectures-Remove"))
        return copa__error_set(COPA_EUNSUPPORTED,
                               "%s:%zu: %.*s is not supported; list them in Architectures", file,
                               f->line, (int)f->name_len, f->name);
    return 0; /* Languages, Targets, PDiffs, By-Hash, X-Repolib-*, ...: no effect here */
}

/* Which of Types we use: 1 for deb, 0 when only deb-src, error otherwise. */
static int wants_deb(const char *file, size_t line, const stanza_values *v)
{
    size_t i;
    int deb = 0;
    if (v->ntypes == 0)
        return copa__error_set(COPA_EINVALID, "%s:%zu: stanza without Types", file, line);
    for (i = 0; i < v->ntypes; i++) {
        if (strcmp(v->types[i], "deb") == 0)
            deb = 1;
        else if (strcmp(v->types[i], "deb-src") != 0)
            return copa__error_set(COPA_EINVALID,
                                   "%s:%zu: unknown type '%s' (expected deb or deb-src)", file,
                                   line, v->types[i]);
    }
    return deb;
}

static int emit(copa__apt_sources *s, const char *file, size_t line, const stanza_values *v,
                const char *uri, const char *suite)
{
    copa__apt_source *src = copa__apt_sources_push(s, file, line);
    size_t n = strlen(uri);

    if (src == NULL)
        return copa__error_oom();
    while (n > 1 && uri[n - 1] == '/' && uri[n - 2] != '/')
        n--;
    if ((src->uri = copa__arena_strndup(&s->arena, uri, n)) == NULL)
        return copa__error_oom();
    src->suite = suite;
    src->flat = suite[strlen(suite) - 1] == '/';
    src->components = v->components;
    src->component_count = v->ncomponents;
    src->archs = v->archs;
    src->arch_count = v->narchs;
    src->signed_by = v->signed_by;
    src->signed_by_count = v->nsigned_by;
    src->signed_by_key = v->key;
    src->trusted = v->trusted;
    src->check_valid_until = v->check_valid_until;
    return copa__apt_sources_check(src);
}

static int parse_stanza(copa__apt_sources *s, const char *file, const copa__deb822_stanza *st)
{
    stanza_values v;
    size_t i, j;
    int rc;

    memset(&v, 0, sizeof(v));
    v.enabled = 1;
    v.check_valid_until = 1;
    for (i = 0; i < st->count; i++)
        if ((rc = read_field(s, file, &st->fields[i], &v)) < 0)
            return rc;
    if (!v.enabled) {
        s->skipped++;
        return 0;
    }
    if ((rc = wants_deb(file, st->line, &v)) <= 0) {
        s->skipped += rc == 0;
        return rc;
    }
    if (v.nuris == 0 || v.nsuites == 0)
        return copa__error_set(COPA_EINVALID, "%s:%zu: stanza without %s", file, st->line,
                               v.nuris == 0 ? "URIs" : "Suites");
    for (i = 0; i < v.nuris; i++)
        for (j = 0; j < v.nsuites; j++)
            if ((rc = emit(s, file, st->line, &v, v.uris[i], v.suites[j])) < 0)
                return rc;
    return 0;
}

int copa__apt_sources_parse_deb822(copa__apt_sources *s, const char *file, const char *text,
                                   size_t len)
{
    copa__deb822_parser p;
    copa__deb822_stanza st;
    size_t before = s->count;
    int rc;

    copa__deb822_init(&p, file, COPA__DEB822_COMMENTS);
    copa__deb822_feed(&p, text, len, 1);
    while ((rc = copa__deb822_next(&p, &st)) == 1)
        if ((rc = parse_stanza(s, file, &st)) < 0)
            break;
    copa__deb822_free(&p);
    if (rc < 0)
        s->count = before; /* no half-made records */
    return rc < 0 ? rc : 0;
}
