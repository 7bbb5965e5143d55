/*
 * The layer writer's state, shared by writer.c (collecting) and
 * writer_emit.c (sorting and writing).
 */
#ifndef COPA_LIB_LAYER_WRITER_INTERNAL_H
#define COPA_LIB_LAYER_WRITER_INTERNAL_H

#include "layer/writer.h"

typedef struct copa__wentry {
    char *path, *uname, *gname, *link;
    copa__entry_type type;
    unsigned int mode;
    int64_t uid, gid, mtime;
    unsigned int devmajor, devminor;
    copa__xattr *xattrs; /* owned copies */
    size_t xattr_count;
    int64_t offset, size; /* content in the spool (regular files) */
    const char *origin;   /* NULL or one of the writer's origins */
} copa__wentry;

struct copa__layer_writer {
    copa__layer_writer_options options; /* epoch resolved */
    copa__wentry *entries;
    size_t count, capacity;
    int spool_fd;
    int64_t spool_size;
    int finished;
    char **origins; /* each distinct origin once, in the order first seen */
    size_t origin_count;
};

/* Free what an entry owns (not the entry itself). */
void copa__wentry_clear(copa__wentry *e);

/* " (from ORIGIN)" for error messages, or "". */
const char *copa__wentry_origin_note(const copa__wentry *e, char *buf, size_t size);

#endif
