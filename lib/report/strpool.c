/*
 * String pool: bump allocation in chunks of at least 64 KiB.
 */
#include "report/strpool.h"

#include <stdlib.h>
#include <string.h>

enum { CHUNK_MIN = 64 * 1024, ALIGN = sizeof(void *) };

struct copa__strpool_chunk {
    copa__strpool_chunk *next;
    size_t used, size;
    /* Keeps data aligned for pointer arrays. */
    void *align;
    char data[];
};

void *copa__strpool_alloc(copa__strpool *pool, size_t size)
{
    copa__strpool_chunk *chunk = pool->head;
    size_t need = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    void *p;

    if (need < size)
        return NULL;
    if (chunk == NULL || chunk->size - chunk->used < need) {
        size_t chunk_size = need > CHUNK_MIN ? need : CHUNK_MIN;
        chunk = malloc(sizeof(*chunk) + chunk_size);
        if (chunk == NULL)
            return NULL;
        chunk->used = 0;
        chunk->size = chunk_size;
        /* A big one-off goes behind the current chunk so its space is not lost. */
        if (pool->head != NULL && need > CHUNK_MIN) {
            chunk->next = pool->head->next;
            pool->head->next = chunk;
        } else {
            chunk->next = pool->head;
            pool->head = chunk;
        }
    }
    p = chunk->data + chunk->used;
    chunk->used += need;
    return p;
}

const char *copa__strpool_dupn(copa__strpool *pool, const char *s, size_t length)
{
    char *copy;

    if (length + 1 == 0)
        return NULL;
    copy = copa__strpool_alloc(pool, length + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, s, length);
    copy[length] = '\0';
    return copy;
}

const char *copa__strpool_dup(copa__strpool *pool, const char *s)
{
    return copa__strpool_dupn(pool, s, strlen(s));
}

void copa__strpool_clear(copa__strpool *pool)
{
    copa__strpool_chunk *chunk = pool->head;
    while (chunk != NULL) {
        copa__strpool_chunk *next = chunk->next;
        free(chunk);
        chunk = next;
    }
    pool->head = NULL;
}
