/*
 * The content-addressed blob cache: blobs fetched from registries are kept
 * under <dir>/blobs/sha256/<hex>, where dir is the caller's choice,
 * $COPA_CACHE_DIR, $XDG_CACHE_HOME/copa or ~/.cache/copa. An entry is
 * verified every time it is looked up (a corrupt one is removed and
 * reported missing, never served) and written to a temporary file in the
 * same directory and renamed, so several copa processes can share the
 * cache: the worst case is two downloads of the same blob, and the rename
 * of identical bytes over identical bytes.
 */
#ifndef COPA_LIB_IMAGE_BLOB_CACHE_H
#define COPA_LIB_IMAGE_BLOB_CACHE_H

#include <stddef.h>

typedef struct copa__blob_cache copa__blob_cache;

/*
 * Open (and create) the cache in `dir`, or the default when dir is NULL.
 * When the directory cannot be created, a private temporary directory is
 * used instead and removed by copa__blob_cache_free.
 */
int copa__blob_cache_open(copa__blob_cache **out, const char *dir);
void copa__blob_cache_free(copa__blob_cache *cache);
/* The directory the cache lives in (borrowed). */
const char *copa__blob_cache_dir(const copa__blob_cache *cache);

/*
 * The path of the cached blob `digest` (malloc'd) after checking its bytes
 * hash to the digest (and that it is `size` bytes unless size < 0).
 * COPA_ENOTFOUND when absent or corrupt (a corrupt entry is deleted).
 */
int copa__blob_cache_lookup(char **out, copa__blob_cache *cache, const char *digest, double size);

/* Writes the blob's bytes into fd; 0 only when they were verified. */
typedef int (*copa__blob_fetch_fn)(void *payload, int fd);

/*
 * Fill the cache: `fetch` writes into a new temporary file, which is renamed
 * to the blob's name when fetch returns 0 and removed otherwise. The path
 * of the entry goes to *out (malloc'd).
 */
int copa__blob_cache_fill(char **out, copa__blob_cache *cache, const char *digest,
                          copa__blob_fetch_fn fetch, void *payload);

/* Fill from memory, verifying that the bytes hash to `digest`. */
int copa__blob_cache_put(copa__blob_cache *cache, const char *digest, const void *data,
                         size_t length);

#endif
