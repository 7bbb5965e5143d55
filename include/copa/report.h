/**
 * @file
 * Scanner reports in, one normalized update manifest out.
 *
 * Reads a Trivy JSON report (SchemaVersion 2), a Grype JSON report, a copa
 * native report (v1alpha1 or v1alpha2), or the native output of a scanner
 * plugin `copa-NAME`, and turns it into one list of "package X must reach
 * version >= Y because of these vulnerabilities".
 *
 * Pure computation except for plugins (which run a program); no copa_init()
 * needed. A copa_report is immutable once parsed and may be read from
 * several threads.
 */
#ifndef COPA_REPORT_H
#define COPA_REPORT_H

#include "common.h"
#include "pkgversion.h"

COPA_BEGIN_DECL

/** The format of a report. */
typedef enum copa_report_format {
    /** Detect the format from the report's top-level keys. */
    COPA_REPORT_AUTO = 0,
    /** Trivy JSON (`trivy image -f json`, SchemaVersion 2). */
    COPA_REPORT_TRIVY = 1,
    /** Grype JSON (`grype -o json`). */
    COPA_REPORT_GRYPE = 2,
    /** copa native, apiVersion v1alpha1 or v1alpha2. */
    COPA_REPORT_NATIVE = 3,
    /** The native output of a scanner plugin (set by the parser). */
    COPA_REPORT_PLUGIN = 4
} copa_report_format;

/** Version of copa_report_options this header describes. */
#define COPA_REPORT_OPTIONS_VERSION 1

/** How to read a report. Initialize with COPA_REPORT_OPTIONS_INIT. */
typedef struct copa_report_options {
    /** Must be COPA_REPORT_OPTIONS_VERSION. */
    unsigned int version;
    /** The format, or COPA_REPORT_AUTO to detect it. Ignored with a scanner. */
    copa_report_format format;
    /**
     * A scanner plugin name: run `copa-NAME REPORT` from PATH and read its
     * stdout as a native report. NULL for none.
     */
    const char *scanner;
    /**
     * Non-zero: a package with an invalid version string is skipped and
     * listed in the warnings instead of failing the whole report.
     */
    int ignore_errors;
    /** Time limit for a plugin in milliseconds; 0 means 60000. */
    unsigned int plugin_timeout_ms;
} copa_report_options;

/** Static initializer for copa_report_options: auto format, no plugin. */
#define COPA_REPORT_OPTIONS_INIT                                                                   \
    {                                                                                              \
        COPA_REPORT_OPTIONS_VERSION, COPA_REPORT_AUTO, NULL, 0, 0                                  \
    }

/**
 * Initialize an options struct to its defaults.
 *
 * @param[out] opts    the struct to fill.
 * @param version      COPA_REPORT_OPTIONS_VERSION.
 * @return 0, or COPA_EINVALID when opts is NULL or the version is unknown.
 */
COPA_EXTERN(int) copa_report_options_init(copa_report_options *opts, unsigned int version);

/** A parsed, normalized report (opaque). */
typedef struct copa_report copa_report;

/** What the report says about the image. Strings are never NULL ("" if unknown). */
typedef struct copa_report_metadata {
    /** The format the report was read as. */
    copa_report_format format;
    /** Normalized OS family ("debian", "alpine", "rhel", ...); "" when none. */
    const char *os_family;
    /** The OS version as the report gives it ("12.5", "3.19.1", "2023"). */
    const char *os_version;
    /** The package format of the OS packages; COPA_PKG_UNKNOWN when no OS. */
    copa_pkg_format pkg_format;
    /** OCI architecture ("amd64", "arm64", "arm"); "" when not given. */
    const char *arch;
    /** OCI architecture variant ("v7"); "" when none. */
    const char *variant;
    /** The scanned artifact (image reference) when the report names it. */
    const char *artifact;
} copa_report_metadata;

/**
 * One package to update, or one language package (not handled by OS
 * patching). Strings are never NULL ("" if unknown).
 */
typedef struct copa_report_update {
    /** Package name. */
    const char *name;
    /** The version installed in the image. */
    const char *installed_version;
    /**
     * OS packages: the version to reach, the highest fixed version over all
     * vulnerabilities. Language packages: the fixed versions as the scanner
     * gave them, distinct ones joined by ", " (not compared).
     */
    const char *fixed_version;
    /** The vulnerability IDs this update fixes, sorted, without duplicates. */
    const char *const *vulnerability_ids;
    /** Number of entries in vulnerability_ids (>= 1). */
    size_t vulnerability_count;
    /** OS packages: "deb", "rpm" or "apk"; language packages: the ecosystem. */
    const char *type;
    /** "os-pkgs" or "lang-pkgs". */
    const char *pkg_class;
    /** Language packages: where the package was found; "" otherwise. */
    const char *path;
    /** Package URL when the report gives one. */
    const char *purl;
    /** 1 when OS patching handles this package, 0 for language packages. */
    int handled;
} copa_report_update;

/** A vulnerability the report gives no fixed version for. */
typedef struct copa_report_unfixed {
    /** Package name. */
    const char *name;
    /** The version installed in the image. */
    const char *installed_version;
    /** Vulnerability ID. */
    const char *vulnerability_id;
    /** The scanner's status ("affected", "wont-fix", ...); "" when none. */
    const char *status;
    /** "os-pkgs" or "lang-pkgs". */
    const char *pkg_class;
} copa_report_unfixed;

