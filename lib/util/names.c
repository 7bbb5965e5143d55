/*
 * The name set: open addressing over owned strings, grown at half load.
 */
#include "util/names.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

void copa__names_init(copa__names *n)
{
    memset(n, 0, sizeof(*n));
}

void copa__names_free(copa__names *n)
{
    size_t i;
    if (n == NULL)
        return;
    for (i = 0; i < n->count; i++)
        free(n->order[i]);
    free(n->order);
    free(n->slots);
    memset(n, 0, sizeof(*n));
}

uint64_t copa__names_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603u;
    size_t i;
    for (i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

static int grow(copa__names *n)
{
    size_t cap = n->cap != 0 ? n->cap * 2 : 1024, i;
    char **slots = calloc(cap, sizeof(*slots));
    char **order = realloc(n->order, cap * sizeof(*order));

    if (slots == NULL || order == NULL) {
        free(slots);
        if (order != NULL)
            n->order = order;
        return copa__error_oom();
    }
    n->order = order;
    for (i = 0; i < n->cap; i++) {
        if (n->slots[i] != NULL) {
            size_t j = (size_t)copa__names_hash(n->slots[i], strlen(n->slots[i])) & (cap - 1);
            while (slots[j] != NULL)
                j = (j + 1) & (cap - 1);
            slots[j] = n->slots[i];
        }
    }
    free(n->slots);
    n->slots = slots;
    n->cap = cap;
    return 0;
}

/* The slot holding the name, or the empty slot where it would go; `s` has
 * no NUL byte in its `len` (callers cut there), so strncmp stops inside it
 * only at a shorter slot's end, and slot[len] is in bounds after a match. */
static size_t find_slot(const copa__names *n, const char *s, size_t len)
{
    size_t j = (size_t)copa__names_hash(s, len) & (n->cap - 1);
    while (n->slots[j] != NULL) {
        if (strncmp(n->slots[j], s, len) == 0 && n->slots[j][len] == '\0')
            return j;
        j = (j + 1) & (n->cap - 1);
    }
    return j;
}

int copa__names_add(copa__names *n, const char *s, size_t len)
{
    size_t j;
    int rc;

    len = strnlen(s, len);
    if (len == 0)
        return 0;
    if (n->count * 2 >= n->cap && (rc = grow(n)) != 0)
        return rc;
    j = find_slot(n, s, len);
    if (n->slots[j] != NULL)
        return 0;
    if ((n->slots[j] = strndup(s, len)) == NULL)
        return copa__error_oom();
    n->order[n->count++] = n->slots[j];
    return 1;
}

int copa__names_has(const copa__names *n, const char *s, size_t len)
{
    len = strnlen(s, len);
    if (n->cap == 0 || len == 0)
        return 0;
    return n->slots[find_slot(n, s, len)] != NULL;
}
