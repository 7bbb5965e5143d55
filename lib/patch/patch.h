/*
 * The `copa patch` pipeline, split into pure parts that tests check on
 * their own: the patched tag and where the result goes (dest.c), whether
 * the source is an image copa patched before (repatch.c), progress events
 * (progress.c), the result (result.c) and the pipeline itself (pipeline.c).
 */
#ifndef COPA_LIB_PATCH_PATCH_H
#define COPA_LIB_PATCH_PATCH_H

#include "layer/compression.h"
#include "copa/image.h"
#include "copa/patch.h"
#include "resolve/resolve.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stddef.h>

/* Labels (and OCI annotations) copa writes on a patched image. */
#define COPA__LABEL_PATCHED "sh.copa.image.patched"
#define COPA__LABEL_BASE_DIGEST "sh.copa.image.base.digest"
#define COPA__LABEL_BASE_LAYERS "sh.copa.image.base.layers"
#define COPA__LABEL_PACKAGES "sh.copa.image.patched.packages"

/* --- options.c --- */

#define COPA__PATCH_GZIP_DEFAULT_LEVEL 6
#define COPA__PATCH_ZSTD_DEFAULT_LEVEL 3

/*
 * `in` (of any version this library reads) as a current-version struct:
 * the fields `in`'s version lacks at their defaults; bytes past a
 * version-1 struct are never read. COPA_EINVALID for an unknown version.
 */
int copa__patch_options_copy(copa_patch_options *out, const copa_patch_options *in);

/*
 * copa_patch_options.layer_compression: NULL, "gzip", "gzip:N" (1-9),
 * "zstd", "zstd:N" (1-19). *level is always set (the default level when
 * the text has none). COPA_EINVALID naming the text and the accepted forms.
 */
int copa__patch_compression_parse(copa__compression *compression, int *level, const char *text);
/* "gzip:6", "zstd:3". */
void copa__patch_compression_name(char *out, size_t size, copa__compression compression, int level);

/* --- dest.c --- */

/* The tag of the patched image: `tag` when set, else SOURCE_TAG-SUFFIX
 * ("latest-patched"); a source without a tag counts as "latest". */
int copa__patch_tag(char **out, const char *source_tag, const char *tag, const char *suffix);

/*
 * The destination reference text of a patch (malloc'd) and, in *hint, a
 * one-line hint to print (malloc'd, or NULL). Rules (docs/patch.md):
 * --push: the source repository under the new tag; --oci-dir: oci:DIR:TAG;
 * --archive: docker-archive:FILE:REPO:TAG; none of them: a local source
 * gets the tag next to it (oci:SAME_DIR:TAG, or a sibling archive
 * FILE-TAG.tar), a registry source goes to oci:./patched:TAG with the hint.
 * COPA_EINVALID when more than one is asked, for --push without a registry
 * source, or when the destination would overwrite the source tag without
 * `tag` naming it explicitly.
 */
int copa__patch_destination(char **out, char **hint, const copa_reference *source,
                            const copa_patch_options *options);

/* --- outputs.c --- */

/*
 * Check, before any work, that the files written beside the image (the VEX
 * document, an --archive) can be created: their directory exists and is
 * writable, and the path is not a directory; unless options->dry_run, a
 * temporary file is created beside each and removed.
 * COPA_EINVALID, COPA_ENOTFOUND or COPA_ERROR naming the path.
 */
int copa__patch_check_outputs(const copa_patch_options *options);

/* --- repatch.c --- */

typedef struct copa__repatch {
    int patched;          /* the image carries copa's labels and its layer on top */
    size_t base_layers;   /* layers of the base image */
    char base_digest[80]; /* the base manifest's digest ("" when unknown) */
    char **packages;      /* "name=version" copa installed before (from the label) */
    size_t package_count;
} copa__repatch;

/*
 * Is the image described by `config` (its JSON) with `layer_count` layers
 * a copa-patched one? It is when the labels name a base layer count that
 * is exactly one less than the image's (a user's layer on top of a
 * patched image makes it a new base). Never fails on odd labels: they
 * just mean "not patched". COPA_ENOMEM only.
 */
int copa__repatch_detect(copa__repatch *out, const cJSON *config, size_t layer_count);
void copa__repatch_free(copa__repatch *r);

/* --- progress.c --- */

