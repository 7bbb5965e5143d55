/*
 * Reading /lib/apk/db/installed into the model of installed.h, and the
 * model's edits (add, remove, touch). The format facts follow apk-tools
 * 2.14 (src/database.c, the installed-database reader): a line is a letter,
 * ':' and the value; a blank line ends a stanza; the file tree lines follow
 * the index fields. Unlike apk-tools we refuse, with file and line, what it
 * would misread silently (NUL bytes, lines without "X:", a file before a
 * directory), so a hostile image cannot make copa write a database that
 * means something else.
 */
#include "apk/installed.h"

#include "util/error.h"
#include "util/hash_set.h"
#include "util/names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longer lines are hostile: apk-tools' own line buffer is far smaller. */
#define MAX_LINE (64 * 1024)

typedef struct parser {
    copa__apk_installed *db;
    const char *path;
    size_t line;
    copa__apk_installed_pkg *pkg;
    copa__apk_dir *dir;
    copa__apk_file *file;
    copa__hash_set names; /* packages seen: a duplicate is found without a quadratic scan */
} parser;

static int fail(const parser *p, const char *what)
{
    return copa__error_set(COPA_EINVALID, "%s:%zu: %s", p->path, p->line, what);
}

static int grow(void **items, size_t *cap, size_t count, size_t size)
{
    void *bigger;
    size_t want;

    if (count < *cap)
        return 0;
    want = *cap == 0 ? 8 : *cap * 2;
    bigger = realloc(*items, want * size);
    if (bigger == NULL)
        return copa__error_oom();
    *items = bigger;
    *cap = want;
    return 0;
}

const char *copa__apk_installed_strdup(copa__apk_installed *db, const char *s)
{
    return copa__arena_strdup(&db->arena, s);
}

int copa__apk_installed_set_tokens(copa__apk_installed *db, copa__apk_tokens *tokens,
                                   const char *value)
{
    size_t n = 0, i = 0;
    const char *p;

    for (p = value; *p != '\0';) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        n++;
        while (*p != '\0' && *p != ' ')
            p++;
    }
    tokens->items = n > 0 ? copa__arena_alloc(&db->arena, n * sizeof(char *)) : NULL;
    if (n > 0 && tokens->items == NULL)
        return copa__error_oom();
    for (p = value; *p != '\0';) {
        const char *start;
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        start = p;
        while (*p != '\0' && *p != ' ')
            p++;
        tokens->items[i] = copa__arena_strndup(&db->arena, start, (size_t)(p - start));
        if (tokens->items[i++] == NULL)
            return copa__error_oom();
    }
    tokens->count = n;
    return 0;
}

/* uid:gid:mode[:xattr checksum], decimal ids and an octal mode. */
static int parse_acl(copa__apk_acl *acl, copa__apk_installed *db, const char *value)
{
    const char *p = value;
    unsigned long *fields[3];
    int i;

    fields[0] = &acl->uid;
    fields[1] = &acl->gid;
    fields[2] = &acl->mode;
    for (i = 0; i < 3; i++) {
        unsigned long base = i == 2 ? 8 : 10, v = 0;
        const char *start = p;
        while (*p >= '0' && *p < (char)('0' + base)) {
            if (v > 0xffffffffUL / base)
                return -1;
            v = v * base + (unsigned long)(*p++ - '0');
        }
        if (p == start || (i < 2 && *p++ != ':'))
            return -1;
        *fields[i] = v;
    }
    if (acl->mode > 07777)
        return -1;
    acl->xattr_digest = NULL;
    if (*p == ':') {
        if (p[1] == '\0' || (acl->xattr_digest = copa__arena_strdup(&db->arena, p + 1)) == NULL)
            return -1;
    } else if (*p != '\0') {
        return -1;
    }
    acl->present = 1;
    return 0;
}

copa__apk_dir *copa__apk_installed_add_dir(copa__apk_installed *db, copa__apk_installed_pkg *pkg,
                                           const char *path)
{
    copa__apk_dir *dir;

    if (grow((void **)&pkg->dirs, &pkg->dir_cap, pkg->dir_count, sizeof(*pkg->dirs)) != 0)
        return NULL;
    dir = &pkg->dirs[pkg->dir_count];
    memset(dir, 0, sizeof(*dir));
    if ((dir->path = copa__arena_strdup(&db->arena, path)) == NULL)
        return NULL;
    pkg->dir_count++;
    return dir;
}

