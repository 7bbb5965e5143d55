/**
 * @file
 * Patch the OS packages of an image: one new layer.
 *
 * copa_patch() reads an image, finds its OS and installed packages, reads
 * its own apt sources (verified against its own keys), plans the upgrades
 * (for a scanner report's fixes, or every pending update without one),
 * downloads and unpacks the packages into one new layer with the updated
 * package database, and writes the patched image. Re-patching an image copa
 * patched before replaces copa's earlier layer, so the result is always the
 * base image plus one layer. See docs/patch.md.
 *
 * Call copa_init() first. Functions are thread-safe on distinct arguments.
 */
#ifndef COPA_PATCH_H
#define COPA_PATCH_H

#include "common.h"
#include "report.h"

COPA_BEGIN_DECL

/** What a progress event reports. */
typedef enum copa_progress_kind {
    /** A stage begins (`stage` names it; `message` says what it does). */
    COPA_PROGRESS_STAGE_BEGIN = 0,
    /**
     * A stage ended successfully (`elapsed` seconds; `message` may sum up
     * what it found, e.g. how many package stanzas "sources" kept).
     */
    COPA_PROGRESS_STAGE_END = 1,
    /** Bytes of `item` moved: `done` of `total` (total 0 when unknown). */
    COPA_PROGRESS_BYTES = 2,
    /** A note for the user (`message`), e.g. a package kept back. */
    COPA_PROGRESS_NOTE = 3
} copa_progress_kind;

/** One progress event; every string is borrowed for the callback's duration. */
typedef struct copa_progress {
    /** What happened. */
    copa_progress_kind kind;
    /** "open", "read", "detect", "sources", "resolve", "download", "build", "write", "sbom", "vex".
     */
    const char *stage;
    /** The file or package the bytes belong to; "" otherwise. */
    const char *item;
    /** Bytes done so far (BYTES). */
    double done;
    /** Bytes in all (BYTES; 0 when unknown). */
    double total;
    /**
     * Seconds since copa_patch() started; for COPA_PROGRESS_STAGE_END the
     * stage's own duration.
     */
    double elapsed;
    /** Human-readable text; "" when none. */
    const char *message;
    /**
     * The platform the event belongs to in a multi-platform patch
     * ("linux/arm64"; platforms are patched at once); "" otherwise. Added
     * after the first release: read it only from events libcopa made.
     */
    const char *platform;
} copa_progress;

/**
 * Progress callback. Return 0 to go on; any other value cancels the patch
 * and copa_patch() returns that value unchanged.
 */
typedef int (*copa_progress_cb)(const copa_progress *event, void *payload);

/**
 * One progress event as a single-line JSON object (no newline), the format
 * of `copa patch --progress json`: {"event": "stage-begin" | "stage-end" |
 * "bytes" | "note", "stage", "item", "done", "total" (bytes events),
 * "message" (when set), "elapsed_ms" (since the start; stage-end:
 * "duration_ms")}.
 *
 * @param[out] out  the JSON text; free with copa_progress_json_free().
 * @param event     the event.
 * @return 0, COPA_EINVALID for NULL arguments, COPA_ENOMEM.
 */
COPA_EXTERN(int) copa_progress_to_json(char **out, const copa_progress *event);

/** Free what copa_progress_to_json() returned; NULL is a no-op. */
COPA_EXTERN(void) copa_progress_json_free(char *json);

/**
 * Version of copa_patch_options this header describes (2 added
 * layer_compression, 3 sbom_path, 4 run_scripts).
 */
#define COPA_PATCH_OPTIONS_VERSION 4

