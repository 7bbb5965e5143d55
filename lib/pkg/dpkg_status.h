/*
 * dpkg's status database: /var/lib/dpkg/status (one file of stanzas) and
 * the distroless /var/lib/dpkg/status.d/<name> files (one stanza each).
 *
 * A parsed file keeps its exact bytes and every stanza's span, so the
 * writer (dpkg_status_write.c) can reproduce untouched stanzas byte for
 * byte and replace or add only the ones that changed.
 */
#ifndef COPA_LIB_PKG_DPKG_STATUS_H
#define COPA_LIB_PKG_DPKG_STATUS_H

#include "util/arena.h"
#include "repo/deb822.h"

#include <stddef.h>

/* The three words of `Status:` (dpkg(1), "package states"). */
typedef enum copa__dpkg_want {
    COPA__DPKG_WANT_UNKNOWN = 0,
    COPA__DPKG_WANT_INSTALL,
    COPA__DPKG_WANT_HOLD,
    COPA__DPKG_WANT_DEINSTALL,
    COPA__DPKG_WANT_PURGE
} copa__dpkg_want;

typedef enum copa__dpkg_flag { COPA__DPKG_FLAG_OK = 0, COPA__DPKG_FLAG_REINSTREQ } copa__dpkg_flag;

typedef enum copa__dpkg_state {
    COPA__DPKG_NOT_INSTALLED = 0,
    COPA__DPKG_CONFIG_FILES,
    COPA__DPKG_HALF_INSTALLED,
    COPA__DPKG_UNPACKED,
    COPA__DPKG_HALF_CONFIGURED,
    COPA__DPKG_TRIGGERS_AWAITED,
    COPA__DPKG_TRIGGERS_PENDING,
    COPA__DPKG_INSTALLED
} copa__dpkg_state;

/* Flags of one Conffiles line after its hash. */
#define COPA__CONFFILE_OBSOLETE 0x1u
#define COPA__CONFFILE_REMOVE_ON_UPGRADE 0x2u

typedef struct copa__dpkg_conffile {
    const char *path; /* absolute, as dpkg records it */
    const char *md5;  /* 32 hex digits, or dpkg's marker "newconffile" */
    unsigned int flags;
} copa__dpkg_conffile;

typedef struct copa__dpkg_pkg {
    const char *name;
    const char *arch;           /* "" when the stanza has no Architecture */
    const char *version;        /* "" when absent (not-installed stanzas) */
    const char *multi_arch;     /* "same", "foreign", "allowed" or "" */
    const char *source;         /* Source name, or the package name */
    const char *source_version; /* the "(version)" of Source, or the version */
    int essential;              /* Essential: yes */
    copa__dpkg_want want;
    copa__dpkg_flag flag;
    copa__dpkg_state state;
    /* Relationship fields as one line (copa__apt_deps_parse them), or NULL. */
    const char *depends;
    const char *pre_depends;
    const char *provides;
    const char *breaks;
    const char *conflicts;
    const char *replaces;
    copa__dpkg_conffile *conffiles;
    size_t conffile_count;
    /* Every field in file order; values are raw (continuations kept) and
     * point into the file's text, not NUL-terminated. */
    copa__deb822_field *fields;
    size_t field_count;
    /* The stanza's bytes in the file, up to its last newline. */
    size_t offset;
    size_t raw_len;
    size_t line;
} copa__dpkg_pkg;

/* Parse flags. */
/* A status.d file: a stanza without Status counts as "install ok installed"
 * (distroless images are assembled without dpkg). */
#define COPA__DPKG_STATUS_D 0x1u

typedef struct copa__dpkg_status {
    char *name; /* path used in messages and by the writer */
    char *text; /* the file's exact bytes (NUL-terminated copy) */
    size_t len;
    copa__dpkg_pkg *pkgs; /* one per stanza, in file order */
    size_t count;
    unsigned int flags;
    copa__arena arena;
} copa__dpkg_status;

/*
 * Parse a status file's text (copied). Every stanza needs Package; Status
 * needs three known words; Conffiles lines need a path and a hash.
 * Returns 0, COPA_EINVALID ("NAME:LINE: ...") or COPA_ENOMEM.
 */
int copa__dpkg_status_parse(copa__dpkg_status **out, const char *name, const char *text, size_t len,
                            unsigned int flags);

void copa__dpkg_status_free(copa__dpkg_status *st);

/* Whether dpkg regards the package as installed and healthy: state
 * installed, flag ok, selection install or hold. */
int copa__dpkg_pkg_is_installed(const copa__dpkg_pkg *pkg);

/* The raw value of field `name` (case-insensitive) and its length, or NULL. */
const char *copa__dpkg_pkg_field(const copa__dpkg_pkg *pkg, const char *name, size_t *len);

/* "install ok installed" and friends; names of each word. */
const char *copa__dpkg_want_name(copa__dpkg_want want);
const char *copa__dpkg_flag_name(copa__dpkg_flag flag);
const char *copa__dpkg_state_name(copa__dpkg_state state);

/*
 * Parse a Conffiles value (raw, continuation lines) into an arena array.
 * Returns 0, COPA_EINVALID (naming `where`) or COPA_ENOMEM.
 */
int copa__dpkg_conffiles_parse(copa__dpkg_conffile **out, size_t *count, copa__arena *arena,
                               const char *value, size_t len, const char *where);

#endif
