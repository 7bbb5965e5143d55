/*
 * updateinfo.xml of an rpm-md repository: the advisories (errata), each
 * with its id, type (security, bugfix, enhancement, newpackage), severity,
 * the CVEs it references and the packages (NEVRA) that fix it. The engine
 * uses them for --security-like selection and for the notes of the VEX
 * statements.
 */
#ifndef COPA_LIB_RPMREPO_UPDATEINFO_H
#define COPA_LIB_RPMREPO_UPDATEINFO_H

#include "util/arena.h"

#include <stddef.h>
#include <stdint.h>

typedef struct copa__rpm_advisory_pkg {
    const char *name;
    const char *epoch; /* "0" when not given */
    const char *version;
    const char *release;
    const char *arch;
} copa__rpm_advisory_pkg;

typedef struct copa__rpm_advisory {
    const char *id;       /* "RHSA-2024:1234", "ALSA-...", "FEDORA-2024-..." */
    const char *type;     /* "security", "bugfix", ... ("" when absent) */
    const char *severity; /* "Important", ... or NULL */
    const char *issued;   /* the issued date as written, or NULL */
    const char **cves;    /* reference ids of type "cve" */
    size_t cve_count;
    copa__rpm_advisory_pkg *pkgs;
    size_t pkg_count;
} copa__rpm_advisory;

typedef struct copa__rpm_updateinfo {
    copa__rpm_advisory *advisories;
    size_t count;
    copa__arena arena;
} copa__rpm_updateinfo;

/*
 * Parse updateinfo.xml (gzip, xz, zstd, bzip2 or plain). Caps: 2 GiB
 * decompressed, 500,000 advisories, 100,000 packages or references per
 * advisory, 64 KiB per value. COPA_EINVALID naming document and line for
 * malformed or hostile input (DTDs refused); COPA_ENOMEM.
 */
int copa__rpm_updateinfo_parse(copa__rpm_updateinfo **out, const char *name, const void *data,
                               size_t len);

void copa__rpm_updateinfo_free(copa__rpm_updateinfo *ui);

#endif
