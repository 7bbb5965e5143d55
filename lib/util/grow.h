/*
 * Arrays grown one element at a time without keeping a capacity: the
 * capacity is a function of the length, doubling, so realloc runs only
 * when it changes (O(n) copying over n appends, also under allocators
 * such as ASan's that move every realloc).
 */
#ifndef COPA_UTIL_GROW_H
#define COPA_UTIL_GROW_H

#include <stddef.h>

/* The slots allocated for an array that needs n: 16, 32, 64, ... */
static inline size_t copa__grow_slots(size_t n)
{
    size_t slots = 16;

    while (slots < n)
        slots *= 2;
    return slots;
}

/* Does an array holding `used` slots need a realloc to hold `used + 1`? */
static inline int copa__grow_needed(const void *array, size_t used)
{
    return array == NULL || copa__grow_slots(used + 1) != copa__grow_slots(used);
}

#endif
