/*
 * A parsed APT Packages index: the stanzas of one architecture (plus
 * "all"), strings in an arena, a name index for the resolver.
 */
#ifndef COPA_LIB_REPO_PACKAGES_H
#define COPA_LIB_REPO_PACKAGES_H

#include "util/arena.h"

#include <stddef.h>
#include <stdint.h>

typedef enum copa__apt_multiarch {
    COPA__MA_NO = 0,
    COPA__MA_SAME,
    COPA__MA_FOREIGN,
    COPA__MA_ALLOWED
} copa__apt_multiarch;

typedef struct copa__apt_package {
    const char *name;
    const char *version;
    const char *arch;
    const char *source;         /* the Source name, or the package name */
    const char *source_version; /* "(version)" of Source, or the version */
    /* Relationship fields as one line (copa__apt_deps_parse them), or NULL. */
    const char *depends;
    const char *pre_depends;
    const char *recommends;
    const char *provides;
    const char *breaks;
    const char *conflicts;
    const char *replaces;
    const char *filename; /* path relative to the repository URI */
    const char *sha256;   /* 64 lowercase hex digits, or NULL */
    const char *section;
    const char *priority;
    uint64_t size;           /* bytes of the .deb; 0 when absent */
    uint64_t installed_size; /* KiB; 0 when absent */
    copa__apt_multiarch multi_arch;
    int essential;
    size_t line;      /* line of the stanza in its index */
    size_t next_same; /* 1 + index of the next package with this name, or 0 */
} copa__apt_package;

typedef struct copa__apt_packages {
    copa__apt_package *items;
    size_t count;
    size_t cap;
    size_t other_arch; /* stanzas dropped for another architecture */
    char *arch;        /* kept architecture (plus "all"); NULL keeps all */
    /* Refuse compressed input that expands beyond this (default 1 GiB;
     * Debian's largest index is ~50 MB, far more is a decompression bomb). */
    uint64_t max_uncompressed;
    copa__arena arena;
    size_t *buckets; /* 1 + index of the first package of a name, or 0 */
    size_t nbuckets;
} copa__apt_packages;

/* An empty index keeping `arch` and "all" (`arch` NULL: every stanza). */
int copa__apt_packages_init(copa__apt_packages *idx, const char *arch);

void copa__apt_packages_free(copa__apt_packages *idx);

/*
 * Parse an uncompressed Packages text and add its stanzas. `name` is used
 * in messages ("NAME:LINE: ..."). Returns 0, COPA_EINVALID or COPA_ENOMEM.
 */
int copa__apt_packages_parse(copa__apt_packages *idx, const char *name, const char *text,
                             size_t len);

/*
 * Check `len` bytes of `data` against `sha256_hex` (64 hex digits; NULL
 * skips the check) and `size` (UINT64_MAX skips it), then decompress (xz,
 * gzip, bzip2, lz4, zstd or none, detected from the bytes) while parsing.
 * A mismatch is COPA_EVERIFY naming `name`.
 */
int copa__apt_packages_load(copa__apt_packages *idx, const char *name, const void *data, size_t len,
                            const char *sha256_hex, uint64_t size);

/* copa__apt_packages_load on the contents of the file at `path`. */
int copa__apt_packages_load_file(copa__apt_packages *idx, const char *path, const char *sha256_hex,
                                 uint64_t size);

/* The first package called `name` (follow next_same for more), or NULL. */
const copa__apt_package *copa__apt_packages_find(const copa__apt_packages *idx, const char *name);

/* Internal to packages*.c: parse one stanza / rebuild the name index. */
struct copa__deb822_stanza;
int copa__apt_packages_add_stanza(copa__apt_packages *idx, const char *name,
                                  const struct copa__deb822_stanza *st);
int copa__apt_packages_reindex(copa__apt_packages *idx);

#endif
