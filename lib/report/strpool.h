/*
 * A string pool: many small immutable strings (package names, versions,
 * vulnerability IDs) copied into large chunks, freed all at once. A report
 * holds tens of thousands of them; one malloc each would double its memory.
 */
#ifndef COPA_LIB_REPORT_STRPOOL_H
#define COPA_LIB_REPORT_STRPOOL_H

#include <stddef.h>

typedef struct copa__strpool_chunk copa__strpool_chunk;

typedef struct copa__strpool {
    copa__strpool_chunk *head;
} copa__strpool;

/* Copy `length` bytes of `s` and a NUL; NULL when out of memory. */
const char *copa__strpool_dupn(copa__strpool *pool, const char *s, size_t length);

/* Copy a NUL-terminated string; NULL when out of memory. */
const char *copa__strpool_dup(copa__strpool *pool, const char *s);

/* Memory for `size` bytes aligned for any pointer; NULL when out of memory. */
void *copa__strpool_alloc(copa__strpool *pool, size_t size);

/* Free every chunk; the pool is empty and reusable afterwards. */
void copa__strpool_clear(copa__strpool *pool);

#endif
