/*
 * Reports for a multi-platform image: a directory holding one scanner
 * report per platform, each matched to its index entry by the platform the
 * report names (Trivy Metadata.ImageConfig.{os,architecture,variant},
 * Grype source.target.{os,architecture,architectureVariant}, native
 * metadata.config.{arch,variant}).
 */
#ifndef COPA_LIB_REPORT_REPORT_DIR_H
#define COPA_LIB_REPORT_REPORT_DIR_H

#include "copa/report.h"
#include "image/platform_list.h"

/*
 * The platform a report is for: os (the report's, else "linux"), the
 * normalized architecture and variant. *has_variant is 0 when the report
 * gives none (then it stands for any variant of that architecture).
 * COPA_EINVALID, naming the report, when it names no architecture.
 */
int copa__report_platform(copa__platform *out, int *has_variant, const copa_report *report);

/*
 * The index entry a report is for: its exact platform, else, when that is
 * the only one, the entry of its os/architecture (a report without variant,
 * or an entry without one). Entries without platform and attestations
 * (plans may be NULL) never match. Errors name the report: a platform the
 * image lacks (listing the image's), one that matches several entries.
 */
int copa__report_match_entry(size_t *entry, const copa_report *report, const copa__index *idx,
                             const copa__entry_plan *plans);

/* One report of the directory and the index entry it applies to. */
typedef struct copa__platform_report {
    char *path;
    copa_report *report;
    size_t entry; /* position in the index */
} copa__platform_report;

typedef struct copa__platform_reports {
    copa__platform_report *items; /* sorted by file name */
    size_t count;
} copa__platform_reports;

/*
 * Read every regular file of `dir` (names starting with '.' are skipped;
 * sorted by name) as a report with `opts`, and match each to an entry of
 * idx that has a platform and is not an attestation (plans from
 * copa__index_plan, or NULL to look at every entry). A report matches the
 * entry of its exact platform, else, when that is the only one, the entry
 * of its os/architecture (a report without variant, or an entry without
 * one). Errors name the files: an unreadable or malformed report (the
 * parser's message), a report without architecture, a platform the image
 * lacks (listing the image's platforms), one that matches several entries,
 * two reports for one entry, a directory with no report.
 */
int copa__report_dir_read(copa__platform_reports *out, const char *dir,
                          const copa_report_options *opts, const copa__index *idx,
                          const copa__entry_plan *plans);
/* The report for index entry `entry`, or NULL (that platform has none). */
const copa_report *copa__platform_reports_find(const copa__platform_reports *reports, size_t entry);
void copa__platform_reports_free(copa__platform_reports *reports);

#endif
