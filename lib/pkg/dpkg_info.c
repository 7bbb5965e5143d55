/*
 * Line-oriented dpkg database files.
 */
#include "pkg/dpkg_info.h"
#include "util/error.h"

#include <string.h>

/* Iterate lines: returns 1 with [*s, *e) (no newline, no '\r'), 0 at the end. */
static int next_line(const char **pos, const char *end, const char **s, const char **e)
{
    const char *nl;
    if (*pos >= end)
        return 0;
    nl = memchr(*pos, '\n', (size_t)(end - *pos));
    *s = *pos;
    *e = nl != NULL ? nl : end;
    *pos = nl != NULL ? nl + 1 : end;
    return 1;
}

static size_t count_lines(const char *text, size_t len)
{
    size_t n = 1, i;
    for (i = 0; i < len; i++)
        n += text[i] == '\n';
    return n;
}

static void *alloc_array(copa__arena *a, size_t n, size_t size)
{
    return copa__arena_alloc(a, n * size + 1);
}

int copa__dpkg_list_parse(copa__dpkg_list *out, copa__arena *arena, const char *text, size_t len,
                          const char *name)
{
    const char *pos = text, *end = text + len, *s, *e;
    size_t line = 0;

    out->count = 0;
    out->paths = alloc_array(arena, count_lines(text, len), sizeof(*out->paths));
    if (out->paths == NULL)
        return copa__error_oom();
    while (next_line(&pos, end, &s, &e)) {
        line++;
        if (s == e)
            continue;
        if (*s != '/')
            return copa__error_set(COPA_EINVALID, "%s:%zu: '%.*s' is not an absolute path", name,
                                   line, (int)(e - s), s);
        if ((out->paths[out->count++] = copa__arena_strndup(arena, s, (size_t)(e - s))) == NULL)
            return copa__error_oom();
    }
    return 0;
}

static int is_hex32(const char *s, const char *e)
{
    const char *c;
    if (e - s != 32)
        return 0;
    for (c = s; c < e; c++)
        if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f') || (*c >= 'A' && *c <= 'F')))
            return 0;
    return 1;
}

int copa__dpkg_md5sums_parse(copa__dpkg_md5sums *out, copa__arena *arena, const char *text,
                             size_t len, const char *name)
{
    const char *pos = text, *end = text + len, *s, *e;
    size_t line = 0;

    out->count = 0;
    out->entries = alloc_array(arena, count_lines(text, len), sizeof(*out->entries));
    if (out->entries == NULL)
        return copa__error_oom();
    while (next_line(&pos, end, &s, &e)) {
        copa__dpkg_md5sum *m = &out->entries[out->count];
        const char *p;
        line++;
        if (s == e)
            continue;
        /* md5sum(1) output: hash, a blank, then ' ' (text) or '*' (binary) */
        if (e - s < 35 || !is_hex32(s, s + 32) || s[32] != ' ' || (s[33] != ' ' && s[33] != '*'))
            return copa__error_set(COPA_EINVALID, "%s:%zu: expected '<md5>  <path>', got '%.*s'",
                                   name, line, (int)(e - s), s);
        p = s + 34;
        if (*p == '/')
            p++;
        m->md5 = copa__arena_strndup(arena, s, 32);
        m->path = copa__arena_strndup(arena, p, (size_t)(e - p));
        if (m->md5 == NULL || m->path == NULL)
            return copa__error_oom();
        out->count++;
    }
    return 0;
}

const char *copa__dpkg_md5sums_find(const copa__dpkg_md5sums *sums, const char *path)
{
    size_t i;
    while (*path == '/')
        path++;
    for (i = 0; i < sums->count; i++)
        if (strcmp(sums->entries[i].path, path) == 0)
            return sums->entries[i].md5;
    return NULL;
}