/** What to patch and where the result goes. Initialize with COPA_PATCH_OPTIONS_INIT. */
typedef struct copa_patch_options {
    /** Must be COPA_PATCH_OPTIONS_VERSION. */
    unsigned int version;
    /** The image: a registry reference, oci:DIR[:TAG], oci-archive:F, docker-archive:F. */
    const char *image;
    /** A scanner report; NULL: update every package with a pending update. */
    const char *report;
    /** The report's format (COPA_REPORT_AUTO detects it). */
    copa_report_format report_format;
    /** A scanner plugin (`copa-NAME`) that turns the report into a native one; NULL for none. */
    const char *scanner;
    /** The patched tag; NULL: the source tag + "-" + tag_suffix. */
    const char *tag;
    /** Suffix of the default tag; NULL means "patched". */
    const char *tag_suffix;
    /** Non-zero: push to the source's registry under the patched tag. */
    int push;
    /** Write into this OCI layout directory (under the patched tag). */
    const char *oci_dir;
    /** Write this docker-archive file (`docker load` reads it). */
    const char *archive;
    /** "os/arch[/variant]" of a multi-platform image; NULL: the host's. */
    const char *platform;
    /** Non-zero: report fixes that cannot be made but still patch the others. */
    int ignore_errors;
    /** Non-zero: plan only; nothing is downloaded or written. */
    int dry_run;
    /** apt mirror rewrites "FROM=TO" (URL prefixes), mirror_count of them. */
    const char *const *mirrors;
    /** Number of entries in mirrors. */
    size_t mirror_count;
    /** Registry credentials "USER:PASS", or NULL for the usual auth files. */
    const char *credentials;
    /** NULL-terminated HOST[:PORT] registries spoken to over plain HTTP, or NULL. */
    const char *const *insecure_registries;
    /** A PEM bundle of extra trusted CAs, or NULL. */
    const char *ca_file;
    /** A directory of extra trusted *.crt CAs, or NULL. */
    const char *cert_dir;
    /** Give up after this many milliseconds (COPA_ETIMEOUT); 0: no limit. */
    unsigned long timeout_ms;
    /**
     * Cache of blobs, indexes and packages; NULL: $COPA_CACHE_DIR,
     * $XDG_CACHE_HOME/copa or ~/.cache/copa.
     */
    const char *cache_dir;
    /** Progress callback, or NULL. */
    copa_progress_cb progress;
    /** Passed to progress. */
    void *progress_payload;
    /** Write an OpenVEX document of the fixed vulnerabilities here; NULL for none. */
    const char *vex_path;
    /** The VEX author; NULL: $COPA_VEX_AUTHOR, else "copa". */
    const char *vex_author;
    /** Non-zero: accept apt repositories whose signature fails (insecure). */
    int insecure_allow_unsigned;
    /* Version 2. */
    /**
     * How the new layer is compressed: "gzip" (level 6), "gzip:N" (N 1-9),
     * "zstd" (level 3) or "zstd:N" (N 1-19); NULL means "gzip". The layer's
     * bytes depend only on its content and this choice. zstd layers are
     * smaller and faster to write but need a zstd-aware runtime to pull
     * (docs/patch.md, "Layer compression") and an OCI image: a Docker
     * schema 2 source or a docker-archive destination is refused.
     */
    const char *layer_compression;
    /* Version 3. */
    /**
     * Write a CycloneDX 1.6 SBOM of the patched image here (the same document
     * as copa_inventory_format() gives for it: OS, packages at their new
     * versions, the ones the patch installed marked); NULL for none. Written
     * only when an image is written (not for a dry run or an image already up
     * to date); checked for writability before any work.
     */
    const char *sbom_path;
    /* Version 4. */
    /**
     * Non-zero: run the upgraded packages' maintainer scripts and pending
     * triggers inside the image, in a sandbox (user, mount, PID and network
     * namespaces; no network; a timeout per script), in dpkg's order, and
     * put what they change into the same new layer (docs/patch.md,
     * "--run-scripts"). A script that fails fails the patch (with
     * ignore_errors: a note). Needs user namespaces, and for a foreign
     * architecture a binfmt_misc handler with the F flag.
     */
    int run_scripts;
} copa_patch_options;

/** Static initializer for copa_patch_options: every field empty. */
#define COPA_PATCH_OPTIONS_INIT                                                                    \
    {                                                                                              \
        COPA_PATCH_OPTIONS_VERSION, NULL, NULL, COPA_REPORT_AUTO, NULL, NULL, NULL, 0, NULL, NULL, \
            NULL, 0, 0, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, \
            NULL, 0                                                                                \
    }

