/*
 * APKINDEX.tar.gz, the package index of an Alpine repository (one per
 * repository and architecture): a signature gzip member (see signature.h)
 * followed by the index tar (members DESCRIPTION and APKINDEX). APKINDEX
 * is text: stanzas of "L:value" lines separated by blank lines, one stanza
 * per package, with the letters apk-tools writes (apk_pkg_write_index_*):
 *
 *   C: Q1 + base64 SHA-1 of the package's control gzip member (its identity)
 *   P name  V version  A arch  S package size  I installed size
 *   T description  U url  L license  o origin  m maintainer  t build time
 *   c commit  k provider priority  D depends  p provides  i install_if
 *
 * Unknown letters are ignored, as apk-tools ignores lower-case ones.
 */
#ifndef COPA_LIB_APK_INDEX_H
#define COPA_LIB_APK_INDEX_H

#include "apk/signature.h"
#include "util/arena.h"

#include <stddef.h>
#include <stdint.h>

/* Limits against hostile indexes (Alpine's largest, community, has ~20k packages). */
#define COPA__APK_MAX_PACKAGES 1000000
#define COPA__APK_MAX_LINE ((size_t)64 * 1024)
#define COPA__APK_MAX_DEPS 4096

enum { COPA__APK_SHA1_LEN = 20 };

/*
 * One dependency atom, "[!]name[op version]": "so:libc.musl-x86_64.so.1",
 * "busybox>=1.36", "!foo", "cmd:sh", "musl=~1.2". Tags ("name@tag") stay
 * in the name as written.
 */
typedef struct copa__apk_dep {
    const char *text;    /* as written */
    const char *name;    /* without '!' and the constraint */
    const char *op;      /* "" or a run of '<', '>', '=', '~' as written */
    const char *version; /* "" without a constraint */
    int conflict;        /* written with a leading '!' */
} copa__apk_dep;

typedef struct copa__apk_deps {
    copa__apk_dep *items;
    size_t count;
} copa__apk_deps;

typedef struct copa__apk_index_pkg {
    const char *name, *version, *arch;
    const char *description, *url, *license;
    const char *origin, *maintainer, *commit; /* NULL when absent */
    uint64_t size, installed_size, build_time;
    uint64_t provider_priority;
    unsigned char checksum[COPA__APK_SHA1_LEN]; /* decoded C: */
    copa__apk_deps depends, provides, install_if;
} copa__apk_index_pkg;

typedef struct copa__apk_index {
    copa__arena arena;
    const char *description; /* DESCRIPTION member, "" when absent */
    copa__apk_index_pkg *packages;
    size_t count;
    copa__apk_sig_result signature; /* status UNSIGNED when accepted unsigned */
} copa__apk_index;

typedef struct copa__apk_index_options {
    const copa__apk_key *keys; /* the keys the caller trusts */
    size_t key_count;
    int allow_unsigned; /* accept an index without (trusted) signature */
} copa__apk_index_options;

/*
 * Verify and parse an APKINDEX.tar.gz held in memory. `what` names it in
 * messages (e.g. the repository URL). Refusals are COPA_EVERIFY: no
 * signature, a signature by a key not among `opts->keys` (the message names
 * the key file; index->signature.status is UNKNOWN_KEY), a signature that
 * does not verify. allow_unsigned accepts the first two, never the third.
 * COPA_EINVALID: damaged gzip or tar, no APKINDEX member, a malformed
 * stanza, a size limit passed. On failure the index is left empty.
 */
int copa__apk_index_read(copa__apk_index *index, const char *what, const void *data, size_t len,
                         const copa__apk_index_options *opts);

/* Parse APKINDEX text (already verified) into `index`, which must be zeroed. */
int copa__apk_index_parse(copa__apk_index *index, const char *what, const char *text, size_t len);

/* Parse a space-separated dependency list into `deps`, allocated in `arena`. */
int copa__apk_deps_parse(copa__arena *arena, copa__apk_deps *deps, const char *what,
                         const char *text, size_t len);

/* Decode "Q1<base64 of 20 bytes>": 0, or -1 when it is not that. */
int copa__apk_checksum_decode(unsigned char out[COPA__APK_SHA1_LEN], const char *text, size_t len);

/* "Q1..." of a SHA-1 into `out` (31 bytes with the NUL). */
void copa__apk_checksum_encode(char out[31], const unsigned char sha1[COPA__APK_SHA1_LEN]);

void copa__apk_index_free(copa__apk_index *index);

#endif
