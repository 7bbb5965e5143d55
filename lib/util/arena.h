/*
 * A bump allocator for models made of many small strings (parsed package
 * indexes, reports, plans): they live in a few large blocks that are freed
 * together instead of one malloc per field. A zeroed struct is an empty
 * arena.
 */
#ifndef COPA_LIB_UTIL_ARENA_H
#define COPA_LIB_UTIL_ARENA_H

#include <stddef.h>

typedef struct copa__arena_block copa__arena_block;

typedef struct copa__arena {
    copa__arena_block *head; /* newest block first */
    size_t used;             /* bytes used in head */
    size_t cap;              /* capacity of head */
    size_t total;            /* bytes handed out, for statistics */
} copa__arena;

/* An empty arena; no allocation happens until the first request. */
void copa__arena_init(copa__arena *a);

/* Free every block; the arena is empty again and may be reused. */
void copa__arena_free(copa__arena *a);

/* `size` bytes aligned for any object, or NULL when memory runs out. */
void *copa__arena_alloc(copa__arena *a, size_t size);

/* A NUL-terminated copy of `len` bytes of `s`, or NULL when memory runs out. */
char *copa__arena_strndup(copa__arena *a, const char *s, size_t len);

/* A copy of the NUL-terminated `s`, or NULL when memory runs out. */
char *copa__arena_strdup(copa__arena *a, const char *s);

#endif