copa__apk_file *copa__apk_installed_add_file(copa__apk_installed *db, copa__apk_dir *dir,
                                             const char *name)
{
    copa__apk_file *file;

    if (grow((void **)&dir->files, &dir->file_cap, dir->file_count, sizeof(*dir->files)) != 0)
        return NULL;
    file = &dir->files[dir->file_count];
    memset(file, 0, sizeof(*file));
    if ((file->name = copa__arena_strdup(&db->arena, name)) == NULL)
        return NULL;
    dir->file_count++;
    return file;
}

static int set_once(const parser *p, const char **slot, const char *value, const char *field)
{
    char what[64];
    if (*slot != NULL) {
        snprintf(what, sizeof(what), "field %s: appears twice in one package", field);
        return fail(p, what);
    }
    *slot = value;
    return 0;
}

static int add_other(parser *p, char letter, const char *value)
{
    copa__apk_installed_pkg *pkg = p->pkg;
    if (grow((void **)&pkg->others, &pkg->other_cap, pkg->other_count, sizeof(*pkg->others)) != 0)
        return COPA_ENOMEM;
    pkg->others[pkg->other_count].letter = letter;
    pkg->others[pkg->other_count++].value = value;
    return 0;
}

/* A line of the file tree: F: M: R: a: Z:. */
static int tree_field(parser *p, char letter, const char *value)
{
    copa__apk_installed *db = p->db;

    switch (letter) {
    case 'F':
        if (p->pkg->name == NULL)
            return fail(p, "F: (a directory) before the package's P: line");
        if ((p->dir = copa__apk_installed_add_dir(db, p->pkg, value)) == NULL)
            return copa__error_oom();
        p->file = NULL;
        return 0;
    case 'M':
        if (p->dir == NULL)
            return fail(p, "M: (a directory's acl) before any F: line");
        if (p->dir->acl.present)
            return fail(p, "M: appears twice for one directory");
        return parse_acl(&p->dir->acl, db, value) == 0
                   ? 0
                   : fail(p, "M: acl is not uid:gid:octal-mode[:checksum]");
    case 'R':
        if (p->dir == NULL)
            return fail(p, "R: (a file) before any F: line");
        if (*value == '\0' || strchr(value, '/') != NULL)
            return fail(p, "R: file name is empty or holds a '/'");
        if ((p->file = copa__apk_installed_add_file(db, p->dir, value)) == NULL)
            return copa__error_oom();
        return 0;
    case 'a':
        if (p->file == NULL)
            return fail(p, "a: (a file's acl) before any R: line");
        if (p->file->acl.present)
            return fail(p, "a: appears twice for one file");
        return parse_acl(&p->file->acl, db, value) == 0
                   ? 0
                   : fail(p, "a: acl is not uid:gid:octal-mode[:checksum]");
    default: /* 'Z' */
        if (p->file == NULL)
            return fail(p, "Z: (a file's checksum) before any R: line");
        return set_once(p, &p->file->checksum, value, "Z");
    }
}

/* One `X:value` line of a package stanza. */
static int field(parser *p, char letter, const char *value)
{
    copa__apk_installed_pkg *pkg = p->pkg;
    copa__apk_installed *db = p->db;

    switch (letter) {
    case 'C':
        return set_once(p, &pkg->checksum, value, "C");
    case 'P':
        return set_once(p, &pkg->name, value, "P");
    case 'V':
        return set_once(p, &pkg->version, value, "V");
    case 'A':
        return set_once(p, &pkg->arch, value, "A");
    case 'S':
        return set_once(p, &pkg->size, value, "S");
    case 'I':
        return set_once(p, &pkg->installed_size, value, "I");
    case 'T':
        return set_once(p, &pkg->description, value, "T");
    case 'U':
        return set_once(p, &pkg->url, value, "U");
    case 'L':
        return set_once(p, &pkg->license, value, "L");
    case 'o':
        return set_once(p, &pkg->origin, value, "o");
    case 'm':
        return set_once(p, &pkg->maintainer, value, "m");
    case 't':
        return set_once(p, &pkg->build_time, value, "t");
    case 'c':
        return set_once(p, &pkg->commit, value, "c");
    case 'k':
        return set_once(p, &pkg->provider_priority, value, "k");
    case 'q':
        return set_once(p, &pkg->replaces_priority, value, "q");
    case 's':
        return set_once(p, &pkg->repository_tag, value, "s");
    case 'f':
        return set_once(p, &pkg->broken, value, "f");
    case 'D':
        return copa__apk_installed_set_tokens(db, &pkg->depends, value);
    case 'p':
        return copa__apk_installed_set_tokens(db, &pkg->provides, value);
    case 'i':
        return copa__apk_installed_set_tokens(db, &pkg->install_if, value);
    case 'r':
        return copa__apk_installed_set_tokens(db, &pkg->replaces, value);
    case 'F':
    case 'M':
    case 'R':
    case 'a':
    case 'Z':
        return tree_field(p, letter, value);
    default:
        return add_other(p, letter, value);
    }
}

