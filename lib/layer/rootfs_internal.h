/*
 * The rootfs view's index: nodes in one array, a hash table keyed by
 * (parent node, name), strings in a chunked arena. Memory grows with the
 * number of entries; only kept file contents depend on file sizes.
 */
#ifndef COPA_LIB_LAYER_ROOTFS_INTERNAL_H
#define COPA_LIB_LAYER_ROOTFS_INTERNAL_H

#include "layer/reader.h"
#include "layer/rootfs.h"

#include <stdint.h>

enum { RFS_ROOT = 0, RFS_NONE = 0xffffffffu, RFS_MAX_LINKS = 40 };

enum { RFS_DEAD = 1, RFS_KEPT = 2, RFS_HARDLINK = 4 };

typedef struct rfs_node {
    const char *name; /* arena */
    const char *link; /* arena; symlink target or NULL */
    unsigned char *content;
    /* security.capability: one length byte then the value (arena), or NULL.
     * Kept for every file: patching must not drop a capability (debpatch). */
    const unsigned char *capability;
    int64_t size, mtime;
    uint32_t parent, first_child, next_sibling, prev_sibling;
    uint32_t uid, gid;
    uint32_t hash;
    uint16_t mode;
    uint8_t type;
    uint8_t flags;
    uint16_t layer;
    uint16_t uname, gname; /* index into the name table */
} rfs_node;

typedef struct rfs_chunk {
    struct rfs_chunk *next;
    size_t used, size;
    char data[];
} rfs_chunk;

struct copa__rootfs {
    rfs_node *nodes;
    uint32_t node_count, node_capacity, live;
    uint32_t *slots; /* 0 = empty, RFS_NONE = deleted, else node id */
    uint32_t slot_capacity, slot_used;
    rfs_chunk *arena;
    size_t arena_bytes, content_bytes;
    const char **names; /* interned user/group names; names[0] = "" */
    uint16_t name_count, name_capacity;
    /* options */
    size_t keep_max_size;
    char **prefixes;  /* normalised, as given */
    char **canonical; /* the same resolved through the view's symlinks */
    size_t prefix_count;
    int prefixes_dirty;
    /* state of the layer being added */
    unsigned int layer, layer_count;
    int broken;
    const char *layer_name;
    char *cache_path; /* last parent resolved, for consecutive entries */
    uint32_t cache_node;
    /* recording (copa__rootfs_add_layer_recorded) */
    copa__rootfs_record_fn record;
    void *record_payload;
    /* replay: the recorded content of the current file entry */
    const void *replay_content;
    size_t replay_length;
    int replay_kept, replay_missing;
};

/* Index primitives (rootfs_index.c). */
int copa__rfs_init(copa__rootfs *fs);
void copa__rfs_release(copa__rootfs *fs);
uint32_t copa__rfs_child(const copa__rootfs *fs, uint32_t parent, const char *name, size_t length);
int copa__rfs_add_child(copa__rootfs *fs, uint32_t *out, uint32_t parent, const char *name,
                        size_t length);
void copa__rfs_remove(copa__rootfs *fs, uint32_t id);
const char *copa__rfs_strdup(copa__rootfs *fs, const char *text, size_t length);
int copa__rfs_intern(copa__rootfs *fs, uint16_t *out, const char *name);

/*
 * Resolve `path` starting at directory `start` (absolute paths restart at
 * the root; ".." stops at the root). `*links` counts symlinks followed.
 */
int copa__rfs_resolve(const copa__rootfs *fs, uint32_t *out, uint32_t start, const char *path,
                      int follow_last, int *links);
/*
 * Keep the content of regular file `id` if it is small enough and under a
 * kept prefix, reading it from the layer (rootfs_keep.c).
 */
int copa__rfs_keep(copa__rootfs *fs, uint32_t id, copa__layer_reader *reader);
/*
 * The same from recorded content (`have`: the record holds it). A wanted
 * file the record lacks sets fs->replay_missing and is COPA_ENOTFOUND.
 */
int copa__rfs_keep_recorded(copa__rootfs *fs, uint32_t id, const void *content, size_t length,
                            int have);

/* "/a/b" of a node into a malloc'd string. */
char *copa__rfs_path(const copa__rootfs *fs, uint32_t id);

#endif
