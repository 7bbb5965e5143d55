/*
 * The hash set: open addressing on the hash's low bits, grown at half load.
 */
#include "util/hash_set.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

void copa__hash_set_free(copa__hash_set *s)
{
    if (s == NULL)
        return;
    free(s->slots);
    memset(s, 0, sizeof(*s));
}

static size_t slot_of(const uint64_t *slots, size_t cap, uint64_t h)
{
    size_t j = (size_t)(h ^ (h >> 32)) & (cap - 1);
    while (slots[j] != 0 && slots[j] != h)
        j = (j + 1) & (cap - 1);
    return j;
}

static int grow(copa__hash_set *s)
{
    size_t cap = s->cap != 0 ? s->cap * 2 : 4096, i;
    uint64_t *slots = calloc(cap, sizeof(*slots));

    if (slots == NULL)
        return copa__error_oom();
    for (i = 0; i < s->cap; i++)
        if (s->slots[i] != 0)
            slots[slot_of(slots, cap, s->slots[i])] = s->slots[i];
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
    return 0;
}

int copa__hash_set_add(copa__hash_set *s, uint64_t h)
{
    size_t j;
    int rc;

    if (h == 0)
        h = 1;
    if (s->count * 2 >= s->cap && (rc = grow(s)) != 0)
        return rc;
    j = slot_of(s->slots, s->cap, h);
    if (s->slots[j] == 0) {
        s->slots[j] = h;
        s->count++;
    }
    return 0;
}

int copa__hash_set_has(const copa__hash_set *s, uint64_t h)
{
    if (s->cap == 0)
        return 0;
    if (h == 0)
        h = 1;
    return s->slots[slot_of(s->slots, s->cap, h)] != 0;
}
