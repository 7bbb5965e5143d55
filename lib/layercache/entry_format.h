/*
 * The byte format of one layer-index cache entry (all integers little
 * endian; "str" is a u32 length, the bytes and a NUL, or the length
 * 0xffffffff for a NULL pointer):
 *
 *   "COPALIX\0" u32 version
 *   str digest, str media_type, i64 size, str diff_id   (what was verified)
 *   then per entry: u8 1, u8 type, u32 mode, i64 uid, i64 gid, i64 size,
 *     i64 mtime, u32 devmajor, u32 devminor, str path, str link, str uname,
 *     str gname, str capability (bytes), u8 kept, [u64 length, bytes]
 *   u8 0 (the end)
 *   32 bytes: SHA-256 of everything above
 *
 * The version is also in the directory name, so another format is never
 * even opened; a file of this version that fails any check is a miss.
 */
#ifndef COPA_LIB_LAYERCACHE_ENTRY_FORMAT_H
#define COPA_LIB_LAYERCACHE_ENTRY_FORMAT_H

#include "layer/rootfs.h"
#include "util/digest.h"

#include <stdio.h>

#define COPA__LIX_MAGIC "COPALIX"
#define COPA__LIX_MAGIC_LENGTH 8
#define COPA__LIX_VERSION 1u
#define COPA__LIX_SUBDIR "layer-index/v1"

/* Streaming writer of one entry into an open temporary file. */
typedef struct copa__lix_writer {
    FILE *fp;
    copa__sha256 *sha;
    size_t written, limit;
    int failed; /* a write failed or the limit was passed: the entry is dropped */
} copa__lix_writer;

int copa__lix_writer_begin(copa__lix_writer *w, FILE *fp, size_t limit,
                           const copa__layer_desc *desc);
/* A copa__rootfs_record_fn: never stops the read; failures set w->failed. */
int copa__lix_writer_record(void *payload, const copa__layer_entry *entry, const void *content,
                            size_t length, int kept);
/* Write the end marker and the trailer: 0, or non-zero when the entry must be dropped. */
int copa__lix_writer_finish(copa__lix_writer *w);
void copa__lix_writer_free(copa__lix_writer *w);

/* A verified entry in memory, iterated by copa__lix_next. */
typedef struct copa__lix_reader {
    const unsigned char *data;
    size_t length, pos, end; /* end: where the entries stop */
} copa__lix_reader;

/*
 * Check a whole entry file's bytes: magic, version, trailer, that it was
 * recorded for exactly `desc`, and that every entry is well formed (so the
 * replay cannot stop half way on a format error). 0 or COPA_EINVALID.
 */
int copa__lix_open(copa__lix_reader *r, const void *data, size_t length,
                   const copa__layer_desc *desc);
/* A copa__rootfs_next_fn over a reader copa__lix_open accepted. */
int copa__lix_next(void *payload, copa__layer_entry *entry, const void **content, size_t *length,
                   int *kept);

#endif
