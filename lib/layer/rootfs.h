/*
 * The merged, read-only root filesystem of an image: every layer is
 * streamed once (lowest first) and indexed; whiteouts and opaque
 * directories hide what lower layers put there; small files under chosen
 * prefixes keep their contents. Semantics in docs/layers.md.
 *
 * Paths given to the lookup functions are image paths ("/etc/os-release",
 * "etc/os-release" and "./etc//os-release" are the same); they are
 * resolved through the image's own symlinks and can never leave the root.
 */
#ifndef COPA_LIB_LAYER_ROOTFS_H
#define COPA_LIB_LAYER_ROOTFS_H

#include "layer/layer.h"

typedef struct copa__rootfs copa__rootfs;

typedef struct copa__rootfs_options {
    /* Keep the content of regular files up to this size (default 1 MiB). */
    size_t keep_max_size;
    /*
     * Keep contents under these image paths (default: /etc, /var/lib/dpkg,
     * /lib/apk/db, /var/lib/rpm, /usr/lib/sysimage/rpm, /usr/share/keyrings,
     * /usr/lib/os-release, /usr/share/ca-certificates,
     * /usr/local/share/ca-certificates, /var/lib/apt/extended_states). A prefix matches a file when
     * the file's canonical path is under the prefix as written or under the prefix resolved through
     * the symlinks known when the file is read.
     */
    const char *const *keep_prefixes;
    size_t keep_prefix_count;
} copa__rootfs_options;

void copa__rootfs_options_init(copa__rootfs_options *options);

/* lstat-like metadata of one entry; strings are borrowed from the view. */
typedef struct copa__rootfs_stat {
    copa__entry_type type; /* FILE, DIR, SYMLINK, CHAR, BLOCK, FIFO (never HARDLINK) */
    unsigned int mode;     /* 07777 bits */
    int64_t uid, gid;
    const char *uname, *gname; /* "" when the layer had none */
    int64_t size, mtime;
    const char *link;       /* symlink target as stored, else "" */
    unsigned int layer;     /* index of the layer that last wrote this entry (0 = lowest) */
    int hardlink;           /* the entry came from a tar hardlink */
    int kept;               /* the content is available through copa__rootfs_read */
    const void *capability; /* the security.capability xattr, or NULL */
    size_t capability_length;
} copa__rootfs_stat;

/* `options` may be NULL for the defaults. */
int copa__rootfs_new(copa__rootfs **out, const copa__rootfs_options *options);
void copa__rootfs_free(copa__rootfs *fs);

/*
 * Stream one more layer onto the view (layers in order, lowest first).
 * Returns 0 only when the layer was read completely and verified; on any
 * failure (COPA_EVERIFY, COPA_EINVALID, ...) the view holds a partial layer
 * and refuses every further call with COPA_EINVALID: free it.
 */
int copa__rootfs_add_layer(copa__rootfs *fs, const copa__layer_desc *desc,
                           const copa__layer_source *source);

/*
 * Recording and replaying a layer (the per-layer index cache, lib/layercache).
 *
 * `record` is called once for every entry after the view applied it, in tar
 * order, with the content the view kept for a regular file (`kept` 1,
 * `length` bytes; a kept empty file has length 0) or kept 0. The entries
 * are provisional like the reader's: only a return of 0 from
 * copa__rootfs_add_layer_recorded makes them a true record of the layer.
 * A non-zero return from `record` stops the read and is returned.
 */
typedef int (*copa__rootfs_record_fn)(void *payload, const copa__layer_entry *entry,
                                      const void *content, size_t length, int kept);
int copa__rootfs_add_layer_recorded(copa__rootfs *fs, const copa__layer_desc *desc,
                                    const copa__layer_source *source, copa__rootfs_record_fn record,
                                    void *payload);

/*
 * Yields the next recorded entry: 1 with *entry (and, for a regular file,
 * *kept, *content, *length) set, 0 at the end, or a negative COPA_E* code.
 */
typedef int (*copa__rootfs_next_fn)(void *payload, copa__layer_entry *entry, const void **content,
                                    size_t *length, int *kept);

/*
 * Apply a recorded layer (`name`: its digest, for messages) exactly as
 * copa__rootfs_add_layer applies the layer's bytes. The view keeps file
 * contents by its own rule, which depends on the layers below; when it
 * wants a file whose content the record lacks (recorded over another base),
 * *needs_bytes is set and COPA_ENOTFOUND returned. On any failure the view
 * is unusable like after a failed copa__rootfs_add_layer.
 */
int copa__rootfs_replay_layer(copa__rootfs *fs, const char *name, copa__rootfs_next_fn next,
                              void *payload, int *needs_bytes);

/*
 * Metadata of `path`. `follow`: non-zero to follow a final symlink (stat),
 * zero for lstat. COPA_ENOTFOUND when missing, COPA_EINVALID for a symlink
 * loop (more than 40 links, like the kernel).
 */
int copa__rootfs_stat_path(copa__rootfs_stat *out, const copa__rootfs *fs, const char *path,
                           int follow);

/* The canonical path ("/usr/lib/x") of `path`, following all symlinks; caller frees. */
int copa__rootfs_realpath(char **out, const copa__rootfs *fs, const char *path);

/*
 * Names in directory `path` (symlinks followed), sorted bytewise. `*out`
 * is a malloc'd array the caller frees; the names are borrowed.
 * COPA_ENOTFOUND, or COPA_EINVALID when `path` is not a directory.
 */
int copa__rootfs_list(const char ***out, size_t *count, const copa__rootfs *fs, const char *path);

/*
 * The kept content of regular file `path` (symlinks followed), borrowed.
 * COPA_ENOTFOUND, COPA_EINVALID (not a regular file), COPA_EUNSUPPORTED
 * (content not kept: outside the prefixes or larger than the limit).
 */
int copa__rootfs_read(const void **data, size_t *length, const copa__rootfs *fs, const char *path);

/* Visit every entry except the root, parents before children, siblings sorted. */
typedef int (*copa__rootfs_walk_fn)(void *payload, const char *path, const copa__rootfs_stat *stat);
int copa__rootfs_walk(const copa__rootfs *fs, copa__rootfs_walk_fn fn, void *payload);

/* Live entries (without the root) and bytes of memory the view holds. */
size_t copa__rootfs_entry_count(const copa__rootfs *fs);
size_t copa__rootfs_memory(const copa__rootfs *fs);

#endif
