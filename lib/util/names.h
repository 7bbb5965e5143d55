/*
 * A set of names (owned copies) that remembers insertion order, so the
 * same structure is a breadth-first queue: walk order[0..count) while
 * adding. Lookups take a length, so a caller can test a name inside a
 * larger buffer (a deb822 value) without copying it.
 */
#ifndef COPA_LIB_UTIL_NAMES_H
#define COPA_LIB_UTIL_NAMES_H

#include <stddef.h>
#include <stdint.h>

typedef struct copa__names {
    char **slots; /* open addressing, NULL = empty */
    size_t cap, count;
    char **order; /* the names in insertion order */
} copa__names;

/* An empty set (a zeroed struct is one too). */
void copa__names_init(copa__names *n);
void copa__names_free(copa__names *n);

/* Add `len` bytes of `s` (up to a NUL byte, as a C string would end):
 * 1 when new, 0 when present or empty, COPA_ENOMEM. */
int copa__names_add(copa__names *n, const char *s, size_t len);

/* Whether `len` bytes of `s` are in the set. */
int copa__names_has(const copa__names *n, const char *s, size_t len);

/* FNV-1a of `len` bytes: the set's hash, shared with copa__hash_set users. */
uint64_t copa__names_hash(const char *s, size_t len);

#endif
