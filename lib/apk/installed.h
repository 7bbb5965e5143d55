/*
 * Alpine's installed database, /lib/apk/db/installed (docs/apk.md): one
 * stanza per installed package, lines `X:value`, stanzas separated by blank
 * lines; the package's index fields come first, then the files it owns
 * (`F:` directory with optional `M:` acl, `R:` file with optional `a:` acl
 * and `Z:` checksum).
 *
 * The model keeps each stanza's exact bytes, so a database written back
 * with only some packages changed is byte-identical everywhere else. A
 * package whose `raw` is NULL (added, or changed and touched) is written in
 * the field order apk-tools 2.14 writes.
 */
#ifndef COPA_LIB_APK_INSTALLED_H
#define COPA_LIB_APK_INSTALLED_H

#include "util/arena.h"
#include "util/buffer.h"
#include "util/image_files.h"

#include <stddef.h>

#define COPA__APK_INSTALLED_PATH "/lib/apk/db/installed"

/* An acl line (`M:` of a directory, `a:` of a file): uid:gid:mode[:xattr checksum]. */
typedef struct copa__apk_acl {
    int present; /* 0: no line, apk's default (root, 0755 dirs / 0644 files) */
    unsigned long uid, gid;
    unsigned long mode;       /* permission bits, written in octal */
    const char *xattr_digest; /* the text after the third ':', or NULL */
} copa__apk_acl;

typedef struct copa__apk_file {
    const char *name;     /* `R:`, relative to its directory */
    copa__apk_acl acl;    /* `a:` */
    const char *checksum; /* `Z:` text (Q1 base64 SHA-1, ...), or NULL */
} copa__apk_file;

typedef struct copa__apk_dir {
    const char *path;  /* `F:`, relative to the root, no leading '/' */
    copa__apk_acl acl; /* `M:` */
    copa__apk_file *files;
    size_t file_count, file_cap;
} copa__apk_dir;

/* A dependency-like list (D:, p:, i:, r:): its space-separated tokens. */
typedef struct copa__apk_tokens {
    const char **items;
    size_t count;
} copa__apk_tokens;

/* A field whose letter this model does not name: kept as read. */
typedef struct copa__apk_other_field {
    char letter;
    const char *value;
} copa__apk_other_field;

typedef struct copa__apk_installed_pkg {
    /* Index fields; NULL when the stanza has no such line. */
    const char *checksum;          /* C: */
    const char *name;              /* P: (required) */
    const char *version;           /* V: (required) */
    const char *arch;              /* A: */
    const char *size;              /* S: */
    const char *installed_size;    /* I: */
    const char *description;       /* T: */
    const char *url;               /* U: */
    const char *license;           /* L: */
    const char *origin;            /* o: */
    const char *maintainer;        /* m: */
    const char *build_time;        /* t: */
    const char *commit;            /* c: */
    const char *provider_priority; /* k: */
    copa__apk_tokens depends;      /* D: */
    copa__apk_tokens provides;     /* p: */
    copa__apk_tokens install_if;   /* i: */
    /* Installed-only fields. */
    copa__apk_tokens replaces;     /* r: */
    const char *replaces_priority; /* q: */
    const char *repository_tag;    /* s: */
    const char *broken;            /* f: */
    copa__apk_other_field *others;
    size_t other_count, other_cap;
    copa__apk_dir *dirs;
    size_t dir_count, dir_cap;
    /* The stanza's bytes as read (up to the next stanza), or NULL: write from the fields. */
    const char *raw;
    size_t raw_len;
    size_t line; /* first line in the file, 0 for added packages */
} copa__apk_installed_pkg;

typedef struct copa__apk_installed {
    copa__arena arena;  /* every string of the model */
    const char *prefix; /* blank lines before the first stanza, as read */
    size_t prefix_len;
    copa__apk_installed_pkg **pkgs; /* in file order */
    size_t count, cap;
} copa__apk_installed;

/*
 * Parse `len` bytes of `text` (an installed database; `path` names it in
 * messages). COPA_EINVALID naming path and line for NUL bytes, lines over
 * 64 KiB, lines without `X:`, a stanza without P: or V:, a repeated P:/V:,
 * a name installed twice, F:/R:/M:/a:/Z: out of place, a bad acl;
 * COPA_ENOMEM.
 */
int copa__apk_installed_parse(copa__apk_installed **out, const char *path, const char *text,
                              size_t len);

/* Read /lib/apk/db/installed through `files`; COPA_ENOTFOUND when absent. */
int copa__apk_installed_load(copa__apk_installed **out, const copa__image_files *files);

void copa__apk_installed_free(copa__apk_installed *db);

/* The package named `name`, or NULL. */
copa__apk_installed_pkg *copa__apk_installed_find(const copa__apk_installed *db, const char *name);

/*
 * A new empty package `name` in apk-tools' order (by name, case-folded
 * first), NULL when memory runs out. The caller fills its fields with
 * strings from copa__apk_installed_strdup() and the add helpers below.
 */
copa__apk_installed_pkg *copa__apk_installed_add(copa__apk_installed *db, const char *name);

/*
 * Put a copy of `src` (from any database) into `db`: it replaces the
 * package of the same name where that package was, or is added in name
 * order. The copy is written from its fields. 0 or COPA_ENOMEM.
 */
int copa__apk_installed_put(copa__apk_installed *db, const copa__apk_installed_pkg *src);

/* Remove the package `name`; 0 or COPA_ENOTFOUND. */
int copa__apk_installed_remove(copa__apk_installed *db, const char *name);

/* Mark a package changed: it is written from its fields, not its bytes. */
void copa__apk_installed_touch(copa__apk_installed_pkg *pkg);

/* A copy of `s` owned by the database, NULL when memory runs out. */
const char *copa__apk_installed_strdup(copa__apk_installed *db, const char *s);

/* Split `value` on spaces into `tokens` (the database owns them). 0 or COPA_ENOMEM. */
int copa__apk_installed_set_tokens(copa__apk_installed *db, copa__apk_tokens *tokens,
                                   const char *value);

/* Append a directory / a file of the last directory. NULL when memory runs out. */
copa__apk_dir *copa__apk_installed_add_dir(copa__apk_installed *db, copa__apk_installed_pkg *pkg,
                                           const char *path);
copa__apk_file *copa__apk_installed_add_file(copa__apk_installed *db, copa__apk_dir *dir,
                                             const char *name);

/* Append the database's text to `out`. 0 or COPA_ENOMEM. */
int copa__apk_installed_write(copa__buf *out, const copa__apk_installed *db);

/* Append one package stanza as apk-tools 2.14 writes it (ends with the blank line). */
int copa__apk_installed_write_pkg(copa__buf *out, const copa__apk_installed_pkg *pkg);

#endif
