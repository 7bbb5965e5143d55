/*
 * Keeping the cache from growing forever. Every cached file is named by
 * its content's digest, so new index and package versions add files and
 * nothing replaces the old ones. A file is "used" when copa reads it from
 * the cache (its mtime is set then); files unused for COPA__CACHE_MAX_AGE
 * are removed when their directory is next used.
 */
#ifndef COPA_LIB_UTIL_CACHE_PRUNE_H
#define COPA_LIB_UTIL_CACHE_PRUNE_H

#include <stddef.h>
#include <stdint.h>

/* 30 days: a weekly or monthly job keeps what it uses. */
#define COPA__CACHE_MAX_AGE ((int64_t)30 * 24 * 3600)

/* Mark a cached file as used now. Best effort: a read-only cache is fine. */
void copa__cache_touch(const char *path);

/*
 * Is the cached file at `path` usable: present, `size` bytes (UINT64_MAX:
 * any) hashing to `hex`? It is marked used first, so a concurrent prune
 * leaves it; a damaged one is removed, never used. 1 or 0; no error is left set.
 */
int copa__cache_entry_ok(const char *path, uint64_t size, const char *hex);

/*
 * Remove the regular files directly in `dir` whose mtime is more than
 * `max_age` seconds before `now`. Best effort: a missing or unreadable
 * directory removes nothing. Returns how many files were removed.
 */
size_t copa__cache_prune(const char *dir, int64_t now, int64_t max_age);

#endif