int copa__dpkg_diversions_parse(copa__dpkg_diversions *out, copa__arena *arena, const char *text,
                                size_t len, const char *name)
{
    const char *pos = text, *end = text + len, *s[3], *e[3];
    size_t line = 0;

    out->count = 0;
    out->entries = alloc_array(arena, count_lines(text, len) / 3 + 1, sizeof(*out->entries));
    if (out->entries == NULL)
        return copa__error_oom();
    while (next_line(&pos, end, &s[0], &e[0])) {
        copa__dpkg_diversion *d = &out->entries[out->count];
        line++;
        if (!next_line(&pos, end, &s[1], &e[1]) || !next_line(&pos, end, &s[2], &e[2]))
            return copa__error_set(COPA_EINVALID,
                                   "%s:%zu: truncated diversion (expected 3 lines: path, "
                                   "diverted-to, package)",
                                   name, line);
        if (s[0] == e[0] || *s[0] != '/' || s[1] == e[1] || *s[1] != '/' || s[2] == e[2])
            return copa__error_set(COPA_EINVALID, "%s:%zu: malformed diversion of '%.*s'", name,
                                   line, (int)(e[0] - s[0]), s[0]);
        line += 2;
        d->from = copa__arena_strndup(arena, s[0], (size_t)(e[0] - s[0]));
        d->to = copa__arena_strndup(arena, s[1], (size_t)(e[1] - s[1]));
        d->package = e[2] - s[2] == 1 && *s[2] == ':'
                         ? NULL
                         : copa__arena_strndup(arena, s[2], (size_t)(e[2] - s[2]));
        if (d->from == NULL || d->to == NULL || (d->package == NULL && *s[2] != ':'))
            return copa__error_oom();
        out->count++;
    }
    return 0;
}

const char *copa__dpkg_diversions_apply(const copa__dpkg_diversions *d, const char *path,
                                        const char *pkg)
{
    size_t i;
    for (i = 0; i < d->count; i++) {
        if (strcmp(d->entries[i].from, path) != 0)
            continue;
        if (d->entries[i].package != NULL && pkg != NULL && strcmp(d->entries[i].package, pkg) == 0)
            return path; /* a package's own diversion does not apply to itself */
        return d->entries[i].to;
    }
    return path;
}

/* Split a line into at most `max` blank-separated words; the last takes the rest. */
static size_t split_words(const char *s, const char *e, const char **w, size_t *wl, size_t max)
{
    size_t n = 0;
    while (s < e && n < max) {
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        if (s == e)
            break;
        w[n] = s;
        if (n + 1 == max)
            s = e;
        else
            while (s < e && *s != ' ' && *s != '\t')
                s++;
        wl[n] = (size_t)(s - w[n]);
        n++;
    }
    return n;
}

static int parse_mode(unsigned int *mode, const char *s, size_t n)
{
    size_t i;
    *mode = 0;
    if (n == 0 || n > 7)
        return -1;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '7')
            return -1;
        *mode = *mode * 8 + (unsigned)(s[i] - '0');
    }
    return *mode <= 07777 ? 0 : -1;
}

int copa__dpkg_statoverride_parse(copa__dpkg_statoverrides *out, copa__arena *arena,
                                  const char *text, size_t len, const char *name)
{
    const char *pos = text, *end = text + len, *s, *e, *w[4];
    size_t line = 0, wl[4];

    out->count = 0;
    out->entries = alloc_array(arena, count_lines(text, len), sizeof(*out->entries));
    if (out->entries == NULL)
        return copa__error_oom();
    while (next_line(&pos, end, &s, &e)) {
        copa__dpkg_statoverride *o = &out->entries[out->count];
        line++;
        if (s == e)
            continue;
        if (split_words(s, e, w, wl, 4) != 4 || parse_mode(&o->mode, w[2], wl[2]) < 0 ||
            *w[3] != '/')
            return copa__error_set(COPA_EINVALID,
                                   "%s:%zu: expected 'USER GROUP MODE /PATH', got '%.*s'", name,
                                   line, (int)(e - s), s);
        o->user = copa__arena_strndup(arena, w[0], wl[0]);
        o->group = copa__arena_strndup(arena, w[1], wl[1]);
        o->path = copa__arena_strndup(arena, w[3], wl[3]);
        if (o->user == NULL || o->group == NULL || o->path == NULL)
            return copa__error_oom();
        out->count++;
    }
    return 0;
}

const copa__dpkg_statoverride *copa__dpkg_statoverride_find(const copa__dpkg_statoverrides *s,
                                                            const char *path)
{
    size_t i;
    for (i = 0; i < s->count; i++)
        if (strcmp(s->entries[i].path, path) == 0)
            return &s->entries[i];
    return NULL;
}

int copa__dpkg_arch_parse(const char ***out, size_t *count, copa__arena *arena, const char *text,
                          size_t len)
{
    const char *pos = text, *end = text + len, *s, *e;
    const char **arr = alloc_array(arena, count_lines(text, len), sizeof(*arr));

    *count = 0;
    if (arr == NULL)
        return copa__error_oom();
    while (next_line(&pos, end, &s, &e)) {
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
            e--;
        if (s == e)
            continue;
        if ((arr[(*count)++] = copa__arena_strndup(arena, s, (size_t)(e - s))) == NULL)
            return copa__error_oom();
    }
    *out = arr;
    return 0;
}
