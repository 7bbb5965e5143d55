/*
 * The Debian patch layer: download a plan's packages, then write what dpkg
 * would change in the image (files through the image's own symlinks,
 * conffile decisions, whiteouts of dropped files, the package database)
 * into a layer writer. Nothing from the image or the packages is executed;
 * the result lists the maintainer scripts that did not run. See
 * docs/dpkg.md, "Building the patch layer".
 */
#ifndef COPA_LIB_DEBPATCH_DEBPATCH_H
#define COPA_LIB_DEBPATCH_DEBPATCH_H

#include "layer/rootfs.h"
#include "layer/writer.h"
#include "net/mirror.h"
#include "pkg/dpkg_db.h"
#include "resolve/resolve.h"
#include "util/image_files.h"

#include <stddef.h>

typedef struct copa__debpatch_fetch_options {
    const char *cache_dir;        /* NULL: $XDG_CACHE_HOME/copa or ~/.cache/copa */
    const copa__mirrors *mirrors; /* --mirror URL prefix rewrites, or NULL */
    unsigned int max_parallel;    /* 0: default 4 */
    /* Called as bytes arrive (name = the package, total = its size); a
     * non-zero return cancels every transfer (COPA_ECANCELLED). */
    int (*progress)(void *payload, const char *name, unsigned long long done,
                    unsigned long long total);
    void *payload;
    const char *ca_file; /* extra trust for https mirrors, or NULL */
    /* Polled while transfers run, bytes arriving or not (a stalled mirror):
     * non-zero cancels every transfer (COPA_ECANCELLED). May be NULL. */
    int (*cancel)(void *payload);
    void *cancel_payload;
} copa__debpatch_fetch_options;

/*
 * Download every step's .deb in parallel, checking its size and SHA-256
 * against the index; files are cached as <cache>/deb/sha256/<hex> (written
 * under a temporary name and renamed; a cached file that fails its check
 * is deleted and downloaded again). On success *paths holds plan->nsteps
 * malloc'd local paths in step order. COPA_EVERIFY (size or hash mismatch,
 * naming the package and URL), COPA_EINVALID (a step without url/sha256),
 * COPA_ENETWORK/COPA_ENOTFOUND (HTTP), COPA_ECANCELLED, COPA_ENOMEM.
 */
int copa__debpatch_fetch(char ***paths, const copa__rs_plan *plan,
                         const copa__debpatch_fetch_options *options);
void copa__debpatch_paths_free(char **paths, size_t count);

/* Where a verified package of `sha256_hex` is cached (malloc'd). */
int copa__debpatch_cache_path(char **out, const char *cache_dir, const char *sha256_hex);

typedef struct copa__debpatch_input {
    const copa__rootfs *rootfs;     /* the image (lstat, listing) */
    const copa__image_files *files; /* the image (contents: conffiles, passwd, dpkg db) */
    const copa__dpkg_db *db;        /* the image's installed packages */
    const copa__rs_plan *plan;      /* what to install */
    const char *const *deb_paths;   /* plan->nsteps local, verified .deb files */
    long long epoch;                /* mtime for generated files (status, info/...) */
    copa__layer_writer *writer;     /* entries are added; the caller finishes the layer */
    /* Threads decoding packages ahead of the unpacker: 0 for
     * copa__threads_count, 1 to decode each package as it is unpacked. */
    int threads;
    /*
     * Distroless images record no conffile hashes (old_conffiles.c): when
     * one is needed, the installed version's own .deb says what it shipped.
     * Sets *path (malloc'd) to a verified local copy of NAME VERSION for
     * ARCH; COPA_ENOTFOUND (with a message) when the sources do not publish
     * it. Any failure but COPA_ECANCELLED leaves the conffile unjudged (a
     * note). NULL: never looked up.
     */
    int (*old_deb)(char **path, void *payload, const char *name, const char *arch,
                   const char *version);
    void *old_deb_payload;
} copa__debpatch_input;

typedef struct copa__debpatch_result {
    char **skipped_scripts; /* "openssl: postinst (configure)", one per script not run */
    size_t nskipped_scripts;
    char **notes; /* known consequences, e.g. the ca-certificates bundle */
    size_t nnotes;
    size_t files;          /* entries written from the packages' data.tar */
    size_t whiteouts;      /* paths hidden (dropped files, old info files) */
    size_t conffiles_kept; /* modified conffiles kept (a .dpkg-dist written or not) */
} copa__debpatch_result;

/*
 * Add the patch layer's entries to input->writer. The packages are
 * unpacked in plan order; the database is written once at the end.
 * `out` is filled even on failure (free it). COPA_EINVALID (a damaged
 * .deb, a package whose control does not match its step, a file that
 * would replace a directory), COPA_ENOMEM, and the writer's errors.
 */
int copa__debpatch_build(copa__debpatch_result *out, const copa__debpatch_input *input);
void copa__debpatch_result_free(copa__debpatch_result *result);

#endif