/**
 * Set options to their defaults (COPA_PATCH_OPTIONS_INIT) for the struct version
 * the caller was built with; only that version's fields are written.
 *
 * @param options  the options to fill.
 * @param version  COPA_PATCH_OPTIONS_VERSION, or an older version this
 *                 library still reads (1 lacks layer_compression, 2 sbom_path,
 *                 3 run_scripts).
 * @return 0, or COPA_EINVALID when options is NULL or the version is unknown.
 */
COPA_EXTERN(int) copa_patch_options_init(copa_patch_options *options, unsigned int version);

/** The outcome of copa_patch() (opaque). */
typedef struct copa_patch_result copa_patch_result;

/** One package the patch upgrades or installs. Strings are never NULL. */
typedef struct copa_patch_update {
    /** Package name. */
    const char *name;
    /** Architecture ("amd64", "all"). */
    const char *arch;
    /** Installed version; "" for a newly installed package. */
    const char *from;
    /** The version installed by the patch. */
    const char *to;
    /** Why: "CVE-1, CVE-2", "update-all", "needed by X (...)". */
    const char *reason;
    /** Download size in bytes. */
    double size;
    /** 1 when the package is new to the image. */
    int is_new;
} copa_patch_update;

/** A fix that was not made, or a package kept back. Strings are never NULL. */
typedef struct copa_patch_skipped {
    /** Package name. */
    const char *name;
    /** Installed version; "" when not installed. */
    const char *installed;
    /** What was asked: ">= 1.2" or a version; "" when unknown. */
    const char *required;
    /** Best available version; "" when none. */
    const char *best;
    /** "not-installed", "not-in-sources", "too-old", "held", "conflict", ... */
    const char *cause;
    /** One sentence saying what and why. */
    const char *message;
    /** 1 when the report asked for this fix (a failure), 0 when only kept back. */
    int failed;
} copa_patch_skipped;

/** A vulnerability the report has no fix for. Strings are never NULL. */
typedef struct copa_patch_unfixable {
    /** Package name. */
    const char *name;
    /** Installed version. */
    const char *installed;
    /** Vulnerability ID. */
    const char *vulnerability_id;
    /** The scanner's status ("affected", "wont-fix"); "" when none. */
    const char *status;
} copa_patch_unfixable;

/**
 * One platform of a multi-platform patch (an index patched for several
 * platforms in one run). Strings are never NULL.
 */
typedef struct copa_patch_platform {
    /** "linux/arm64/v8". */
    const char *platform;
    /** "patched", "up-to-date", "kept" (not selected, or no report for it) or "error". */
    const char *status;
    /** Packages upgraded or installed on this platform. */
    size_t update_count;
    /** Its manifest digest in the written index (new when patched); "" in a dry run. */
    const char *digest;
    /** Why it was kept, or its error; "" otherwise. */
    const char *message;
} copa_patch_platform;

/**
 * Patch an image.
 *
 * @param[out] out  the result, also on most failures after the plan was
 *                  made (it then lists the skipped fixes); free with
 *                  copa_patch_result_free(). NULL when nothing was learned.
 * @param options   what to patch (image required).
 * @return 0 (also when the image is already up to date: see
 *         copa_patch_result_up_to_date()); COPA_EINVALID for bad options, a
 *         malformed report or an OS that contradicts the report;
 *         COPA_ENOTFOUND for a missing image, tag, platform or package
 *         database; COPA_EAUTH; COPA_ENETWORK; COPA_EVERIFY for a digest or
 *         signature failure; COPA_EUNSATISFIABLE when a reported fix cannot
 *         be made (unless ignore_errors); COPA_EUNSUPPORTED for an OS copa
 *         cannot patch; COPA_ELAYER when the new layer cannot be written
 *         (the message names the entry and its package); COPA_ETIMEOUT;
 *         COPA_ECANCELLED; or the progress callback's non-zero return value.
 */
COPA_EXTERN(int) copa_patch(copa_patch_result **out, const copa_patch_options *options);

/** Output format of copa_plan(). */
typedef enum copa_plan_format {
    /** A plain-text table. */
    COPA_PLAN_TEXT = 0,
    /** A JSON document. */
    COPA_PLAN_JSON = 1
} copa_plan_format;

