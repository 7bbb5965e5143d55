/*
 * The layer writer: collects entries in any order and writes a
 * deterministic layer at finish time.
 *
 * Why collect-then-sort rather than "caller must add in order": the callers
 * (package adapters) unpack packages in the packages' own order and several
 * packages may touch the same directory, so sorting is the writer's job.
 * Entry metadata stays in memory; file contents are copied at add time into
 * an unlinked spool file, so streams can be consumed once and need not stay
 * alive until finish, and memory does not grow with the bytes of the layer.
 *
 * Determinism rules (docs/layers.md): entries sorted by path component-wise
 * (a directory right before its contents), PAX-restricted tar (plain ustar
 * unless a field needs PAX), mtimes from the entry or the epoch (never the
 * wall clock), no atime/ctime, gzip without name/time, no record padding
 * beyond the tar's own 10240-byte record.
 */
#ifndef COPA_LIB_LAYER_WRITER_H
#define COPA_LIB_LAYER_WRITER_H

#include "layer/layer.h"
#include "layer/sink.h"

/* An entry's mtime is the writer's epoch. */
#define COPA__MTIME_EPOCH INT64_MIN

typedef struct copa__xattr {
    const char *name; /* e.g. "security.capability", "user.x" */
    const void *value;
    size_t length;
} copa__xattr;

typedef struct copa__layer_writer_options {
    copa__compression compression; /* default gzip */
    int level;                     /* compression level; 0 = the compression's default */
    /*
     * gzip compressor threads; 0: $COPA_THREADS, else the online processors
     * (at most 8). The layer's bytes are the same for every value.
     */
    int threads;
    /*
     * Timestamp for entries added with COPA__MTIME_EPOCH (and for
     * whiteouts). -1: $SOURCE_DATE_EPOCH if set, else 0.
     */
    int64_t epoch;
    int clamp_mtime;       /* non-zero: mtimes later than the epoch become the epoch */
    const char *spool_dir; /* for the content spool; NULL: $TMPDIR or /tmp */
} copa__layer_writer_options;

void copa__layer_writer_options_init(copa__layer_writer_options *options);

/* One entry to write; pointers are copied by the add functions. */
typedef struct copa__layer_wentry {
    const char *path;      /* normalised like tar paths; ".." is refused */
    copa__entry_type type; /* FILE, DIR, SYMLINK, HARDLINK, CHAR, BLOCK, FIFO */
    unsigned int mode;     /* permission bits (07777) */
    int64_t uid, gid;
    const char *uname, *gname; /* NULL or "" to leave out */
    int64_t mtime;             /* seconds, or COPA__MTIME_EPOCH */
    const char *link;          /* symlink target / hardlink target path */
    unsigned int devmajor, devminor;
    const copa__xattr *xattrs;
    size_t xattr_count;
    const char *origin; /* NULL, or who asked for the entry (a package), named in errors */
} copa__layer_wentry;

typedef struct copa__layer_writer copa__layer_writer;

/* `options` may be NULL for the defaults. COPA_EINVALID for a bad SOURCE_DATE_EPOCH. */
int copa__layer_writer_new(copa__layer_writer **out, const copa__layer_writer_options *options);
void copa__layer_writer_free(copa__layer_writer *writer);

/* Add a non-file entry (or an empty regular file). COPA_EINVALID for bad paths. */
int copa__layer_writer_add(copa__layer_writer *writer, const copa__layer_wentry *entry);
/* Add a regular file with the given content (copied). */
int copa__layer_writer_add_file(copa__layer_writer *writer, const copa__layer_wentry *entry,
                                const void *data, size_t length);
/* Add a regular file whose content is read from `read` until it returns 0. */
int copa__layer_writer_add_file_stream(copa__layer_writer *writer, const copa__layer_wentry *entry,
                                       copa__read_fn read, void *payload);
/* Hide `path` of lower layers: writes DIR/.wh.NAME. */
int copa__layer_writer_add_whiteout(copa__layer_writer *writer, const char *path);
/* Hide the lower contents of directory `dir`: writes DIR/.wh..wh..opq. */
int copa__layer_writer_add_opaque(copa__layer_writer *writer, const char *dir);

/*
 * What was added so far, in the order added, before finish: `entry`
 * borrows the writer's copy; `read` yields a regular file's content (NULL
 * for other types). A whiteout is the FILE entry DIR/.wh.NAME, as written.
 * A non-zero return from `fn` stops the visit and is returned.
 */
typedef int (*copa__layer_writer_visit_fn)(void *payload, const copa__layer_wentry *entry,
                                           copa__read_fn read, void *read_payload);
int copa__layer_writer_visit(copa__layer_writer *writer, copa__layer_writer_visit_fn fn,
                             void *payload);

/*
 * Drop the entries at `path` and, with `subtree`, below it, so that a
 * later add replaces them (a layer holds each path once). The count
 * dropped goes to *dropped (may be NULL).
 */
int copa__layer_writer_drop(copa__layer_writer *writer, const char *path, int subtree,
                            size_t *dropped);

/*
 * Sort, check and write everything to `fd` (positioned by the caller).
 * COPA_EINVALID for duplicate paths or a hardlink whose target is in this
 * layer but sorts after it / is not a regular file. The writer can only be
 * freed afterwards.
 */
int copa__layer_writer_finish_fd(copa__layer_writer *writer, int fd, copa__layer_result *result);
/* The same into `path`, through a temporary file in its directory and rename. */
int copa__layer_writer_finish_path(copa__layer_writer *writer, const char *path,
                                   copa__layer_result *result);

#endif
