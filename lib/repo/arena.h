/*
 * A bump allocator for the repository models: parsed indexes hold tens of
 * thousands of small strings, so they live in a few large blocks that are
 * freed together instead of one malloc per field.
 */
#ifndef COPA_LIB_REPO_ARENA_H
#define COPA_LIB_REPO_ARENA_H

#include <stddef.h>

typedef struct copa__repo_arena_block copa__repo_arena_block;

typedef struct copa__repo_arena {
    copa__repo_arena_block *head; /* newest block first */
    size_t used;                  /* bytes used in head */
    size_t cap;                   /* capacity of head */
    size_t total;                 /* bytes handed out, for statistics */
} copa__repo_arena;

/* An empty arena; no allocation happens until the first request. */
void copa__repo_arena_init(copa__repo_arena *a);

/* Free every block; the arena is empty again and may be reused. */
void copa__repo_arena_free(copa__repo_arena *a);

/* `size` bytes aligned for any object, or NULL when memory runs out. */
void *copa__repo_arena_alloc(copa__repo_arena *a, size_t size);

/* A NUL-terminated copy of `len` bytes of `s`, or NULL when memory runs out. */
char *copa__repo_arena_strndup(copa__repo_arena *a, const char *s, size_t len);

#endif
