/*
 * Layers: the types shared by the layer reader, the merged rootfs view and
 * the layer writer. A layer is a tar stream, possibly gzip- or
 * zstd-compressed, described by an OCI descriptor (media type, digest of the
 * compressed bytes, size) plus the config's diff_id (digest of the tar).
 */
#ifndef COPA_LIB_LAYER_LAYER_H
#define COPA_LIB_LAYER_LAYER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/digest.h"
#include "layer/compression.h"

/* The type of one entry of a layer, after whiteout classification. */
typedef enum copa__entry_type {
    COPA__ENTRY_FILE = 1,
    COPA__ENTRY_DIR,
    COPA__ENTRY_SYMLINK,
    COPA__ENTRY_HARDLINK, /* `link` is the (normalised) path of the target */
    COPA__ENTRY_CHAR,
    COPA__ENTRY_BLOCK,
    COPA__ENTRY_FIFO,
    COPA__ENTRY_WHITEOUT, /* `.wh.NAME`: `path` is the hidden path DIR/NAME */
    COPA__ENTRY_OPAQUE    /* `.wh..wh..opq`: `path` is the opaque directory */
} copa__entry_type;

/* One entry as the reader delivers it; every pointer is borrowed. */
typedef struct copa__layer_entry {
    const char *path; /* normalised: relative, no "." or empty components, "" = root */
    copa__entry_type type;
    unsigned int mode; /* permission bits incl. setuid/setgid/sticky (07777) */
    int64_t uid, gid;
    const char *uname, *gname; /* "" when absent */
    int64_t size;              /* bytes of content (regular files), else 0 */
    int64_t mtime;             /* seconds since the epoch */
    const char *link;          /* symlink target verbatim, hardlink target normalised */
    unsigned int devmajor, devminor;
    const void *capability; /* the security.capability xattr, or NULL */
    size_t capability_length;
} copa__layer_entry;

/* What the caller knows about a layer before reading it. */
typedef struct copa__layer_desc {
    const char *media_type; /* decides the decompression; see copa__media_type_compression */
    const char *digest;     /* "sha256:..." of the bytes as stored; NULL: not checked */
    int64_t size;           /* bytes as stored; -1: not checked */
    const char *diff_id;    /* "sha256:..." of the uncompressed tar; NULL: not checked */
} copa__layer_desc;

/*
 * Pull-style byte source: fill `buf` with up to `length` bytes; return the
 * count, 0 at the end, or a negative COPA_E* code (with the message set).
 */
typedef ssize_t (*copa__read_fn)(void *payload, void *buf, size_t length);

/* A layer's bytes: a read callback if `read` is set, else the descriptor `fd`. */
typedef struct copa__layer_source {
    int fd;
    copa__read_fn read;
    void *payload;
} copa__layer_source;

/*
 * Map an OCI/Docker layer media type to its compression. Returns 0 or
 * COPA_EUNSUPPORTED naming the media type.
 */
int copa__media_type_compression(copa__compression *out, const char *media_type);

/* The OCI media type of a layer written with `compression`. */
const char *copa__compression_media_type(copa__compression compression);
const char *copa__compression_name(copa__compression compression);

/*
 * Check the first bytes of a stream against the compression the media type
 * announced. `head`/`length` may be short (an empty layer). COPA_EINVALID
 * naming `what` on a mismatch.
 */
int copa__compression_check_magic(copa__compression expected, const unsigned char *head,
                                  size_t length, const char *what);

/*
 * Normalise a tar member path in place: strip leading "/" and "./", drop
 * empty and "." components, drop a trailing "/". Returns 0, or
 * COPA_EINVALID if any component is "..". The root becomes "".
 */
int copa__layer_path_normalize(char *path);

#endif
