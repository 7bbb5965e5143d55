#ifndef COPA_LIB_DEBPATCH_DEBPATCH_H
#define COPA_LIB_DEBPATCH_DEBPATCH_H
/*
 * The Debian engine: download a plan's .deb files and build the patch layer.
 * The engine helper implements it; the pipeline helper calls it.
 * Names may be refined by the engine helper, but keep the shape.
 */
#include "layer/rootfs.h"     /* copa__rootfs: merged view of the image */
#include "layer/writer.h"     /* copa__layer_writer: the patch layer */
#include "pkg/dpkg_db.h"      /* copa__dpkg_db: installed packages */
#include "resolve/resolve.h"  /* copa__rs_plan: what to install */
#include "util/image_files.h" /* copa__image_files: read the image's files */

/* Download every step's .deb (parallel through lib/net, SHA-256 and size from the index
 * checked, cached by digest under the cache dir, temp + rename). */
typedef struct copa__debpatch_fetch_options {
    const char *cache_dir; /* NULL: $XDG_CACHE_HOME/copa or ~/.cache/copa */
    const char *const *mirrors;
    size_t nmirrors;           /* "FROM=TO" URL prefix rewrites */
    unsigned int max_parallel; /* 0: default 4 */
    int (*progress)(void *payload, const char *name, unsigned long long done,
                    unsigned long long total); /* non-zero return cancels (COPA_ECANCELLED) */
    void *payload;
} copa__debpatch_fetch_options;

/* On success *paths holds plan->nsteps malloc'd local paths (step order). */
int copa__debpatch_fetch(char ***paths, const copa__rs_plan *plan,
                         const copa__debpatch_fetch_options *options);
void copa__debpatch_paths_free(char **paths, size_t count);

typedef struct copa__debpatch_input {
    const copa__rootfs *rootfs;
    const copa__image_files *files;
    const copa__dpkg_db *db;
    const copa__rs_plan *plan;
    const char *const *deb_paths; /* plan->nsteps local, verified .deb files */
    long long epoch;              /* mtime for generated files (status, info files) */
    copa__layer_writer *writer;   /* entries are added; the caller finishes the layer */
} copa__debpatch_input;

typedef struct copa__debpatch_result {
    char **skipped_scripts;
    size_t nskipped_scripts; /* "openssl: postinst (configure)" */
    char **notes;
    size_t nnotes; /* known consequences, e.g. ca-certificates */
    size_t files, whiteouts;
} copa__debpatch_result;

int copa__debpatch_build(copa__debpatch_result *out, const copa__debpatch_input *input);
void copa__debpatch_result_free(copa__debpatch_result *result);
#endif
