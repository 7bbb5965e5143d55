/*
 * A set of 64-bit hashes: remembers that a name was seen without keeping
 * the name (8 bytes each). A collision can only answer "seen" for a name
 * that was not, so callers use it where a false "seen" costs work, never
 * correctness.
 */
#ifndef COPA_LIB_UTIL_HASH_SET_H
#define COPA_LIB_UTIL_HASH_SET_H

#include <stddef.h>
#include <stdint.h>

typedef struct copa__hash_set {
    uint64_t *slots; /* 0 = empty; a hash of 0 is stored as 1 */
    size_t cap, count;
} copa__hash_set;

void copa__hash_set_free(copa__hash_set *s);

/* Add `h`: 0, or COPA_ENOMEM. */
int copa__hash_set_add(copa__hash_set *s, uint64_t h);

int copa__hash_set_has(const copa__hash_set *s, uint64_t h);

#endif
