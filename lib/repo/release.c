/*
 * Release file model. Strings live in the release's arena; the SHA256
 * table is validated line by line so a later lookup can trust its shape.
 */
#include "repo/deb822.h"
#include "repo/release.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *copy_value(copa__apt_release *rel, const copa__deb822_field *f)
{
    char *s = copa__arena_alloc(&rel->arena, f->value_len + 1);
    if (s != NULL)
        copa__deb822_unfold(f, s);
    return s;
}

/* Split a space-separated list into an arena array. */
static int split_words(copa__apt_release *rel, const copa__deb822_field *f, const char ***out,
                       size_t *count)
{
    char *text = copa__arena_alloc(&rel->arena, f->value_len + 1);
    size_t n = 0, cap = 1;
    char *p, *save = NULL;

    if (text == NULL)
        return copa__error_oom();
    copa__deb822_unfold(f, text);
    for (p = text; *p; p++)
        cap += *p == ' ' || *p == '\t'; /* strtok below splits on both */
    if ((*out = copa__arena_alloc(&rel->arena, cap * sizeof(**out))) == NULL)
        return copa__error_oom();
    for (p = strtok_r(text, " \t", &save); p != NULL; p = strtok_r(NULL, " \t", &save))
        (*out)[n++] = p;
    *count = n;
    return 0;
}

static int is_hex64(const char *s, size_t len)
{
    size_t i;
    if (len != 64)
        return 0;
    for (i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
              (s[i] >= 'A' && s[i] <= 'F')))
            return 0;
    return 1;
}

/* A path that stays below the Release directory. */
static int safe_path(const char *p)
{
    const char *c;
    if (*p == '\0' || *p == '/')
        return 0;
    for (c = p; *c; c++)
        if ((unsigned char)*c < 0x21 || *c == '\\')
            return 0;
    for (c = p; c != NULL; c = strchr(c, '/') ? strchr(c, '/') + 1 : NULL)
        if (strncmp(c, "..", 2) == 0 && (c[2] == '/' || c[2] == '\0'))
            return 0;
    return 1;
}

/* One " hash size path" line of the SHA256 table. */
static int parse_hash_line(copa__apt_release *rel, copa__apt_release_file *out, char *line,
                           size_t lineno)
{
    char *save = NULL, *hash, *size, *path, *end, *c;
    unsigned long long v;

    hash = strtok_r(line, " \t", &save);
    size = strtok_r(NULL, " \t", &save);
    path = strtok_r(NULL, " \t", &save);
    if (hash == NULL || size == NULL || path == NULL || strtok_r(NULL, " \t", &save) != NULL)
        return copa__error_set(COPA_EINVALID, "%s:%zu: SHA256 line needs 'hash size path'",
                               rel->name, lineno);
    if (!is_hex64(hash, strlen(hash)))
        return copa__error_set(COPA_EINVALID, "%s:%zu: SHA256 hash '%.80s' is not 64 hex digits",
                               rel->name, lineno, hash);
    if (size[0] < '0' || size[0] > '9' || strlen(size) > 19 ||
        (v = strtoull(size, &end, 10), *end != '\0'))
        return copa__error_set(COPA_EINVALID, "%s:%zu: bad size '%.40s' for %.200s", rel->name,
                               lineno, size, path);
    if (!safe_path(path))
        return copa__error_set(COPA_EINVALID, "%s:%zu: unsafe path '%.200s' in SHA256", rel->name,
                               lineno, path);
    for (c = hash; *c; c++)
        if (*c >= 'A' && *c <= 'F')
            *c = (char)(*c - 'A' + 'a');
    out->sha256 = hash;
    out->size = v;
    out->path = path;
    return 0;
}

static int parse_sha256(copa__apt_release *rel, const copa__deb822_field *f)
{
    char *text = copa__arena_alloc(&rel->arena, f->value_len + 1);
    size_t n = 0, lines = 1, lineno = f->line;
    char *p, *next;
    int rc;

    if (text == NULL)
        return copa__error_oom();
    memcpy(text, f->value, f->value_len);
    text[f->value_len] = '\0';
    for (p = text; *p; p++)
        lines += *p == '\n';
    if ((rel->files = copa__arena_alloc(&rel->arena, lines * sizeof(*rel->files))) == NULL)
        return copa__error_oom();
    for (p = text; p != NULL; p = next, lineno++) {
        next = strchr(p, '\n');
        if (next != NULL)
            *next++ = '\0';
        if (p[strspn(p, " \t\r")] == '\0')
            continue; /* the empty first line */
        if ((rc = parse_hash_line(rel, &rel->files[n], p, lineno)) < 0)
            return rc;
        n++;
    }
    rel->file_count = n;
    return 0;
}