/**
 * The plan of a patch without making it (options->dry_run is implied):
 * package, installed -> target version, reason, size, skipped scripts.
 *
 * @param[out] out  the plan, NUL-terminated; free with copa_plan_free().
 * @param options   as for copa_patch(); destinations are ignored.
 * @param format    COPA_PLAN_TEXT or COPA_PLAN_JSON.
 * @return as copa_patch(); COPA_EUNSATISFIABLE still fills *out.
 */
COPA_EXTERN(int)
copa_plan(char **out, const copa_patch_options *options, copa_plan_format format);

/** Free what copa_plan() returned; NULL is a no-op. */
COPA_EXTERN(void) copa_plan_free(char *plan);

/**
 * Platforms of a multi-platform patch, in the index's order: 0 when the run
 * patched one image (a single manifest, or one --platform).
 */
COPA_EXTERN(size_t) copa_patch_result_platform_count(const copa_patch_result *result);

/** Platform `index` of a multi-platform patch, or NULL when out of range. */
COPA_EXTERN(const copa_patch_platform *)
copa_patch_result_platform(const copa_patch_result *result, size_t index);

/** Free a result; NULL is a no-op. */
COPA_EXTERN(void) copa_patch_result_free(copa_patch_result *result);

/** 1 when there was nothing to fix (nothing was written). */
COPA_EXTERN(int) copa_patch_result_up_to_date(const copa_patch_result *result);

/** 1 when the source was an image copa had patched before (its layer was replaced). */
COPA_EXTERN(int) copa_patch_result_repatched(const copa_patch_result *result);

/** Digest of the patched manifest ("sha256:..."); "" when nothing was written. */
COPA_EXTERN(const char *) copa_patch_result_digest(const copa_patch_result *result);

/** Where the patched image went ("oci:DIR:TAG", a registry reference, ...); "" when nowhere. */
COPA_EXTERN(const char *) copa_patch_result_destination(const copa_patch_result *result);

/** The plan as text or JSON (borrowed); "" when no plan was made. */
COPA_EXTERN(const char *)
copa_patch_result_plan(const copa_patch_result *result, copa_plan_format format);

/** Number of packages upgraded or installed. */
COPA_EXTERN(size_t) copa_patch_result_update_count(const copa_patch_result *result);

/** Update `index` (< update_count), borrowed from the result; NULL when out of range. */
COPA_EXTERN(const copa_patch_update *)
copa_patch_result_update(const copa_patch_result *result, size_t index);

/** Number of fixes not made and packages kept back. */
COPA_EXTERN(size_t) copa_patch_result_skipped_count(const copa_patch_result *result);

/** Skipped item `index`, borrowed; NULL when out of range. */
COPA_EXTERN(const copa_patch_skipped *)
copa_patch_result_skipped(const copa_patch_result *result, size_t index);

/** Number of reported vulnerabilities without a fix. */
COPA_EXTERN(size_t) copa_patch_result_unfixable_count(const copa_patch_result *result);

/** Unfixable vulnerability `index`, borrowed; NULL when out of range. */
COPA_EXTERN(const copa_patch_unfixable *)
copa_patch_result_unfixable(const copa_patch_result *result, size_t index);

/** Number of maintainer scripts that were not run. */
COPA_EXTERN(size_t) copa_patch_result_skipped_script_count(const copa_patch_result *result);

/** Skipped script `index` ("openssl: postinst (configure)"), borrowed; NULL when out of range. */
COPA_EXTERN(const char *)
copa_patch_result_skipped_script(const copa_patch_result *result, size_t index);

/** Bytes of the new layer as stored (compressed); 0 when none was written. */
COPA_EXTERN(double) copa_patch_result_layer_size(const copa_patch_result *result);

/**
 * How the new layer is compressed, with the level: "gzip:6", "zstd:3";
 * "" when no layer was written.
 */
COPA_EXTERN(const char *) copa_patch_result_layer_compression(const copa_patch_result *result);

/** Seconds copa_patch() took. */
COPA_EXTERN(double) copa_patch_result_elapsed(const copa_patch_result *result);

COPA_END_DECL

#endif