/**
 * Read and normalize a report file.
 *
 * @param[out] out  the report; free with copa_report_free(). NULL on error.
 * @param path      the report file (or the plugin's argument).
 * @param opts      options, or NULL for the defaults.
 * @return 0 on success (also when there is nothing to fix);
 *         COPA_ENOTFOUND when the file or the plugin does not exist;
 *         COPA_EINVALID for malformed JSON (with the byte offset), wrong
 *         types, missing fields, an empty file, an unknown or ambiguous
 *         format, or an invalid version string (names package and string),
 *         for a path that is not a regular file (a directory, /dev/zero, a
 *         fifo) and for a file above 512 MiB;
 *         COPA_EUNSUPPORTED for an OS copa cannot patch or an unsupported
 *         report version; COPA_EEXTERNAL when a plugin cannot be run, exits
 *         non-zero or prints anything but a valid native report;
 *         COPA_ETIMEOUT when a plugin runs out of time; COPA_ENOMEM.
 *         Every message starts with the file name.
 */
COPA_EXTERN(int)
copa_report_parse_file(copa_report **out, const char *path, const copa_report_options *opts);

/**
 * Read and normalize a report held in memory. Plugins need a file: with
 * opts->scanner set this returns COPA_EINVALID.
 *
 * @param[out] out  the report; free with copa_report_free(). NULL on error.
 * @param data      the report bytes (need not be NUL-terminated).
 * @param length    number of bytes in data.
 * @param name      name used in messages (for example the file name); may be NULL.
 * @param opts      options, or NULL for the defaults.
 * @return as copa_report_parse_file().
 */
COPA_EXTERN(int)
copa_report_parse_buffer(copa_report **out, const char *data, size_t length, const char *name,
                         const copa_report_options *opts);

/** Free a report; NULL is a no-op. */
COPA_EXTERN(void) copa_report_free(copa_report *report);

/**
 * The report's metadata, borrowed from the report.
 *
 * @return the metadata, or NULL when report is NULL.
 */
COPA_EXTERN(const copa_report_metadata *) copa_report_metadata_get(const copa_report *report);

/** Number of OS package updates (0 when report is NULL). */
COPA_EXTERN(size_t) copa_report_update_count(const copa_report *report);

/**
 * One OS package update, sorted by name; borrowed from the report.
 *
 * @return the update, or NULL when index is out of range.
 */
COPA_EXTERN(const copa_report_update *)
copa_report_update_get(const copa_report *report, size_t index);

/** Number of language packages with vulnerabilities (0 when report is NULL). */
COPA_EXTERN(size_t) copa_report_lang_count(const copa_report *report);

/**
 * One language package (handled == 0), sorted by type, path and name;
 * borrowed from the report.
 *
 * @return the package, or NULL when index is out of range.
 */
COPA_EXTERN(const copa_report_update *)
copa_report_lang_get(const copa_report *report, size_t index);

/** Number of vulnerabilities without a fixed version (0 when report is NULL). */
COPA_EXTERN(size_t) copa_report_unfixed_count(const copa_report *report);

/**
 * One vulnerability without a fixed version, sorted by package name and ID;
 * borrowed from the report.
 *
 * @return the entry, or NULL when index is out of range.
 */
COPA_EXTERN(const copa_report_unfixed *)
copa_report_unfixed_get(const copa_report *report, size_t index);

/** Number of warnings (0 when report is NULL). */
COPA_EXTERN(size_t) copa_report_warning_count(const copa_report *report);

/**
 * One warning: a dropped fix (fixed version not above the installed one),
 * a skipped package (ignore_errors), an unknown architecture, ...
 *
 * @return a message borrowed from the report, or NULL when out of range.
 */
COPA_EXTERN(const char *) copa_report_warning_get(const copa_report *report, size_t index);

/**
 * The normalized manifest as stable JSON: the native v1alpha2 shape
 * (apiVersion, metadata, osupdates, langupdates) plus copa's fields
 * (vulnerabilityIDs per update, unfixable, warnings, source format).
 *
 * @param[out] out  a NUL-terminated string; free with copa_report_json_free().
 * @param report    the report.
 * @return 0, COPA_EINVALID for NULL arguments, COPA_ENOMEM.
 */
COPA_EXTERN(int) copa_report_to_json(char **out, const copa_report *report);

/** Free a string from copa_report_to_json(); NULL is a no-op. */
COPA_EXTERN(void) copa_report_json_free(char *json);

/**
 * The name of a report format: "auto", "trivy", "grype", "native",
 * "plugin", or "unknown".
 *
 * @return a static string.
 */
COPA_EXTERN(const char *) copa_report_format_name(copa_report_format format);

/**
 * Look up a report format by name ("auto", "trivy", "grype", "native";
 * case-insensitive).
 *
 * @param[out] out the format; COPA_REPORT_AUTO on error.
 * @param name     the name.
 * @return 0, or COPA_EINVALID for an unknown name.
 */
COPA_EXTERN(int) copa_report_format_from_name(copa_report_format *out, const char *name);

COPA_END_DECL

#endif
