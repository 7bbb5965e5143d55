/*
 * The rootfs view's index: node array, open-addressing hash table keyed by
 * (parent, name), string arena and interned user/group names.
 */
#include "layer/rootfs_internal.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

enum { ARENA_CHUNK = 64 * 1024 };

static uint32_t hash_key(uint32_t parent, const char *name, size_t length)
{
    uint32_t h = 2166136261u ^ (parent * 0x9e3779b1u);
    size_t i;

    for (i = 0; i < length; i++) {
        h ^= (unsigned char)name[i];
        h *= 16777619u;
    }
    return h;
}

const char *copa__rfs_strdup(copa__rootfs *fs, const char *text, size_t length)
{
    rfs_chunk *chunk = fs->arena;
    char *copy;

    if (chunk == NULL || chunk->size - chunk->used < length + 1) {
        size_t size = length + 1 > ARENA_CHUNK ? length + 1 : ARENA_CHUNK;
        chunk = malloc(sizeof(*chunk) + size);
        if (chunk == NULL)
            return NULL;
        chunk->used = 0;
        chunk->size = size;
        /* A big string gets its own chunk behind the current one. */
        if (fs->arena != NULL && size > ARENA_CHUNK) {
            chunk->next = fs->arena->next;
            fs->arena->next = chunk;
        } else {
            chunk->next = fs->arena;
            fs->arena = chunk;
        }
        fs->arena_bytes += sizeof(*chunk) + size;
    }
    copy = chunk->data + chunk->used;
    memcpy(copy, text, length);
    copy[length] = '\0';
    chunk->used += length + 1;
    return copy;
}

int copa__rfs_intern(copa__rootfs *fs, uint16_t *out, const char *name)
{
    uint16_t i;

    for (i = 0; i < fs->name_count; i++)
        if (strcmp(fs->names[i], name) == 0) {
            *out = i;
            return 0;
        }
    if (fs->name_count == 0xffff)
        return copa__error_set(COPA_EUNSUPPORTED, "too many distinct user and group names");
    if (fs->name_count == fs->name_capacity) {
        uint16_t capacity =
            fs->name_capacity < 0x7fff ? (uint16_t)(fs->name_capacity * 2 + 8) : (uint16_t)0xffff;
        const char **names = realloc(fs->names, capacity * sizeof(*names));
        if (names == NULL)
            return copa__error_oom();
        fs->names = names;
        fs->name_capacity = capacity;
    }
    fs->names[fs->name_count] = copa__rfs_strdup(fs, name, strlen(name));
    if (fs->names[fs->name_count] == NULL)
        return copa__error_oom();
    *out = fs->name_count++;
    return 0;
}

int copa__rfs_init(copa__rootfs *fs)
{
    uint16_t empty;

    fs->node_capacity = 1024;
    fs->nodes = calloc(fs->node_capacity, sizeof(*fs->nodes));
    fs->slot_capacity = 2048;
    fs->slots = calloc(fs->slot_capacity, sizeof(*fs->slots));
    if (fs->nodes == NULL || fs->slots == NULL)
        return copa__error_oom();
    if (copa__rfs_intern(fs, &empty, "") != 0)
        return COPA_ENOMEM;
    fs->node_count = 1;
    fs->nodes[RFS_ROOT].name = "";
    fs->nodes[RFS_ROOT].type = COPA__ENTRY_DIR;
    fs->nodes[RFS_ROOT].mode = 0755;
    fs->nodes[RFS_ROOT].parent = RFS_ROOT;
    fs->nodes[RFS_ROOT].first_child = RFS_NONE;
    fs->nodes[RFS_ROOT].next_sibling = RFS_NONE;
    fs->nodes[RFS_ROOT].prev_sibling = RFS_NONE;
    return 0;
}

void copa__rfs_release(copa__rootfs *fs)
{
    uint32_t i;

    for (i = 0; i < fs->node_count; i++)
        free(fs->nodes[i].content);
    while (fs->arena != NULL) {
        rfs_chunk *next = fs->arena->next;
        free(fs->arena);
        fs->arena = next;
    }
    free(fs->nodes);
    free(fs->slots);
    free(fs->names);
}

uint32_t copa__rfs_child(const copa__rootfs *fs, uint32_t parent, const char *name, size_t length)
{
    uint32_t h = hash_key(parent, name, length);
    uint32_t mask = fs->slot_capacity - 1, i = h & mask, id;

    while ((id = fs->slots[i]) != 0) {
        if (id != RFS_NONE) {
            const rfs_node *n = &fs->nodes[id];
            if (n->hash == h && n->parent == parent && strncmp(n->name, name, length) == 0 &&
                n->name[length] == '\0')
                return id;
        }
        i = (i + 1) & mask;
    }
    return RFS_NONE;
}

