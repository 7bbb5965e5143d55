/*
 * The package manifests of CBL-Mariner / Azure Linux distroless images,
 * which have no rpm database:
 *   /var/lib/rpmmanifest/container-manifest-1  `rpm -qa`: one
 *       name-version-release.arch per line;
 *   /var/lib/rpmmanifest/container-manifest-2  one line per package of
 *       ten tab-separated fields, `rpm -qa --qf` with
 *       %{NAME} %{VERSION}-%{RELEASE} %{INSTALLTIME} %{BUILDTIME} %{VENDOR}
 *       %{EPOCH} %{SIZE} %{ARCH} %{EPOCHNUM} %{SOURCERPM}
 *       (EPOCH is "(none)" when the package has none).
 * The raw lines are kept so that a writer can rewrite only the lines of
 * the packages it changes.
 */
#ifndef COPA_LIB_RPMREPO_MANIFEST_H
#define COPA_LIB_RPMREPO_MANIFEST_H

#include "util/arena.h"
#include "util/image_files.h"

#include <stddef.h>

#define COPA_RPM_MANIFEST_1 "/var/lib/rpmmanifest/container-manifest-1"
#define COPA_RPM_MANIFEST_2 "/var/lib/rpmmanifest/container-manifest-2"

enum {
    COPA_RPM_MANIFEST2_NAME,
    COPA_RPM_MANIFEST2_VR,
    COPA_RPM_MANIFEST2_INSTALLTIME,
    COPA_RPM_MANIFEST2_BUILDTIME,
    COPA_RPM_MANIFEST2_VENDOR,
    COPA_RPM_MANIFEST2_EPOCH,
    COPA_RPM_MANIFEST2_SIZE,
    COPA_RPM_MANIFEST2_ARCH,
    COPA_RPM_MANIFEST2_EPOCHNUM,
    COPA_RPM_MANIFEST2_SOURCERPM,
    COPA_RPM_MANIFEST2_FIELDS
};

typedef struct copa__rpm_manifest_entry {
    const char *line; /* the raw line, without its newline */
    const char *name;
    const char *epoch; /* NULL when none ("(none)" in -2; -1 never has it) */
    const char *version;
    const char *release;
    const char *arch; /* NULL for a line without one (gpg-pubkey-...) */
    const char *fields[COPA_RPM_MANIFEST2_FIELDS]; /* -2 only; all NULL for -1 */
} copa__rpm_manifest_entry;

typedef struct copa__rpm_manifest_file {
    int present;
    int final_newline; /* the file ends with '\n' (rewrite it the same way) */
    copa__rpm_manifest_entry *entries;
    size_t count;
} copa__rpm_manifest_file;

typedef struct copa__rpm_manifest {
    copa__rpm_manifest_file one; /* container-manifest-1 */
    copa__rpm_manifest_file two; /* container-manifest-2 */
    copa__arena arena;
} copa__rpm_manifest;

/*
 * Read both manifests of the image. COPA_ENOTFOUND when neither exists;
 * COPA_EINVALID naming file and line for a malformed line or over the
 * caps; COPA_ENOMEM.
 */
int copa__rpm_manifest_read(copa__rpm_manifest **out, const copa__image_files *files);

/* Parse one manifest's text: `two` selects the -2 format. */
int copa__rpm_manifest_parse(copa__rpm_manifest *m, int two, const char *path, const char *text,
                             size_t len);

void copa__rpm_manifest_free(copa__rpm_manifest *m);

#endif
