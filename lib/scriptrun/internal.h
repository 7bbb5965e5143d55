/* Shared by the lib/scriptrun/ files: the tree, its manifest, entry application. */
#ifndef COPA_LIB_SCRIPTRUN_INTERNAL_H
#define COPA_LIB_SCRIPTRUN_INTERNAL_H

#include "scriptrun/tree.h"

#include <stdint.h>
#include <sys/types.h>

/* What a path should be, when the disk cannot say it (a non-root caller). */
typedef struct copa__tree_meta {
    char *path;
    size_t seq; /* later records win */
    unsigned mode;
    int64_t uid, gid;
    unsigned char cap[24];
    size_t cap_len;
} copa__tree_meta;

struct copa__tree {
    char *dir;
    int root_fd;
    int privileged; /* euid 0: owners and capabilities go to the disk too */
    copa__tree_meta *meta;
    size_t nmeta, capmeta;
    int sorted;
};

/* One entry to apply, from a layer tar or from the writer. */
typedef struct copa__tree_entry {
    const char *path; /* normalised, relative */
    copa__entry_type type;
    unsigned mode;
    int64_t uid, gid;
    const char *link;
    unsigned devmajor, devminor;
    const void *cap;
    size_t cap_len;
    copa__read_fn read; /* regular files */
    void *read_payload;
    /* The entry's mtime, kept on disk: scripts see the times the image has
     * (py3compile records a source's mtime in its .pyc). */
    int64_t mtime;
    int has_mtime;
} copa__tree_entry;

/* Per layer: the paths this layer wrote, so an opaque marker spares them. */
typedef struct copa__tree_layer_paths {
    uint64_t *hashes;
    size_t count, cap;
} copa__tree_layer_paths;

int copa__tree_apply_entry(copa__tree *tree, const copa__tree_entry *entry,
                           copa__tree_layer_paths *written);
void copa__tree_layer_paths_free(copa__tree_layer_paths *p);

int copa__tree_meta_record(copa__tree *tree, const char *path, unsigned mode, int64_t uid,
                           int64_t gid, const void *cap, size_t cap_len);
/* The latest record for `path`, or NULL. */
const copa__tree_meta *copa__tree_meta_find(copa__tree *tree, const char *path);

uint64_t copa__tree_path_hash(const char *path);

/* Remove `name` in `dir_fd`, recursively when it is a directory; ENOENT is success. */
int copa__tree_remove_at(int dir_fd, const char *name);

#endif
