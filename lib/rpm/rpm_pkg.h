/*
 * The package described by an rpm header: identity, dependencies, files
 * and scriptlets, as the RPM engine needs them. Built from a parsed header
 * of a .rpm file or of an rpmdb row; strings point into the header, which
 * must outlive the model. See docs/rpm.md.
 */
#ifndef COPA_LIB_RPM_RPM_PKG_H
#define COPA_LIB_RPM_RPM_PKG_H

#include "rpm/header.h"

#include <stddef.h>
#include <stdint.h>

/* Caps far above any real package (the largest ship some 100 000 files). */
enum { COPA__RPM_PKG_MAX_FILES = 1u << 20, COPA__RPM_PKG_MAX_DEPS = 1u << 20 };

typedef struct copa__rpm_dep {
    const char *name;
    const char *version; /* "" when unversioned */
    uint32_t flags;      /* rpmsenseFlags: LESS/GREATER/EQUAL, RPMLIB, script contexts... */
} copa__rpm_dep;

typedef struct copa__rpm_deps {
    copa__rpm_dep *items;
    uint32_t count;
} copa__rpm_deps;

typedef struct copa__rpm_file {
    char *path;    /* absolute, normalized (no ".", "..", "//"); owned by the model */
    uint16_t mode; /* st_mode: type and permission bits */
    uint64_t size;
    const char *user; /* "" when the header has none */
    const char *group;
    const char *digest; /* hex, in the package's FILEDIGESTALGO; "" for non-regular files */
    const char *link;   /* symlink target; "" otherwise */
    const char *caps;   /* cap_to_text() form ("cap_net_raw=ep"); "" when none */
    const char *lang;
    uint32_t flags; /* COPA__RPM_FILE_CONFIG, _NOREPLACE, _GHOST, ... */
    uint32_t verify_flags;
    uint32_t mtime;
    uint32_t inode; /* files sharing (device, inode) are hard links of one another */
    uint32_t device;
    uint16_t rdev;
} copa__rpm_file;

/* Scriptlets the package carries (body or interpreter present). */
enum {
    COPA__RPM_SCRIPT_PRETRANS = 1u << 0,
    COPA__RPM_SCRIPT_PRE = 1u << 1,
    COPA__RPM_SCRIPT_POST = 1u << 2,
    COPA__RPM_SCRIPT_PREUN = 1u << 3,
    COPA__RPM_SCRIPT_POSTUN = 1u << 4,
    COPA__RPM_SCRIPT_POSTTRANS = 1u << 5,
    COPA__RPM_SCRIPT_VERIFY = 1u << 6,
    COPA__RPM_SCRIPT_TRIGGERS = 1u << 7,
    COPA__RPM_SCRIPT_FILETRIGGERS = 1u << 8,
    COPA__RPM_SCRIPT_TRANSFILETRIGGERS = 1u << 9,
    COPA__RPM_SCRIPT_PREUNTRANS = 1u << 10,
    COPA__RPM_SCRIPT_POSTUNTRANS = 1u << 11
};

typedef struct copa__rpm_pkg {
    const copa__rpm_header *header; /* borrowed */
    const char *name;
    const char *version;
    const char *release;
    const char *arch;      /* "" for a header without ARCH (rpm prints "(none)") */
    const char *sourcerpm; /* "" for a source package */
    int has_epoch;         /* an EPOCH tag is present (0 is a value, not absence) */
    uint32_t epoch;
    copa__rpm_deps provides, requires, conflicts, obsoletes;
    copa__rpm_deps recommends, suggests, supplements, enhances;
    copa__rpm_file *files;
    uint32_t file_count;
    uint32_t *by_path;              /* file indexes sorted by path, for lookups */
    uint32_t file_digest_algo;      /* OpenPGP hash number; MD5 (1) when the tag is absent */
    unsigned scripts;               /* COPA__RPM_SCRIPT_* */
    const char *payload_format;     /* "cpio" when absent */
    const char *payload_compressor; /* "gzip" when absent */
} copa__rpm_pkg;

/*
 * Build the model. `name` is for messages (a file name or rpmdb row).
 * COPA_EINVALID when a required tag is missing or has the wrong type, when
 * parallel arrays disagree in length, or when a file path is not absolute
 * and normalized; COPA_ENOMEM.
 */
int copa__rpm_pkg_from_header(copa__rpm_pkg **out, const copa__rpm_header *h, const char *name);

void copa__rpm_pkg_free(copa__rpm_pkg *pkg);

/* The index of the file with this path (absolute, as in the model), or -1. O(log n). */
long copa__rpm_pkg_find_file(const copa__rpm_pkg *pkg, const char *path);

/* "name-[epoch:]version-release.arch" into a malloc'd string, or NULL. */
char *copa__rpm_pkg_nevra(const copa__rpm_pkg *pkg);

/* Internal to the model: fill pkg->files from the header (rpm_pkg_files.c). */
int copa__rpm_pkg_read_files(copa__rpm_pkg *pkg, const char *name);

#endif