typedef struct copa__progress {
    copa_progress_cb cb;
    void *payload;
    double start; /* monotonic seconds */
    const char *stage;
    double stage_start;
    int cancelled;        /* the callback's non-zero return */
    char summary[160];    /* the running stage's result, sent with its end event */
    const char *platform; /* a multi-platform run's platform, or NULL */
} copa__progress;

double copa__progress_now(void);
void copa__progress_init(copa__progress *p, copa_progress_cb cb, void *payload);
/* Each returns 0 or the callback's non-zero value (with the error message set). */
int copa__progress_begin(copa__progress *p, const char *stage, const char *message);
int copa__progress_end(copa__progress *p);
int copa__progress_bytes(copa__progress *p, const char *item, double done, double total);
int copa__progress_note(copa__progress *p, const char *message);
/* What the running stage found (kept for its end event's message; detail, not a note). */
void copa__progress_summary(copa__progress *p, const char *message);

/* One event as a single-line JSON object (malloc'd, no newline). */
int copa__progress_json(char **out, const copa_progress *event);

/* --- vex.c --- */

/* What was fixed, for the VEX document. */
typedef struct copa__patch_vex_input {
    const char *path;                      /* where to write it */
    const char *author;                    /* NULL: $COPA_VEX_AUTHOR, else "copa" */
    const char *registry;                  /* of the patched image; NULL for a local image */
    const char *repository;                /* "library/nginx", or a local image's name */
    const char *tag;                       /* the patched tag, or NULL */
    const char *digest;                    /* the patched manifest's digest */
    const char *distro_id;                 /* os-release ID ("debian") */
    const char *distro_version;            /* os-release VERSION_ID ("12") */
    copa_pkg_format format;                /* the engine's package format (the purl type) */
    const copa__rs_plan *plan;             /* NULL: only `claims` */
    const struct copa__vex_claims *claims; /* a multi-platform patch's fixes, or NULL */
} copa__patch_vex_input;

/* The fixes of a multi-platform patch, platform by platform (multi.c). */
typedef struct copa__vex_claim {
    const char *id;              /* vulnerability ID */
    const char *package_purl;    /* the package at its new version */
    const char *platform_digest; /* the platform's new manifest */
} copa__vex_claim;

typedef struct copa__vex_claims {
    copa__vex_claim *items;
    size_t count, capacity;
    copa__arena arena;    /* the strings */
    pthread_mutex_t lock; /* platforms add claims from several threads */
} copa__vex_claims;

/*
 * Write the OpenVEX document: one `fixed` statement per vulnerability ID of
 * the plan's steps (report mode), product = the patched image's purl,
 * subcomponents = the new packages' purls. Steps without IDs (update-all,
 * dependencies) claim nothing. Each of `claims` (a multi-platform patch,
 * `digest` the new index) is made for the index and for its platform's
 * manifest, so a consumer looking at either digest finds the statement. *written is 0 when there
 * was nothing to claim (no file is written then: OpenVEX needs a statement).
 */
int patch_write_vex(int *written, const copa__patch_vex_input *in);

/* --- result.c --- */

struct copa_patch_result {
    int up_to_date, repatched;
    char digest[80];
    char *destination;
    char *plan_text, *plan_json;
    copa_patch_update *updates;
    size_t update_count;
    copa_patch_skipped *skipped;
    size_t skipped_count;
    copa_patch_unfixable *unfixable;
    size_t unfixable_count;
    char **scripts;
    size_t script_count;
    double layer_size, elapsed;
    char layer_compression[16];     /* "gzip:6"; "" when no layer was written */
    copa_patch_platform *platforms; /* a multi-platform patch's outcomes (result_platforms.c) */
    size_t platform_count;
    copa__arena arena; /* every string above but destination and plans */
};

int copa__patch_result_new(copa_patch_result **out);
/* Copy the plan's steps and problems into the result. */
int copa__patch_result_set_plan(copa_patch_result *r, const copa__rs_plan *plan);
/* Copy the report's unfixable vulnerabilities (report may be NULL). */
int copa__patch_result_set_unfixable(copa_patch_result *r, const copa_report *report);
int copa__patch_result_add_script(copa_patch_result *r, const char *text);

/* --- result_platforms.c --- */

/* Append one platform's outcome (strings copied). */
int copa__patch_result_add_platform(copa_patch_result *r, const char *platform, const char *status,
                                    size_t update_count, const char *digest, const char *message);
/* Append a platform run's updates, skipped fixes, unfixable IDs and scripts. */
int copa__patch_result_merge(copa_patch_result *r, const copa_patch_result *platform);

#endif
