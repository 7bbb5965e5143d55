/* The scratch tree's snapshot items (lib/scriptrun/snapshot.c). */
#ifndef COPA_LIB_SCRIPTRUN_SNAPSHOT_H
#define COPA_LIB_SCRIPTRUN_SNAPSHOT_H

#include "scriptrun/internal.h"

#include <sys/types.h>

typedef struct copa__tree_item {
    char *path;
    mode_t mode; /* st_mode as on disk (type and bits) */
    uid_t uid;
    gid_t gid;
    off_t size;
    dev_t rdev;
    unsigned char sha256[32]; /* regular files */
    char *link;               /* symlinks */
    unsigned char cap[24];    /* security.capability, v2 form */
    size_t cap_len;
    int cap_on_disk;    /* the capability was read from the file, not the manifest */
    unsigned decl_mode; /* what the path should be (the manifest's, else the disk's) */
    int64_t decl_uid, decl_gid;
} copa__tree_item;

struct copa__tree_snapshot {
    copa__tree_item *items; /* sorted by path (strcmp) */
    size_t count, cap;
};

const copa__tree_item *copa__tree_snapshot_find(const copa__tree_snapshot *s, const char *path);

#endif
