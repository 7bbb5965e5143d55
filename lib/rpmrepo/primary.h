/*
 * primary.xml of an rpm-md repository as a compact model: per package its
 * identity (name, epoch, version, release, arch), the package checksum
 * (pkgid), where it is, its sizes, its source rpm, its dependencies of
 * every kind and the files primary.xml lists (the ones dependencies are
 * most likely to name: /usr/bin, /etc, ...). Streamed: the decompressed
 * document is never held whole; all strings live in one arena.
 */
#ifndef COPA_LIB_RPMREPO_PRIMARY_H
#define COPA_LIB_RPMREPO_PRIMARY_H

#include "util/arena.h"

#include <stddef.h>
#include <stdint.h>

typedef enum copa__rpm_dep_kind {
    COPA_RPM_DEP_PROVIDES,
    COPA_RPM_DEP_REQUIRES,
    COPA_RPM_DEP_CONFLICTS,
    COPA_RPM_DEP_OBSOLETES,
    COPA_RPM_DEP_RECOMMENDS,
    COPA_RPM_DEP_SUGGESTS,
    COPA_RPM_DEP_SUPPLEMENTS,
    COPA_RPM_DEP_ENHANCES,
    COPA_RPM_DEP_KINDS
} copa__rpm_dep_kind;

/* The comparison of a versioned dependency (primary.xml's flags=). */
typedef enum copa__rpm_cmp {
    COPA_RPM_CMP_ANY = 0, /* no version */
    COPA_RPM_CMP_EQ,
    COPA_RPM_CMP_LT,
    COPA_RPM_CMP_GT,
    COPA_RPM_CMP_LE,
    COPA_RPM_CMP_GE
} copa__rpm_cmp;

typedef struct copa__rpm_dep {
    const char *name;  /* may be a rich dependency "(a or b)" or a file path */
    const char *epoch; /* NULL when not given */
    const char *ver;
    const char *rel;
    uint8_t cmp; /* copa__rpm_cmp */
    uint8_t pre; /* pre="1": needed by a scriptlet (Requires(pre)) */
} copa__rpm_dep;

typedef enum copa__rpm_file_type {
    COPA_RPM_FILE_REGULAR = 0,
    COPA_RPM_FILE_DIR,
    COPA_RPM_FILE_GHOST
} copa__rpm_file_type;

typedef struct copa__rpm_file {
    const char *path;
    uint8_t type; /* copa__rpm_file_type */
} copa__rpm_file;

typedef struct copa__rpm_pkg {
    const char *name;
    const char *arch;
    const char *epoch; /* "0" when primary.xml says 0 or nothing */
    const char *version;
    const char *release;
    const char *checksum_type; /* of the .rpm file: sha256, ... */
    const char *checksum;      /* lower-case hex (the pkgid) */
    const char *href;          /* relative to the repository (or to base) */
    const char *base;          /* location xml:base, or NULL */
    const char *sourcerpm;     /* or NULL */
    uint64_t size_package;
    uint64_t size_installed;
    copa__rpm_dep *deps[COPA_RPM_DEP_KINDS];
    uint32_t dep_count[COPA_RPM_DEP_KINDS];
    copa__rpm_file *files;
    uint32_t file_count;
} copa__rpm_pkg;

typedef struct copa__rpm_primary {
    copa__rpm_pkg *pkgs; /* in document order */
    size_t count;
    copa__arena arena;
} copa__rpm_primary;

/* Caps for hostile metadata; 0 in a field means its default. */
typedef struct copa__rpm_primary_limits {
    uint64_t max_uncompressed; /* default 4 GiB */
    size_t max_packages;       /* default 1,000,000 */
    size_t max_entries;        /* dependencies or files of one package; default 200,000 */
    size_t max_text;           /* one element's text or attribute; default 64 KiB */
    size_t max_memory;         /* the model's arena; default 2 GiB */
} copa__rpm_primary_limits;

/*
 * Parse primary.xml from `data` (gzip, xz, zstd, bzip2 or plain),
 * `name` for messages, `limits` NULL for the defaults. COPA_EINVALID for
 * malformed or hostile input (DTDs, caps exceeded, a package without
 * name/arch/version/checksum/location, a location that leaves the
 * repository), naming the document and line; COPA_ENOMEM.
 */
int copa__rpm_primary_parse(copa__rpm_primary **out, const char *name, const void *data, size_t len,
                            const copa__rpm_primary_limits *limits);

void copa__rpm_primary_free(copa__rpm_primary *primary);

/* The dependency kind of a primary.xml element name ("provides"), or -1. */
int copa__rpm_dep_kind_of(const char *element);

/* "EQ", "LT", ... to copa__rpm_cmp; -1 for anything else. */
int copa__rpm_cmp_of(const char *flags);

#endif