static int parse_date_field(copa__apt_release *rel, const copa__deb822_field *f, const char **text,
                            time_t *when)
{
    if ((*text = copy_value(rel, f)) == NULL)
        return copa__error_oom();
    if (copa__apt_parse_date(when, *text) < 0)
        return copa__error_prefix("%s:%zu: %.*s: ", rel->name, f->line, (int)f->name_len, f->name);
    return 0;
}

static int yes(const copa__deb822_field *f)
{
    return f->value_len == 3 && strncasecmp(f->value, "yes", 3) == 0;
}

/* An apt boolean flag (its StringToBool): 0/1, yes/no and synonyms; else unchanged. */
static void flag(const copa__deb822_field *f, int *out)
{
    static const char *const no[] = {"0", "no", "false", "without", "off", "disable"};
    static const char *const on[] = {"1", "yes", "true", "with", "on", "enable"};
    size_t i;
    for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
        if (f->value_len == strlen(no[i]) && strncasecmp(f->value, no[i], f->value_len) == 0)
            *out = 0;
        if (f->value_len == strlen(on[i]) && strncasecmp(f->value, on[i], f->value_len) == 0)
            *out = 1;
    }
}

static int store_field(copa__apt_release *rel, const copa__deb822_field *f)
{
    const char **slot = NULL;

    if (copa__deb822_is(f, "SHA256"))
        return parse_sha256(rel, f);
    if (copa__deb822_is(f, "Date"))
        return parse_date_field(rel, f, &rel->date_text, &rel->date);
    if (copa__deb822_is(f, "Valid-Until"))
        return parse_date_field(rel, f, &rel->valid_until_text, &rel->valid_until);
    if (copa__deb822_is(f, "Architectures"))
        return split_words(rel, f, &rel->architectures, &rel->architecture_count);
    if (copa__deb822_is(f, "Components"))
        return split_words(rel, f, &rel->components, &rel->component_count);
    if (copa__deb822_is(f, "Acquire-By-Hash"))
        rel->acquire_by_hash = yes(f);
    else if (copa__deb822_is(f, "No-Support-for-Architecture-all"))
        rel->no_support_arch_all = f->value_len == 8 && strncmp(f->value, "Packages", 8) == 0;
    else if (copa__deb822_is(f, "NotAutomatic"))
        flag(f, &rel->not_automatic);
    else if (copa__deb822_is(f, "ButAutomaticUpgrades"))
        flag(f, &rel->but_automatic_upgrades);
    else if (copa__deb822_is(f, "Origin"))
        slot = &rel->origin;
    else if (copa__deb822_is(f, "Label"))
        slot = &rel->label;
    else if (copa__deb822_is(f, "Suite"))
        slot = &rel->suite;
    else if (copa__deb822_is(f, "Codename"))
        slot = &rel->codename;
    else if (copa__deb822_is(f, "Version"))
        slot = &rel->version;
    if (slot != NULL && (*slot = copy_value(rel, f)) == NULL)
        return copa__error_oom();
    return 0;
}

static int parse_stanza(copa__apt_release *rel, copa__deb822_parser *p)
{
    copa__deb822_stanza st, extra;
    size_t i;
    int rc;

    if ((rc = copa__deb822_next(p, &st)) < 0)
        return rc;
    if (rc == 0)
        return copa__error_set(COPA_EINVALID, "%s: empty Release file", rel->name);
    for (i = 0; i < st.count; i++)
        if ((rc = store_field(rel, &st.fields[i])) < 0)
            return rc;
    if ((rc = copa__deb822_next(p, &extra)) < 0)
        return rc;
    if (rc == 1)
        return copa__error_set(COPA_EINVALID,
                               "%s:%zu: a Release file has one stanza, found a second", rel->name,
                               extra.line);
    if (rel->files == NULL)
        return copa__error_set(COPA_EINVALID, "%s: Release file has no SHA256 table", rel->name);
    return 0;
}

int copa__apt_release_parse(copa__apt_release *rel, const char *name, const char *text, size_t len)
{
    copa__deb822_parser p;
    int rc;

    memset(rel, 0, sizeof(*rel));
    copa__arena_init(&rel->arena);
    if ((rel->name = copa__arena_strndup(&rel->arena, name, strlen(name))) == NULL)
        return copa__error_oom();
    copa__deb822_init(&p, rel->name, 0);
    copa__deb822_feed(&p, text, len, 1);
    rc = parse_stanza(rel, &p);
    copa__deb822_free(&p);
    if (rc < 0)
        copa__apt_release_free(rel);
    return rc;
}

void copa__apt_release_free(copa__apt_release *rel)
{
    if (rel == NULL)
        return;
    copa__arena_free(&rel->arena);
    memset(rel, 0, sizeof(*rel));
}
