/*
 * Internals of the report module: the report object, the raw entries the
 * format parsers add, and the steps between them.
 *
 * Flow: bytes -> cJSON tree -> format parser (trivy.c, grype.c, native.c)
 * adds one raw entry per (package, vulnerability) and the raw metadata ->
 * normalize (osfamily.c, arch.c) -> aggregate.c builds the updates.
 */
#ifndef COPA_LIB_REPORT_REPORT_H
#define COPA_LIB_REPORT_REPORT_H

#include "copa/report.h"
#include "util/arena.h"

#include <cjson/cJSON.h>

/* One (package, vulnerability) pair as a parser found it. Strings live in
 * the report's pool; absent ones are "". */
typedef struct copa__report_entry {
    const char *name;
    const char *installed;
    /* Raw fixed version(s): "" for none, possibly "1.2-1, 1.3-1". */
    const char *fixed;
    const char *vuln_id;
    const char *status;
    /* Language ecosystem (lang entries) or the scanner's package type. */
    const char *type;
    const char *path;
    const char *purl;
    int lang;
    /* Insertion order, for stable sorting. */
    size_t seq;
} copa__report_entry;

/* Metadata as the report spells it, before normalization. */
typedef struct copa__report_raw_meta {
    const char *family;
    const char *version;
    const char *arch;
    const char *variant;
    const char *artifact;
    /* The image's OS ("linux") where the report names it (Trivy
     * ImageConfig.os, Grype source.target.os): "" otherwise. */
    const char *os;
} copa__report_raw_meta;

struct copa_report {
    copa_report_metadata meta;
    copa__report_raw_meta raw;
    /* Name used in messages: the file name or the caller's name. */
    const char *source;
    int ignore_errors;
    copa__arena pool;

    copa__report_entry *entries;
    size_t entry_count, entry_cap;

    copa_report_update *updates;
    size_t update_count;
    copa_report_update *langs;
    size_t lang_count;
    copa_report_unfixed *unfixed;
    size_t unfixed_count, unfixed_cap;
    const char **warnings;
    size_t warning_count, warning_cap;
};

/* Copy a string into the report's pool ("" for NULL); NULL on OOM. */
const char *copa__report_str(copa_report *r, const char *s);

/* Append a raw entry, copying its strings into the pool (NULL -> ""). */
int copa__report_add_entry(copa_report *r, const copa__report_entry *entry);

/* Append a formatted warning. */
int copa__report_warn(copa_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append an unfixed vulnerability (strings already in the pool). */
int copa__report_add_unfixed(copa_report *r, const copa__report_entry *entry);

/* Format parsers: fill r->raw and r->entries from a parsed document. */
int copa__report_parse_trivy(copa_report *r, const cJSON *root);
int copa__report_parse_grype(copa_report *r, const cJSON *root);
int copa__report_parse_native(copa_report *r, const cJSON *root);

/* Tell the format from the top-level keys; COPA_EINVALID when unknown or
 * ambiguous (the message lists the accepted formats). */
int copa__report_detect(copa_report_format *out, const cJSON *root);

/* Normalize an OS family name. Sets *family to the vocabulary's name and
 * *format to its package format; COPA_EUNSUPPORTED for an OS copa cannot
 * patch. */
int copa__report_os_family(const char **family, copa_pkg_format *format, const char *raw);

/* Normalize an architecture (and variant) to OCI names. Returns 1 when the
 * name was recognized, 0 when it was kept as given. */
int copa__report_arch(const char **arch, const char **variant, const char *raw_arch,
                      const char *raw_variant, copa_report *r);

/* Normalize metadata and build updates, language packages, unfixed list. */
int copa__report_normalize(copa_report *r);
int copa__report_aggregate(copa_report *r);

/* Run the plugin copa-NAME with `path`; its stdout is returned in a
 * malloc'd buffer. */
int copa__report_run_plugin(char **out, size_t *length, const char *name, const char *path,
                            unsigned int timeout_ms);

#endif
