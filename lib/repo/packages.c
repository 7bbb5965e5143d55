/*
 * Packages stanzas → copa__apt_package records. Only the fields a resolver
 * or downloader needs are kept; each kept value is one arena copy.
 */
#include "repo/packages.h"
#include "repo/deb822.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Fields copied verbatim (folded to one line) into a `const char *` member. */
typedef struct string_field {
    const char *name;
    size_t len;
    size_t offset;
} string_field;

#define SF(n, m)                                                                                   \
    {                                                                                              \
        n, sizeof(n) - 1, offsetof(copa__apt_package, m)                                           \
    }
static const string_field string_fields[] = {
    SF("Package", name),      SF("Version", version),         SF("Architecture", arch),
    SF("Depends", depends),   SF("Pre-Depends", pre_depends), SF("Recommends", recommends),
    SF("Provides", provides), SF("Breaks", breaks),           SF("Conflicts", conflicts),
    SF("Replaces", replaces), SF("Filename", filename),       SF("Section", section),
    SF("Priority", priority),
};
#undef SF

int copa__apt_packages_init(copa__apt_packages *idx, const char *arch)
{
    memset(idx, 0, sizeof(*idx));
    copa__arena_init(&idx->arena);
    idx->max_uncompressed = (uint64_t)1 << 30;
    if (arch != NULL && (idx->arch = strdup(arch)) == NULL)
        return copa__error_oom();
    return 0;
}

void copa__apt_packages_free(copa__apt_packages *idx)
{
    if (idx == NULL)
        return;
    free(idx->items);
    free(idx->arch);
    free(idx->buckets);
    copa__arena_free(&idx->arena);
    memset(idx, 0, sizeof(*idx));
}

/* A NUL-terminated one-line copy of the field value in the arena. */
static const char *intern(copa__apt_packages *idx, const copa__deb822_field *f)
{
    char *s;
    if (memchr(f->value, '\n', f->value_len) == NULL)
        return copa__arena_strndup(&idx->arena, f->value, f->value_len);
    s = copa__arena_strndup(&idx->arena, f->value, f->value_len);
    if (s != NULL)
        copa__deb822_unfold(f, s);
    return s;
}

static int field_matches(const copa__deb822_field *f, const char *name, size_t len)
{
    /* length and first letter rule out almost every candidate cheaply */
    return f->name_len == len &&
           ((unsigned char)f->name[0] | 0x20) == ((unsigned char)name[0] | 0x20) &&
           copa__deb822_name_eq(f->name, name, len);
}