static int begin_stanza(parser *p, const char *start)
{
    copa__apk_installed *db = p->db;
    copa__apk_installed_pkg *pkg = calloc(1, sizeof(*pkg));

    if (pkg == NULL || grow((void **)&db->pkgs, &db->cap, db->count, sizeof(*db->pkgs)) != 0) {
        free(pkg);
        return copa__error_oom();
    }
    db->pkgs[db->count++] = pkg;
    pkg->raw = start;
    pkg->line = p->line;
    p->pkg = pkg;
    p->dir = NULL;
    p->file = NULL;
    return 0;
}

static int end_stanza(parser *p, const char *end)
{
    copa__apk_installed_pkg *pkg = p->pkg;
    uint64_t hash;
    size_t i;

    if (pkg == NULL)
        return 0;
    pkg->raw_len = (size_t)(end - pkg->raw);
    p->pkg = NULL;
    if (pkg->name == NULL || *pkg->name == '\0' || pkg->version == NULL)
        return copa__error_set(COPA_EINVALID, "%s:%zu: package stanza without P: or V:", p->path,
                               pkg->line);
    hash = copa__names_hash(pkg->name, strlen(pkg->name));
    if (copa__hash_set_has(&p->names, hash)) /* seen, or a hash collision: look */
        for (i = 0; i + 1 < p->db->count; i++)
            if (strcmp(p->db->pkgs[i]->name, pkg->name) == 0)
                return copa__error_set(COPA_EINVALID,
                                       "%s:%zu: package '%s' is installed twice (also at line %zu)",
                                       p->path, pkg->line, pkg->name, p->db->pkgs[i]->line);
    return copa__hash_set_add(&p->names, hash);
}

static int parse_lines(parser *p, const char *text, size_t len)
{
    const char *pos = text, *end = text + len;
    int rc;

    while (pos < end) {
        const char *nl = memchr(pos, '\n', (size_t)(end - pos));
        const char *line_end = nl != NULL ? nl : end;
        size_t line_len = (size_t)(line_end - pos);
        const char *value;

        p->line++;
        if (memchr(pos, '\0', line_len) != NULL)
            return fail(p, "line holds a NUL byte");
        if (line_len > MAX_LINE)
            return fail(p, "line longer than 64 KiB");
        if (line_len == 0) {
            /* blank lines after a stanza belong to it; before the first, to the prefix */
            pos = line_end + 1;
            continue;
        }
        if (p->pkg != NULL && pos - text >= 2 && pos[-1] == '\n' && pos[-2] == '\n') {
            if ((rc = end_stanza(p, pos)) != 0)
                return rc;
        }
        if (p->pkg == NULL) {
            if ((rc = begin_stanza(p, pos)) != 0)
                return rc;
        }
        if (line_len < 2 || pos[1] != ':')
            return fail(p, "line is not a field (a letter, ':' and a value)");
        value = copa__arena_strndup(&p->db->arena, pos + 2, line_len - 2);
        if (value == NULL)
            return copa__error_oom();
        if ((rc = field(p, pos[0], value)) != 0)
            return rc;
        pos = nl != NULL ? nl + 1 : end;
    }
    return end_stanza(p, end);
}

/* Copy each stanza's bytes into the arena: the model must outlive `text`. */
static int own_raw(copa__apk_installed *db)
{
    size_t i;
    if (db->prefix_len == 0)
        db->prefix = NULL;
    else if ((db->prefix = copa__arena_strndup(&db->arena, db->prefix, db->prefix_len)) == NULL)
        return copa__error_oom();
    for (i = 0; i < db->count; i++) {
        copa__apk_installed_pkg *pkg = db->pkgs[i];
        if ((pkg->raw = copa__arena_strndup(&db->arena, pkg->raw, pkg->raw_len)) == NULL)
            return copa__error_oom();
    }
    return 0;
}

