/*
 * The per-layer index cache: what reading a base layer taught the rootfs
 * view (every entry's metadata, whiteouts, opaque directories, and the
 * content of the files the view kept), stored once per layer digest so a
 * warm run applies it without downloading, inflating or hashing the layer.
 *
 * Entries live in <cache>/layer-index/v1/<hex of the layer digest>, one file
 * each, written to a temporary name and renamed (two processes filling the
 * same layer rename equivalent records over each other), ending in the
 * SHA-256 of everything before it. An entry is used only when that trailer
 * matches and it was recorded for the same digest, size, media type and
 * diff_id as the layer asked for; anything else is removed and read again
 * from the layer. Entries unused for COPA__CACHE_MAX_AGE are pruned like
 * the other caches. COPA_NO_LAYER_CACHE=1 turns the cache off. docs/layers.md.
 */
#ifndef COPA_LIB_LAYERCACHE_LAYER_CACHE_H
#define COPA_LIB_LAYERCACHE_LAYER_CACHE_H

#include "layer/rootfs.h"

/* Records larger than this are not stored (a layer with millions of entries). */
#define COPA__LAYER_CACHE_MAX_ENTRY ((size_t)64 * 1024 * 1024)

typedef struct copa__layer_cache copa__layer_cache;

/*
 * Open the cache under `dir` (NULL or "": the default cache directory).
 * Returns 0 with *out NULL when the cache is turned off or cannot be used
 * (no cache directory, not writable): it only ever saves work, so it is
 * never a reason to fail. COPA_ENOMEM otherwise.
 */
int copa__layer_cache_open(copa__layer_cache **out, const char *dir);
void copa__layer_cache_free(copa__layer_cache *cache);

/* The directory holding the entries (borrowed). */
const char *copa__layer_cache_dir(const copa__layer_cache *cache);

/*
 * Apply layer `desc` to `fs` from its cached entry. 0: applied, exactly as
 * reading the layer would have. COPA_ENOTFOUND with *needs_bytes 0: no
 * usable entry, `fs` untouched (a damaged or foreign entry is removed).
 * Any other failure leaves `fs` unusable (copa__rootfs_replay_layer); with
 * *needs_bytes set, the entry was recorded over another base and lacks a
 * file this view keeps: build the view again reading this layer's bytes.
 */
int copa__layer_cache_apply(copa__layer_cache *cache, copa__rootfs *fs,
                            const copa__layer_desc *desc, int *needs_bytes);

/*
 * copa__rootfs_add_layer, storing the layer's entry once the layer was read
 * and verified. Storing is best effort: its failures are not returned.
 * `cache` may be NULL (then this is copa__rootfs_add_layer).
 */
int copa__layer_cache_add(copa__layer_cache *cache, copa__rootfs *fs, const copa__layer_desc *desc,
                          const copa__layer_source *source);

/* The path of the entry of `digest` (malloc'd), or NULL for a malformed digest. */
char *copa__layer_cache_entry_path(const copa__layer_cache *cache, const char *digest);

#endif
