/*
 * The APT client: from an image's apt configuration to a verified, parsed
 * set of available packages. It ties together lib/repo (parsers), lib/trust
 * (OpenPGP) and lib/net (HTTP). The image is reached only through the
 * copa__image_files callbacks (lib/util/image_files.h), so the same code
 * runs on a directory in tests and on an image's rootfs view. See docs/apt.md ("Client").
 */
#ifndef COPA_LIB_APT_APT_H
#define COPA_LIB_APT_APT_H

#include "net/http.h"
#include "repo/packages.h"
#include "repo/release.h"
#include "repo/sources.h"
#include "net/mirror.h"
#include "trust/pgp.h"
#include "util/image_files.h"

#include <stddef.h>
#include <stdint.h>

typedef struct copa__apt_options {
    const char *arch;                /* the image's dpkg architecture, required */
    int64_t now;                     /* seconds since the epoch: key validity, Valid-Until */
    const copa__mirrors *mirrors;    /* --mirror FROM=TO rewrites, or NULL */
    const char *cache_dir;           /* NULL: $XDG_CACHE_HOME/copa or ~/.cache/copa */
    int insecure_allow_unsigned;     /* accept a Release that fails verification (flagged) */
    int insecure_ignore_valid_until; /* accept an expired Release (flagged) */
    copa__http_options http;
    /* Keep only the stanzas this filter wants (packages.h), over every index
     * in load order; NULL keeps all (the public apt API, `copa sources`). */
    copa__apt_filter *filter;
} copa__apt_options;

/* One (URI, suite) source after loading. */
typedef struct copa__apt_repo {
    copa__apt_source src;     /* the parsed source; src.uri is the URI as used (rewritten) */
    char *uri;                /* owns src.uri */
    const char *original_uri; /* as written in the image */
    int mirrored;             /* a --mirror rule rewrote it */
    char *name;               /* "URI SUITE" for messages */
    char *release_url;        /* the InRelease (or Release) URL fetched */
    copa__apt_release release;
    int have_release;
    char fingerprint[65];         /* the signing key, "" when not verified */
    char primary_fingerprint[65]; /* its primary key */
    char key_id[17];
    int trusted;                 /* trusted=yes: no signature checked */
    int insecure;                /* accepted only through an insecure option */
    int release_cached;          /* the server answered 304: the cached Release was used */
    size_t index_count;          /* Packages files loaded */
    size_t index_downloaded;     /* of which downloaded (not served from the cache) */
    copa__apt_packages packages; /* the image's arch and "all" */
    /* Per src.components[i]: packages.count once its indexes were loaded, so
     * packages.items[k] came from the first component whose end is > k
     * (Pin: release c=...). NULL for a flat repository. */
    size_t *component_ends;
} copa__apt_repo;

typedef struct copa__apt_result {
    copa__apt_sources sources;
    copa__apt_repo *repos;
    size_t count;
    size_t package_count; /* over all repos */
    char *cache_dir;
} copa__apt_result;

/* A package candidate: which repository offers it. */
typedef struct copa__apt_candidate {
    const copa__apt_repo *repo;
    const copa__apt_package *pkg;
} copa__apt_candidate;

/*
 * Read the image's sources and keys, fetch, verify and parse every
 * repository. Any failure fails the whole load (a partially trusted set of
 * packages is worse than none): the message names the repository (URI and
 * suite), and for signatures the key ID and the reason. COPA_EVERIFY for
 * signatures, hashes and expiry, COPA_ENOTFOUND for a missing component or
 * key file, COPA_ENETWORK, COPA_EINVALID for malformed files.
 * `out` is always initialized; free it with copa__apt_result_free().
 */
int copa__apt_load(copa__apt_result *out, const copa__image_files *fs,
                   const copa__apt_options *opts);
void copa__apt_result_free(copa__apt_result *r);

/*
 * Parse every repository's indexes of a loaded `out` again with
 * opts->filter (Releases are not fetched again; the indexes come from the
 * cache the first load filled, downloaded only if they went missing). For
 * a caller whose filter learned that the first scan dropped too much.
 */
int copa__apt_reload_indexes(copa__apt_result *r, const copa__apt_options *opts);

/* Candidates named `name` over all repositories (in source order): how many, up to max. */
size_t copa__apt_result_find(const copa__apt_result *r, const char *name, copa__apt_candidate *out,
                             size_t max);

/* The full download URL of a candidate (mirror applied), malloc'd. */
int copa__apt_candidate_url(char **out, const copa__apt_candidate *c);

/* --- steps, internal to lib/apt --- */

/* Read sources.list, sources.list.d/ *.list and *.sources (sorted) into `s`. */
int copa__apt_read_sources(copa__apt_sources *s, const copa__image_files *fs);