int copa__apk_installed_parse(copa__apk_installed **out, const char *path, const char *text,
                              size_t len)
{
    copa__apk_installed *db = calloc(1, sizeof(*db));
    parser p;
    int rc;

    *out = NULL;
    if (db == NULL)
        return copa__error_oom();
    copa__arena_init(&db->arena);
    memset(&p, 0, sizeof(p));
    p.db = db;
    p.path = path;
    rc = parse_lines(&p, text, len);
    copa__hash_set_free(&p.names);
    /* blank lines before the first stanza (or a file of blank lines) */
    db->prefix = text;
    db->prefix_len = db->count > 0 ? (size_t)(db->pkgs[0]->raw - text) : len;
    if (rc == 0)
        rc = own_raw(db);
    if (rc != 0) {
        copa__apk_installed_free(db);
        return rc;
    }
    *out = db;
    return 0;
}

int copa__apk_installed_load(copa__apk_installed **out, const copa__image_files *files)
{
    char *text = NULL;
    size_t len = 0;
    int rc = files->read(&text, &len, COPA__APK_INSTALLED_PATH, files->payload);

    *out = NULL;
    if (rc < 0)
        return rc;
    rc = copa__apk_installed_parse(out, COPA__APK_INSTALLED_PATH, text, len);
    free(text);
    return rc;
}

static void free_pkg(copa__apk_installed_pkg *pkg)
{
    size_t i;
    if (pkg == NULL)
        return;
    for (i = 0; i < pkg->dir_count; i++)
        free(pkg->dirs[i].files);
    free(pkg->dirs);
    free(pkg->others);
    free(pkg);
}

void copa__apk_installed_free(copa__apk_installed *db)
{
    size_t i;
    if (db == NULL)
        return;
    for (i = 0; i < db->count; i++)
        free_pkg(db->pkgs[i]);
    free(db->pkgs);
    copa__arena_free(&db->arena);
    free(db);
}

copa__apk_installed_pkg *copa__apk_installed_find(const copa__apk_installed *db, const char *name)
{
    size_t i;
    for (i = 0; i < db->count; i++)
        if (strcmp(db->pkgs[i]->name, name) == 0)
            return db->pkgs[i];
    return NULL;
}

/* apk-tools sorts installed packages by name for display: case-folded, then bytes. */
static int name_order(const char *a, const char *b)
{
    int rc = strcasecmp(a, b);
    return rc != 0 ? rc : strcmp(a, b);
}

copa__apk_installed_pkg *copa__apk_installed_add(copa__apk_installed *db, const char *name)
{
    copa__apk_installed_pkg *pkg = calloc(1, sizeof(*pkg));
    size_t at = db->count;

    if (pkg == NULL || grow((void **)&db->pkgs, &db->cap, db->count, sizeof(*db->pkgs)) != 0 ||
        (pkg->name = copa__arena_strdup(&db->arena, name)) == NULL) {
        free(pkg);
        copa__error_oom();
        return NULL;
    }
    while (at > 0 && name_order(db->pkgs[at - 1]->name, name) > 0)
        at--;
    memmove(&db->pkgs[at + 1], &db->pkgs[at], (db->count - at) * sizeof(*db->pkgs));
    db->pkgs[at] = pkg;
    db->count++;
    return pkg;
}

int copa__apk_installed_remove(copa__apk_installed *db, const char *name)
{
    size_t i;
    for (i = 0; i < db->count; i++) {
        if (strcmp(db->pkgs[i]->name, name) == 0) {
            free_pkg(db->pkgs[i]);
            memmove(&db->pkgs[i], &db->pkgs[i + 1], (db->count - i - 1) * sizeof(*db->pkgs));
            db->count--;
            return 0;
        }
    }
    return copa__error_set(COPA_ENOTFOUND, "apk installed database: no package '%s'", name);
}

void copa__apk_installed_touch(copa__apk_installed_pkg *pkg)
{
    pkg->raw = NULL;
    pkg->raw_len = 0;
}

static int copy_str(copa__apk_installed *db, const char **dst, const char *src)
{
    if (src == NULL) {
        *dst = NULL;
        return 0;
    }
    return (*dst = copa__arena_strdup(&db->arena, src)) != NULL ? 0 : copa__error_oom();
}

static int copy_tokens(copa__apk_installed *db, copa__apk_tokens *dst, const copa__apk_tokens *src)
{
    size_t i;
    int rc = 0;

    dst->count = 0;
    dst->items = src->count > 0 ? copa__arena_alloc(&db->arena, src->count * sizeof(char *)) : NULL;
    if (src->count > 0 && dst->items == NULL)
        return copa__error_oom();
    for (i = 0; rc == 0 && i < src->count; i++)
        rc = copy_str(db, &dst->items[i], src->items[i]);
    dst->count = src->count;
    return rc;
}

