/*
 * Bump allocator: blocks of at least 64 KiB, each request aligned to
 * max_align_t. A request larger than a block gets a block of its own.
 */
#include "util/arena.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_SIZE ((size_t)64 * 1024)

struct copa__arena_block {
    copa__arena_block *next;
    alignas(max_align_t) unsigned char data[];
};

void copa__arena_init(copa__arena *a)
{
    memset(a, 0, sizeof(*a));
}

void copa__arena_free(copa__arena *a)
{
    copa__arena_block *b = a->head;
    while (b != NULL) {
        copa__arena_block *next = b->next;
        free(b);
        b = next;
    }
    copa__arena_init(a);
}

/* Strings need no alignment; packing them saves ~10% on a Packages index. */
static void *arena_alloc_aligned(copa__arena *a, size_t size, size_t align)
{
    size_t start = (a->used + align - 1) & ~(align - 1);
    copa__arena_block *b;
    size_t cap;

    if (size > SIZE_MAX / 2)
        return NULL;
    if (a->head != NULL && start <= a->cap && size <= a->cap - start) {
        a->used = start + size;
        a->total += size;
        return a->head->data + start;
    }
    cap = size > ARENA_BLOCK_SIZE ? size : ARENA_BLOCK_SIZE;
    b = malloc(sizeof(*b) + cap);
    if (b == NULL)
        return NULL;
    b->next = a->head;
    a->head = b;
    a->cap = cap;
    a->used = size;
    a->total += size;
    return b->data;
}

void *copa__arena_alloc(copa__arena *a, size_t size)
{
    return arena_alloc_aligned(a, size, alignof(max_align_t));
}

char *copa__arena_strndup(copa__arena *a, const char *s, size_t len)
{
    char *p;
    if (len == SIZE_MAX)
        return NULL;
    p = arena_alloc_aligned(a, len + 1, 1);
    if (p == NULL)
        return NULL;
    if (len > 0)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *copa__arena_strdup(copa__arena *a, const char *s)
{
    return copa__arena_strndup(a, s, strlen(s));
}
