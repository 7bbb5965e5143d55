/*
 * A parsed APT Packages index: the stanzas of one architecture (plus
 * "all"), strings in an arena, a name index for the resolver.
 */
#ifndef COPA_LIB_REPO_PACKAGES_H
#define COPA_LIB_REPO_PACKAGES_H

#include "util/arena.h"
#include "util/hash_set.h"
#include "util/names.h"

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

/*
 * Which stanzas a load keeps (packages_filter.c). A stanza is kept when its
 * Package or one of its Provides names is in `wanted`; the decision reads
 * the raw deb822 fields, so a dropped stanza costs no copy. With `follow`,
 * each kept stanza adds its Package, Depends and Pre-Depends names to
 * `wanted` (the closure grows while scanning, one pass usually suffices).
 * A name that joins `wanted` after a stanza matching it was dropped lands
 * in `late`: those stanzas are missing and only a new scan can get them.
 * One filter spans every index of a load, in load order.
 */
typedef struct copa__apt_filter {
    copa__names wanted;
    int follow;
    copa__names late;
    copa__hash_set dropped; /* hashes of the Package and Provides names of dropped stanzas */
} copa__apt_filter;

/* Forget `late` and `dropped` before a new scan; `wanted` stays. */
void copa__apt_filter_rescan(copa__apt_filter *f);
void copa__apt_filter_free(copa__apt_filter *f);

/*
 * Whether stanzas that match `name` (by Package or Provides) may have been
 * dropped although the resolver needs them: it joined `wanted` late, or it
 * was never wanted and a dropped stanza matched it.
 */
int copa__apt_filter_missed(const copa__apt_filter *f, const char *name);

/* Add `len` bytes of `name` to `wanted`, noting it in `late` when it is. */
int copa__apt_filter_want(copa__apt_filter *f, const char *name, size_t len);

struct copa__deb822_stanza;
/* 1: keep the stanza, 0: drop it (noted in `dropped`), or COPA_ENOMEM. */
int copa__apt_filter_stanza(copa__apt_filter *f, const struct copa__deb822_stanza *st);

typedef struct copa__apt_packages {
    copa__apt_package *items;
    size_t count;
    size_t cap;
    size_t other_arch;        /* stanzas dropped for another architecture */
    size_t unwanted;          /* stanzas dropped by `filter` */
    copa__apt_filter *filter; /* borrowed; NULL keeps every stanza */
    char *arch;               /* kept architecture (plus "all"); NULL keeps all */
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
int copa__apt_packages_add_stanza(copa__apt_packages *idx, const char *name,
                                  const struct copa__deb822_stanza *st);
int copa__apt_packages_reindex(copa__apt_packages *idx);

#endif