static int copy_acl(copa__apk_installed *db, copa__apk_acl *dst, const copa__apk_acl *src)
{
    *dst = *src;
    return copy_str(db, &dst->xattr_digest, src->xattr_digest);
}

static int copy_tree(copa__apk_installed *db, copa__apk_installed_pkg *dst,
                     const copa__apk_installed_pkg *src)
{
    size_t i, j;
    int rc = 0;

    for (i = 0; rc == 0 && i < src->dir_count; i++) {
        copa__apk_dir *dir = copa__apk_installed_add_dir(db, dst, src->dirs[i].path);
        if (dir == NULL)
            return copa__error_oom();
        rc = copy_acl(db, &dir->acl, &src->dirs[i].acl);
        for (j = 0; rc == 0 && j < src->dirs[i].file_count; j++) {
            const copa__apk_file *from = &src->dirs[i].files[j];
            copa__apk_file *file = copa__apk_installed_add_file(db, dir, from->name);
            if (file == NULL)
                return copa__error_oom();
            rc = copy_acl(db, &file->acl, &from->acl);
            if (rc == 0)
                rc = copy_str(db, &file->checksum, from->checksum);
        }
    }
    return rc;
}

static int copy_pkg(copa__apk_installed *db, copa__apk_installed_pkg *dst,
                    const copa__apk_installed_pkg *src)
{
    const char *const *from[] = {&src->checksum,
                                 &src->version,
                                 &src->arch,
                                 &src->size,
                                 &src->installed_size,
                                 &src->description,
                                 &src->url,
                                 &src->license,
                                 &src->origin,
                                 &src->maintainer,
                                 &src->build_time,
                                 &src->commit,
                                 &src->provider_priority,
                                 &src->replaces_priority,
                                 &src->repository_tag,
                                 &src->broken};
    const char **to[] = {&dst->checksum,
                         &dst->version,
                         &dst->arch,
                         &dst->size,
                         &dst->installed_size,
                         &dst->description,
                         &dst->url,
                         &dst->license,
                         &dst->origin,
                         &dst->maintainer,
                         &dst->build_time,
                         &dst->commit,
                         &dst->provider_priority,
                         &dst->replaces_priority,
                         &dst->repository_tag,
                         &dst->broken};
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < sizeof(to) / sizeof(to[0]); i++)
        rc = copy_str(db, to[i], *from[i]);
    rc = rc ? rc : copy_tokens(db, &dst->depends, &src->depends);
    rc = rc ? rc : copy_tokens(db, &dst->provides, &src->provides);
    rc = rc ? rc : copy_tokens(db, &dst->install_if, &src->install_if);
    rc = rc ? rc : copy_tokens(db, &dst->replaces, &src->replaces);
    for (i = 0; rc == 0 && i < src->other_count; i++) {
        if (grow((void **)&dst->others, &dst->other_cap, dst->other_count, sizeof(*dst->others)) !=
            0)
            return COPA_ENOMEM;
        dst->others[dst->other_count].letter = src->others[i].letter;
        rc = copy_str(db, &dst->others[dst->other_count].value, src->others[i].value);
        dst->other_count++;
    }
    return rc ? rc : copy_tree(db, dst, src);
}

int copa__apk_installed_put(copa__apk_installed *db, const copa__apk_installed_pkg *src)
{
    copa__apk_installed_pkg *pkg;
    size_t i;

    for (i = 0; i < db->count; i++) {
        if (db->pkgs[i] == src) { /* itself: only written from its fields from now on */
            copa__apk_installed_touch(db->pkgs[i]);
            return 0;
        }
        if (strcmp(db->pkgs[i]->name, src->name) == 0) {
            /* a fresh package in the same place: the old one's arrays go */
            copa__apk_installed_pkg *fresh = calloc(1, sizeof(*fresh));
            if (fresh == NULL)
                return copa__error_oom();
            fresh->name = db->pkgs[i]->name;
            free_pkg(db->pkgs[i]);
            db->pkgs[i] = fresh;
            return copy_pkg(db, fresh, src);
        }
    }
    if ((pkg = copa__apk_installed_add(db, src->name)) == NULL)
        return COPA_ENOMEM;
    return copy_pkg(db, pkg, src);
}
