/*
 * Reading the distroless manifests. A -1 line is split from the right
 * (arch after the last '.', release and version after the last two '-'),
 * since names hold '-' and versions hold '.'; a -2 line must have exactly
 * ten tab-separated fields.
 */
#include "rpmrepo/manifest.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_MANIFEST = 16 * 1024 * 1024, MAX_LINES = 200000, MAX_LINE = 8192 };

static char *dup_range(copa__arena *a, const char *s, size_t n)
{
    return copa__arena_strndup(a, s, n);
}

static int bad(const char *path, unsigned line, const char *what)
{
    return copa__error_set(COPA_EINVALID, "%s:%u: %s", path, line, what);
}

/* name-version-release[.arch] */
static int parse_one(copa__rpm_manifest_entry *e, copa__arena *a, const char *path, unsigned lineno)
{
    const char *s = e->line, *end = s + strlen(s), *dash2, *dash1, *dot = NULL, *p;

    for (p = end; p > s && p[-1] != '-'; p--)
        if (p[-1] == '.' && dot == NULL)
            dot = p - 1;
    dash2 = p > s ? p - 1 : NULL;
    if (dash2 == NULL)
        return bad(path, lineno, "not name-version-release.arch");
    for (p = dash2; p > s && p[-1] != '-'; p--)
        ;
    dash1 = p > s ? p - 1 : NULL;
    if (dash1 == NULL || dash1 == s || dash1 + 1 == dash2 || dash2 + 1 == (dot ? dot : end))
        return bad(path, lineno, "not name-version-release.arch");
    e->name = dup_range(a, s, (size_t)(dash1 - s));
    e->version = dup_range(a, dash1 + 1, (size_t)(dash2 - dash1 - 1));
    e->release = dup_range(a, dash2 + 1, (size_t)((dot ? dot : end) - dash2 - 1));
    e->arch = dot != NULL ? dup_range(a, dot + 1, (size_t)(end - dot - 1)) : NULL;
    if (e->name == NULL || e->version == NULL || e->release == NULL || (dot && e->arch == NULL))
        return copa__error_oom();
    return 0;
}

static int parse_two(copa__rpm_manifest_entry *e, copa__arena *a, const char *path, unsigned lineno)
{
    const char *s = e->line, *vr, *dash;
    size_t i;

    for (i = 0; i < COPA_RPM_MANIFEST2_FIELDS; i++) {
        const char *tab = strchr(s, '\t');
        size_t n = tab != NULL ? (size_t)(tab - s) : strlen(s);

        if ((tab == NULL) != (i == COPA_RPM_MANIFEST2_FIELDS - 1))
            return bad(path, lineno, "not ten tab-separated fields");
        if ((e->fields[i] = dup_range(a, s, n)) == NULL)
            return copa__error_oom();
        s += n + 1;
    }
    vr = e->fields[COPA_RPM_MANIFEST2_VR];
    dash = strrchr(vr, '-');
    if (*e->fields[COPA_RPM_MANIFEST2_NAME] == '\0' || dash == NULL || dash == vr ||
        dash[1] == '\0')
        return bad(path, lineno, "no name or no version-release");
    e->name = e->fields[COPA_RPM_MANIFEST2_NAME];
    e->version = dup_range(a, vr, (size_t)(dash - vr));
    e->release = dash + 1;
    e->arch = e->fields[COPA_RPM_MANIFEST2_ARCH];
    e->epoch = strcmp(e->fields[COPA_RPM_MANIFEST2_EPOCH], "(none)") == 0
                   ? NULL
                   : e->fields[COPA_RPM_MANIFEST2_EPOCH];
    return e->version == NULL ? copa__error_oom() : 0;
}

int copa__rpm_manifest_parse(copa__rpm_manifest *m, int two, const char *path, const char *text,
                             size_t len)
{
    copa__rpm_manifest_file *f = two ? &m->two : &m->one;
    const char *p = text, *end = text + len;
    size_t lines = 0, i;
    unsigned lineno = 0;
    int rc = 0;

    if (len > MAX_MANIFEST)
        return copa__error_set(COPA_EINVALID, "%s: larger than %d bytes", path, MAX_MANIFEST);
    if (memchr(text, '\0', len) != NULL)
        return copa__error_set(COPA_EINVALID, "%s: holds a NUL byte", path);
    for (i = 0; i < len; i++)
        lines += text[i] == '\n';
    lines += len > 0 && text[len - 1] != '\n';
    if (lines > MAX_LINES)
        return copa__error_set(COPA_EINVALID, "%s: more than %d lines", path, MAX_LINES);
    f->present = 1;
    f->final_newline = len > 0 && text[len - 1] == '\n';
    f->entries = lines ? copa__arena_alloc(&m->arena, lines * sizeof(*f->entries)) : NULL;
    if (lines > 0 && f->entries == NULL)
        return copa__error_oom();
    while (rc == 0 && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
        copa__rpm_manifest_entry *e;

        lineno++;
        if (n > MAX_LINE)
            return bad(path, lineno, "line too long");
        if (n > 0 && p[n - 1] == '\r')
            return bad(path, lineno, "carriage return in line");
        if (n == 0) {
            p += 1;
            continue; /* an empty line says nothing; it is not kept */
        }
        e = &f->entries[f->count++];
        memset(e, 0, sizeof(*e));
        if ((e->line = dup_range(&m->arena, p, n)) == NULL)
            return copa__error_oom();
        rc = two ? parse_two(e, &m->arena, path, lineno) : parse_one(e, &m->arena, path, lineno);
        p += n + (nl != NULL);
    }
    return rc;
}

static int read_one(copa__rpm_manifest *m, const copa__image_files *files, const char *path,
                    int two)
{
    char *text = NULL;
    size_t len = 0;
    int rc = files->read(&text, &len, path, files->payload);

    if (rc == COPA_ENOTFOUND) {
        copa_error_clear();
        return 0;
    }
    if (rc == 0)
        rc = copa__rpm_manifest_parse(m, two, path, text, len);
    free(text);
    return rc;
}

int copa__rpm_manifest_read(copa__rpm_manifest **out, const copa__image_files *files)
{
    copa__rpm_manifest *m = calloc(1, sizeof(*m));
    int rc;

    *out = NULL;
    if (m == NULL)
        return copa__error_oom();
    copa__arena_init(&m->arena);
    rc = read_one(m, files, COPA_RPM_MANIFEST_1, 0);
    if (rc == 0)
        rc = read_one(m, files, COPA_RPM_MANIFEST_2, 1);
    if (rc == 0 && !m->one.present && !m->two.present)
        rc = copa__error_set(COPA_ENOTFOUND, "no rpm manifest (%s, %s)", COPA_RPM_MANIFEST_1,
                             COPA_RPM_MANIFEST_2);
    if (rc != 0) {
        copa__rpm_manifest_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

void copa__rpm_manifest_free(copa__rpm_manifest *m)
{
    if (m == NULL)
        return;
    copa__arena_free(&m->arena);
    free(m);
}