static int parse_u64(uint64_t *out, const copa__deb822_field *f)
{
    uint64_t v = 0;
    size_t i;
    if (f->value_len == 0 || f->value_len > 19)
        return -1;
    for (i = 0; i < f->value_len; i++) {
        if (f->value[i] < '0' || f->value[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(f->value[i] - '0');
    }
    *out = v;
    return 0;
}

/* 64 hex digits, stored lowercase; p NULL only checks. */
static int parse_sha256(copa__apt_packages *idx, copa__apt_package *p, const copa__deb822_field *f)
{
    char *s;
    size_t i;
    if (f->value_len != 64)
        return -1;
    for (i = 0; i < 64; i++) {
        char c = f->value[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return -1;
    }
    if (p == NULL)
        return 0;
    if ((s = copa__arena_strndup(&idx->arena, f->value, 64)) == NULL)
        return copa__error_oom();
    for (i = 0; i < 64; i++)
        if (s[i] >= 'A' && s[i] <= 'F')
            s[i] = (char)(s[i] - 'A' + 'a');
    p->sha256 = s;
    return 0;
}

static copa__apt_multiarch parse_multiarch(const copa__deb822_field *f)
{
    if (f->value_len == 7 && strncasecmp(f->value, "foreign", 7) == 0)
        return COPA__MA_FOREIGN;
    if (f->value_len == 7 && strncasecmp(f->value, "allowed", 7) == 0)
        return COPA__MA_ALLOWED;
    if (f->value_len == 4 && strncasecmp(f->value, "same", 4) == 0)
        return COPA__MA_SAME;
    return COPA__MA_NO;
}

/* "name" or "name (version)"; p NULL only checks. */
static int parse_source(copa__apt_packages *idx, copa__apt_package *p, const copa__deb822_field *f)
{
    const char *v = f->value, *end = f->value + f->value_len;
    const char *sp = v;
    while (sp < end && *sp != ' ' && *sp != '(')
        sp++;
    if (sp == v)
        return -1;
    if (p != NULL && (p->source = copa__arena_strndup(&idx->arena, v, (size_t)(sp - v))) == NULL)
        return copa__error_oom();
    while (sp < end && *sp == ' ')
        sp++;
    if (sp == end)
        return 0;
    if (*sp != '(' || end[-1] != ')' || end - sp < 3)
        return -1;
    if (p == NULL)
        return 0;
    p->source_version = copa__arena_strndup(&idx->arena, sp + 1, (size_t)(end - sp - 2));
    return p->source_version == NULL ? copa__error_oom() : 0;
}

/* Arch filter from the raw Architecture field, before anything is copied. */
static int arch_wanted(const copa__apt_packages *idx, const copa__deb822_field *f)
{
    size_t n;
    if (idx->arch == NULL)
        return 1;
    if (f->value_len == 3 && memcmp(f->value, "all", 3) == 0)
        return 1;
    n = strlen(idx->arch);
    return f->value_len == n && memcmp(f->value, idx->arch, n) == 0;
}

static int bad_field(const char *name, const copa__deb822_field *f)
{
    return copa__error_set(COPA_EINVALID, "%s:%zu: malformed %.*s value '%.*s'", name, f->line,
                           (int)f->name_len, f->name, (int)(f->value_len > 80 ? 80 : f->value_len),
                           f->value);
}

static int store_string(copa__apt_packages *idx, copa__apt_package *p, const copa__deb822_field *f)
{
    size_t i;
    for (i = 0; i < sizeof(string_fields) / sizeof(string_fields[0]); i++) {
        if (field_matches(f, string_fields[i].name, string_fields[i].len)) {
            const char **slot = (const char **)((char *)p + string_fields[i].offset);
            if ((*slot = intern(idx, f)) == NULL)
                return copa__error_oom();
            return 1;
        }
    }
    return 0;
}

/* Store (or, p NULL, only check) one field of a stanza. */
static int store_field(copa__apt_packages *idx, const char *name, copa__apt_package *p,
                       const copa__deb822_field *f)
{
    uint64_t number;
    int rc = p != NULL ? store_string(idx, p, f) : 0;
    if (rc != 0)
        return rc < 0 ? rc : 0;
    if (field_matches(f, "Size", 4))
        rc = parse_u64(p != NULL ? &p->size : &number, f);
    else if (field_matches(f, "Installed-Size", 14))
        rc = parse_u64(p != NULL ? &p->installed_size : &number, f);
    else if (field_matches(f, "SHA256", 6))
        rc = parse_sha256(idx, p, f);
    else if (field_matches(f, "Source", 6))
        rc = parse_source(idx, p, f);
    else if (p == NULL)
        return 0;
    else if (field_matches(f, "Multi-Arch", 10))
        p->multi_arch = parse_multiarch(f);
    else if (field_matches(f, "Essential", 9))
        p->essential = f->value_len == 3 && strncasecmp(f->value, "yes", 3) == 0;
    if (rc == COPA_ENOMEM)
        return rc;
    return rc < 0 ? bad_field(name, f) : 0;
}

/* A Filename stays below the repository root: relative, no ".." part. */
static int safe_filename(const char *f, size_t len)
{
    const char *c = f, *end = f + len;
    if (len == 0 || *f == '/')
        return 0;
    while (c < end) {
        const char *slash = memchr(c, '/', (size_t)(end - c));
        const char *part_end = slash != NULL ? slash : end;
        if (part_end - c == 2 && c[0] == '.' && c[1] == '.')
            return 0;
        if (slash == NULL)
            break;
        c = slash + 1;
    }
    return 1;
}

static int grow_items(copa__apt_packages *idx)
{
    copa__apt_package *grown;
    size_t cap;
    if (idx->count < idx->cap)
        return 0;
    cap = idx->cap ? idx->cap * 2 : 1024;
    if ((grown = realloc(idx->items, cap * sizeof(*grown))) == NULL)
        return copa__error_oom();
    idx->items = grown;
    idx->cap = cap;
    return 0;
}

/* A value as the index stores it: pointer and length (NULL: absent). */
typedef struct field_text {
    const char *s;
    size_t len;
} field_text;

static field_text text_of(const char *s)
{
    field_text t;
    t.s = s;
    t.len = s != NULL ? strlen(s) : 0;
    return t;
}

/* The checks every stanza passes, on its stored (or, dropped, raw) values:
 * Package, Version, Architecture, Filename. */
static int check_required(const char *name, size_t line, const field_text v[4])
{
    if (v[0].s == NULL || v[1].s == NULL || v[2].s == NULL)
        return copa__error_set(COPA_EINVALID, "%s:%zu: stanza without %s", name, line,
                               v[0].s == NULL   ? "Package"
                               : v[1].s == NULL ? "Version"
                                                : "Architecture");
    if (v[0].len == 0 || v[1].len == 0 || v[2].len == 0)
        return copa__error_set(COPA_EINVALID, "%s:%zu: empty Package, Version or Architecture",
                               name, line);
    if (v[3].s != NULL && !safe_filename(v[3].s, v[3].len))
        return copa__error_set(COPA_EINVALID, "%s:%zu: unsafe Filename '%.*s'", name, line,
                               (int)(v[3].len > 200 ? 200 : v[3].len), v[3].s);
    return 0;
}

/* A field's value as intern() would store it; folded ones are unfolded into *tmp. */
static int raw_text(field_text *out, char **tmp, const copa__deb822_field *f)
{
    *tmp = NULL;
    out->s = f != NULL ? f->value : NULL;
    out->len = f != NULL ? f->value_len : 0;
    if (f != NULL && memchr(f->value, '\n', f->value_len) != NULL) {
        if ((*tmp = malloc(f->value_len + 1)) == NULL)
            return copa__error_oom();
        out->s = *tmp;
        out->len = copa__deb822_unfold(f, *tmp);
    }
    /* The stored copy is a C string: it ends at a NUL byte. */
    if (out->s != NULL)
        out->len = strnlen(out->s, out->len);
    return 0;
}

/*
 * A stanza the filter dropped is checked like a kept one, with the same
 * messages in the same order, but nothing is copied into the index: a
 * filter changes what is kept, never which files are accepted.
 */
static int check_dropped(copa__apt_packages *idx, const char *name, const copa__deb822_stanza *st)
{
    static const char *const keys[] = {"Package", "Version", "Architecture", "Filename"};
    char *tmp[4] = {NULL, NULL, NULL, NULL};
    field_text v[4];
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < st->count; i++)
        rc = store_field(idx, name, NULL, &st->fields[i]);
    for (i = 0; rc == 0 && i < 4; i++)
        rc = raw_text(&v[i], &tmp[i], copa__deb822_get(st, keys[i]));
    if (rc == 0)
        rc = check_required(name, st->line, v);
    for (i = 0; i < 4; i++)
        free(tmp[i]);
    return rc;
}

int copa__apt_packages_add_stanza(copa__apt_packages *idx, const char *name,
                                  const copa__deb822_stanza *st)
{
    const copa__deb822_field *arch = copa__deb822_get(st, "Architecture");
    copa__apt_package *p;
    field_text v[4];
    size_t i;
    int rc;

    if (arch != NULL && !arch_wanted(idx, arch)) {
        idx->other_arch++;
        return 0;
    }
    if (idx->filter != NULL && (rc = copa__apt_filter_stanza(idx->filter, st)) <= 0) {
        if (rc < 0)
            return rc;
        idx->unwanted++;
        return check_dropped(idx, name, st);
    }
    if ((rc = grow_items(idx)) < 0)
        return rc;
    p = &idx->items[idx->count];
    memset(p, 0, sizeof(*p));
    p->line = st->line;
    for (i = 0; i < st->count; i++)
        if ((rc = store_field(idx, name, p, &st->fields[i])) < 0)
            return rc;
    v[0] = text_of(p->name);
    v[1] = text_of(p->version);
    v[2] = text_of(p->arch);
    v[3] = text_of(p->filename);
    if ((rc = check_required(name, st->line, v)) < 0)
        return rc;
    if (p->source == NULL)
        p->source = p->name;
    if (p->source_version == NULL)
        p->source_version = p->version;
    idx->count++;
    return 0;
}

static size_t hash_name(const char *s)
{
    size_t h = 1469598103934665603u;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211u;
    return h;
}

int copa__apt_packages_reindex(copa__apt_packages *idx)
{
    size_t n = 64, i;
    while (n < idx->count * 2)
        n *= 2;
    free(idx->buckets);
    if ((idx->buckets = calloc(n, sizeof(*idx->buckets))) == NULL) {
        idx->nbuckets = 0;
        return copa__error_oom();
    }
    idx->nbuckets = n;
    /* Walk backwards so chains list packages in file order. */
    for (i = idx->count; i-- > 0;) {
        size_t b = hash_name(idx->items[i].name) & (n - 1);
        idx->items[i].next_same = 0;
        while (idx->buckets[b] != 0) {
            copa__apt_package *head = &idx->items[idx->buckets[b] - 1];
            if (strcmp(head->name, idx->items[i].name) == 0) {
                idx->items[i].next_same = idx->buckets[b];
                break;
            }
            b = (b + 1) & (n - 1);
        }
        idx->buckets[b] = i + 1;
    }
    return 0;
}

const copa__apt_package *copa__apt_packages_find(const copa__apt_packages *idx, const char *name)
{
    size_t b;
    if (idx->nbuckets == 0)
        return NULL;
    b = hash_name(name) & (idx->nbuckets - 1);
    while (idx->buckets[b] != 0) {
        const copa__apt_package *p = &idx->items[idx->buckets[b] - 1];
        if (strcmp(p->name, name) == 0)
            return p;
        b = (b + 1) & (idx->nbuckets - 1);
    }
    return NULL;
}

int copa__apt_packages_parse(copa__apt_packages *idx, const char *name, const char *text,
                             size_t len)
{
    copa__deb822_parser parser;
    copa__deb822_stanza st;
    int rc;

    copa__deb822_init(&parser, name, 0);
    copa__deb822_feed(&parser, text, len, 1);
    while ((rc = copa__deb822_next(&parser, &st)) == 1)
        if ((rc = copa__apt_packages_add_stanza(idx, name, &st)) < 0)
            break;
    copa__deb822_free(&parser);
    if (rc < 0)
        return rc;
    return copa__apt_packages_reindex(idx);
}