/* What anchors a source uses. */
typedef enum copa__apt_anchor_kind {
    COPA__ANCHOR_DEFAULT = 0, /* /etc/apt/trusted.gpg + trusted.gpg.d */
    COPA__ANCHOR_INLINE,      /* Signed-By holds a key block */
    COPA__ANCHOR_FILES,       /* Signed-By paths */
    COPA__ANCHOR_FINGERPRINTS /* default keys restricted to fingerprints */
} copa__apt_anchor_kind;

/* Is this Signed-By entry a fingerprint (40 or 64 hex digits, optional '!')? */
int copa__apt_is_fingerprint(const char *entry);
copa__apt_anchor_kind copa__apt_anchor_kind_of(const copa__apt_source *src);

/* The default anchor files: /etc/apt/trusted.gpg and trusted.gpg.d/ *.gpg, *.asc, sorted. */
int copa__apt_default_anchor_paths(char ***paths, size_t *count, const copa__image_files *fs);

/* The keyring a source is verified against; *out owned by the caller. */
int copa__apt_anchor_keyring(copa__pgp_keyring **out, const copa__apt_source *src,
                             const copa__image_files *fs);

/* Cache layout. */
int copa__apt_cache_release_path(char **out, const char *cache_dir, const char *url);
/* Remove cached InRelease documents and indexes unused for COPA__CACHE_MAX_AGE. */
void copa__apt_cache_prune(const char *cache_dir);
int copa__apt_cache_index_path(char **out, const char *cache_dir, const char *sha256_hex);

/* A cached HTTP document with its validators. */
typedef struct copa__apt_cached {
    char *etag, *last_modified;
    char *body;
    size_t len;
} copa__apt_cached;
int copa__apt_cache_read_doc(copa__apt_cached *out, const char *path);
int copa__apt_cache_write_doc(const char *path, const char *etag, const char *last_modified,
                              const void *body, size_t len);
void copa__apt_cached_free(copa__apt_cached *c);

/*
 * Compare a verified Release with what copa saw of this repository before
 * (release_history.c): COPA_EVERIFY when its Date is older than the newest
 * seen or its Origin or Label changed; otherwise remember it when newer.
 * Unverified (trusted, insecure) Releases are neither checked nor recorded;
 * one accepted through an insecure time override is checked, not recorded.
 */
int copa__apt_release_history(const copa__apt_repo *repo, const char *cache_dir);

/* Fetch and verify the Release of `repo` (sets release, fingerprint, ...). */
int copa__apt_fetch_release(copa__apt_repo *repo, const copa__pgp_keyring *keyring,
                            const copa__apt_options *opts, const char *cache_dir);

/* One Packages file to load for a repository. */
typedef struct copa__apt_index {
    copa__apt_repo *repo;
    const copa__apt_release_file *file;
    size_t component; /* index in repo->src.components (0 when flat) */
    char *url;        /* where to fetch it (by-hash when offered) */
    int by_hash;      /* url is the by-hash path (the plain path is the fallback) */
    int by_hash_404;  /* the by-hash URL answered 404: try the plain path */
    char *cache;      /* cache path (by SHA-256) */
    /* The Release's entry for the uncompressed index, and its cache path
     * (index_plain.c); NULL when `file` is uncompressed or the Release
     * does not list it. */
    const copa__apt_release_file *plain;
    char *plain_cache;
    int plain_cached; /* plain_cache holds a checked copy */
} copa__apt_index;

/* Fill it->plain and it->plain_cache from the Release. 0 or COPA_ENOMEM. */
int copa__apt_index_plan_plain(copa__apt_index *it, const char *cache_dir);
/* Is a good uncompressed copy cached? A damaged one is removed. */
int copa__apt_index_plain_ok(const copa__apt_index *it);
/*
 * Decompress the cached it->cache into it->plain_cache, checked against the
 * Release's size and SHA-256 of the uncompressed file (the compressed copy
 * stays until it ages out). COPA_EVERIFY when they differ, COPA_EINVALID,
 * COPA_ERROR.
 */
int copa__apt_index_store_plain(const copa__apt_index *it);

/*
 * The Packages files `repo` needs for `arch`: per component (or the flat
 * directory) the best variant, by-hash URL when Acquire-By-Hash. Appends
 * to *items. COPA_ENOTFOUND naming repository and component when missing.
 */
int copa__apt_plan_indexes(copa__apt_index **items, size_t *count, copa__apt_repo *repo,
                           const char *arch, const char *cache_dir);
void copa__apt_indexes_free(copa__apt_index *items, size_t count);

/*
 * Load every planned index: cached when its hash holds, else downloaded in
 * parallel; a by-hash URL that answers 404 is retried at the plain path
 * (checked against the same Release entry).
 */
int copa__apt_fetch_indexes(copa__apt_index *items, size_t count, const copa__apt_options *opts);

#endif
