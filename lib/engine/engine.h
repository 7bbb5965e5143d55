/*
 * The package-manager engine interface: what lib/patch/ (the pipeline) and
 * lib/inventory/ drive without knowing the distribution. One engine per
 * package manager (lib/engine/debian/ is dpkg + apt); each registers one
 * copa__engine_ops table in lib/engine/registry.c.
 *
 * The pipeline's order of calls, one image:
 *
 *   claims      -> which engine patches this image (os-release + files)
 *   load        -> the installed packages (the engine's state)
 *   sources     -> the image's own repositories and keys, verified
 *   plan        -> requests (report) or update-all -> a copa__rs_plan
 *   fetch       -> the plan's packages downloaded and verified
 *   write       -> new files, removals and the package DB into the layer
 *   free
 *
 * `installed` and `is_installed` may be called any time after load. An
 * engine never executes anything from the image; what scripts would have
 * done is produced natively or reported through copa__engine_events.
 * docs/architecture.md has the checklist for a new engine.
 */
#ifndef COPA_LIB_ENGINE_ENGINE_H
#define COPA_LIB_ENGINE_ENGINE_H

#include "copa/pkgversion.h"
#include "layer/rootfs.h"
#include "layer/writer.h"
#include "net/mirror.h"
#include "pkg/osrelease.h"
#include "resolve/resolve.h"
#include "util/image_files.h"

#include <stddef.h>

typedef struct copa__engine_ops copa__engine_ops;

/* An engine's state for one image: the first member of each engine's own struct. */
typedef struct copa__engine {
    const copa__engine_ops *ops;
} copa__engine;

/* What an engine sees of the image (all borrowed). */
typedef struct copa__engine_image {
    const char *name;               /* the image, for messages */
    const copa__image_files *files; /* the merged rootfs view */
    const copa__os_release *os;
    const char *arch;    /* the image config's OCI architecture ("amd64", "arm64", ...) */
    const char *variant; /* its variant ("v7") or NULL */
} copa__engine_image;

/*
 * How the pipeline hears from an engine: stage notes (scripts not run,
 * effects produced, things a user should know), one-line summaries, the
 * maintainer scripts that were not run, and download bytes. Each returns 0
 * or a non-zero code that the engine returns unchanged (a cancel).
 */
typedef struct copa__engine_events {
    int (*note)(void *payload, const char *text);
    void (*summary)(void *payload, const char *text);
    int (*script)(void *payload, const char *text);
    int (*bytes)(void *payload, const char *item, unsigned long long done,
                 unsigned long long total);
    void *payload;
} copa__engine_events;

/* The network side of sources and fetch, the same for every engine. */
typedef struct copa__engine_net {
    const char *cache_dir;        /* NULL: the default cache directory */
    const char *ca_file;          /* extra trust for https repositories, or NULL */
    const copa__mirrors *mirrors; /* --mirror FROM=TO rewrites of repository URLs */
    int insecure_allow_unsigned;  /* the user's explicit insecure flag */
    int (*cancel)(void *payload); /* polled while transfers run: non-zero stops them */
    void *cancel_payload;
} copa__engine_net;

/* One installed package as the inventory shows it (strings borrowed from the engine). */
typedef struct copa__engine_package {
    const char *name;
    const char *version;
    const char *arch;
    const char *source_name;    /* the source (dpkg) or origin (apk) package; NULL: unknown */
    const char *source_version; /* NULL: unknown */
} copa__engine_package;

/* Called for each installed package; a non-zero return stops the walk and is returned. */
typedef int (*copa__engine_package_fn)(void *payload, const copa__engine_package *package);

struct copa__tree;

/* What write() gets: the view to patch, the plan and its downloaded files. */
typedef struct copa__engine_write_input {
    copa__rootfs *rootfs;
    const copa__image_files *files;
    const copa__rs_plan *plan;
    const char *const *paths; /* fetch()'s files, one per plan step */
    copa__layer_writer *writer;
    const copa__engine_net *net; /* an engine may need more packages mid-build */
    /*
     * --run-scripts: run the packages' scripts in a sandbox over the image
     * and keep what they change (scriptrun/capture.h). apply_base puts the
     * image's base layers into a scratch tree. A failing script fails the
     * write unless ignore_errors (then a note).
     */
    int run_scripts;
    int ignore_errors;
    int (*apply_base)(void *payload, struct copa__tree *tree);
    void *base_payload;
} copa__engine_write_input;

struct copa__engine_ops {
    const char *name;            /* the package manager: "dpkg" (`copa packages`, messages) */
    const char *distributions;   /* for "unsupported OS" messages: "Debian, Ubuntu" */
    const char *sources_message; /* the sources stage's progress text */
    copa_pkg_format format;      /* version ordering and purl type */
    /* Report OS families (Trivy Metadata.OS.Family, Grype distro) it patches; NULL-terminated. */
    const char *const *report_families;

    /* 1 when this engine patches the image (os-release and files only), else 0. */
    int (*claims)(const copa__engine_image *image);
    /*
     * The installed packages. COPA_ENOTFOUND (message naming what is
     * missing) when the image has no package database this engine reads.
     */
    int (*load)(copa__engine **out, const copa__engine_image *image);
    /* Whether a package of that name is installed (re-patch requests). */
    int (*is_installed)(const copa__engine *engine, const char *name);
    /* Every installed package, sorted by name then arch, to `fn`. */
    int (*installed)(const copa__engine *engine, copa__engine_package_fn fn, void *payload);
    /* The image's repositories and keys, fetched and verified. */
    int (*sources)(copa__engine *engine, const copa__engine_image *image,
                   const copa__engine_net *net, const copa__engine_events *events);
    /*
     * Requests (report mode) or update-all -> plan. The plan borrows from
     * the engine: free it before the engine. Returns what copa__resolve does.
     */
    int (*plan)(copa__engine *engine, copa__rs_plan *out, const copa__rs_request *requests,
                size_t count, int update_all);
    /* The plan's packages, downloaded and verified: `*paths` one per step. */
    int (*fetch)(copa__engine *engine, char ***paths, const copa__rs_plan *plan,
                 const copa__engine_net *net, const copa__engine_events *events);
    /* New files, removals (whiteouts) and the package DB into in->writer. */
    int (*write)(copa__engine *engine, const copa__engine_write_input *in,
                 const copa__engine_events *events);
    void (*free)(copa__engine *engine);
};

/*
 * The engine that patches `image`: the first registered engine that claims
 * it. COPA_EUNSUPPORTED naming the OS found and the supported ones when
 * none does.
 */
int copa__engine_find(const copa__engine_ops **out, const copa__engine_image *image);

/* The engine whose report_families include `family` (case-insensitive), or NULL. */
const copa__engine_ops *copa__engine_for_family(const char *family);

/* "Debian, Ubuntu (dpkg)": every registered engine, for messages (truncated to `size`). */
void copa__engine_supported(char *out, size_t size);

/* free() for fetch()'s paths (count = the plan's steps); NULL is a no-op. */
void copa__engine_paths_free(char **paths, size_t count);

#endif