static void slot_insert(copa__rootfs *fs, uint32_t id)
{
    uint32_t mask = fs->slot_capacity - 1, i = fs->nodes[id].hash & mask;

    while (fs->slots[i] != 0 && fs->slots[i] != RFS_NONE)
        i = (i + 1) & mask;
    if (fs->slots[i] == 0)
        fs->slot_used++;
    fs->slots[i] = id;
}

/* Keep the table under 70% full (live + deleted), rebuilding without tombstones. */
static int grow_slots(copa__rootfs *fs)
{
    uint32_t capacity = fs->slot_capacity, i;
    uint32_t *old = fs->slots;

    if ((uint64_t)(fs->slot_used + 1) * 10 < (uint64_t)capacity * 7)
        return 0;
    while ((uint64_t)(fs->live + 1) * 10 >= (uint64_t)capacity * 5)
        capacity *= 2;
    fs->slots = calloc(capacity, sizeof(*fs->slots));
    if (fs->slots == NULL) {
        fs->slots = old;
        return copa__error_oom();
    }
    fs->slot_capacity = capacity;
    fs->slot_used = 0;
    for (i = 1; i < fs->node_count; i++)
        if (!(fs->nodes[i].flags & RFS_DEAD))
            slot_insert(fs, i);
    free(old);
    return 0;
}

static int grow_nodes(copa__rootfs *fs)
{
    rfs_node *nodes;
    uint32_t capacity;

    if (fs->node_count < fs->node_capacity)
        return 0;
    if (fs->node_capacity >= 0x7fffffffu)
        return copa__error_set(COPA_EUNSUPPORTED, "too many entries in the image");
    capacity = fs->node_capacity * 2;
    nodes = realloc(fs->nodes, capacity * sizeof(*nodes));
    if (nodes == NULL)
        return copa__error_oom();
    fs->nodes = nodes;
    fs->node_capacity = capacity;
    return 0;
}

int copa__rfs_add_child(copa__rootfs *fs, uint32_t *out, uint32_t parent, const char *name,
                        size_t length)
{
    rfs_node *n, *p;
    uint32_t id;
    int error;

    if ((error = grow_nodes(fs)) != 0 || (error = grow_slots(fs)) != 0)
        return error;
    id = fs->node_count;
    n = &fs->nodes[id];
    memset(n, 0, sizeof(*n));
    n->name = copa__rfs_strdup(fs, name, length);
    if (n->name == NULL)
        return copa__error_oom();
    fs->node_count++;
    fs->live++;
    n->hash = hash_key(parent, name, length);
    n->parent = parent;
    n->first_child = RFS_NONE;
    n->prev_sibling = RFS_NONE;
    p = &fs->nodes[parent];
    n->next_sibling = p->first_child;
    if (p->first_child != RFS_NONE)
        fs->nodes[p->first_child].prev_sibling = id;
    p->first_child = id;
    slot_insert(fs, id);
    *out = id;
    return 0;
}

static void unlink_node(copa__rootfs *fs, uint32_t id)
{
    rfs_node *n = &fs->nodes[id];
    uint32_t mask = fs->slot_capacity - 1, i = n->hash & mask;

    if (n->prev_sibling != RFS_NONE)
        fs->nodes[n->prev_sibling].next_sibling = n->next_sibling;
    else
        fs->nodes[n->parent].first_child = n->next_sibling;
    if (n->next_sibling != RFS_NONE)
        fs->nodes[n->next_sibling].prev_sibling = n->prev_sibling;
    while (fs->slots[i] != id)
        i = (i + 1) & mask;
    fs->slots[i] = RFS_NONE;
}

/* Remove a node and everything under it (iteratively: trees can be deep). */
void copa__rfs_remove(copa__rootfs *fs, uint32_t id)
{
    uint32_t current = id;

    unlink_node(fs, id);
    fs->nodes[id].next_sibling = RFS_NONE;
    while (current != RFS_NONE) {
        rfs_node *n = &fs->nodes[current];
        if (n->first_child != RFS_NONE) {
            uint32_t child = n->first_child;
            unlink_node(fs, child);
            /* Reuse the child's sibling link as the way back up. */
            fs->nodes[child].next_sibling = current;
            current = child;
            continue;
        }
        n->flags |= RFS_DEAD;
        if (n->content != NULL)
            fs->content_bytes -= (size_t)n->size;
        free(n->content);
        n->content = NULL;
        fs->live--;
        current = current == id ? RFS_NONE : n->next_sibling;
    }
}
