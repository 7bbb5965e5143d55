/*
 * The installed-package view of an image's dpkg database: the status file
 * and/or the distroless status.d files, the native and foreign
 * architectures, and per-package file lists and md5sums on demand.
 */
#ifndef COPA_LIB_PKG_DPKG_DB_H
#define COPA_LIB_PKG_DPKG_DB_H

#include "pkg/dpkg_info.h"
#include "pkg/dpkg_status.h"
#include "util/image_files.h"

#include <stddef.h>

#define COPA__DPKG_ADMINDIR "/var/lib/dpkg"

/* One package as the database knows it, with where it came from. */
typedef struct copa__dpkg_entry {
    const copa__dpkg_pkg *pkg;
    const copa__dpkg_status *file; /* the status file or a status.d file */
    int distroless;                /* from status.d */
    int foreign;                   /* arch is neither native nor "all": identity "name:arch" */
    char *id;                      /* "name" or "name:arch" (malloc'd) */
} copa__dpkg_entry;

typedef struct copa__dpkg_db {
    char *native_arch;
    const char **foreign_archs; /* from /var/lib/dpkg/arch, native left out */
    size_t foreign_arch_count;
    copa__dpkg_status *status;    /* /var/lib/dpkg/status, or NULL */
    copa__dpkg_status **status_d; /* status.d stanza files, sorted by name */
    size_t status_d_count;
    /* Installed packages (install|hold ok installed), sorted by name then
     * arch as dpkg sorts them. When a package is in both the status file
     * and status.d, the status file wins. */
    copa__dpkg_entry *installed;
    size_t installed_count;
    /* Every other stanza (half-installed, config-files, deinstall, ...). */
    copa__dpkg_entry *others;
    size_t other_count;
    copa__arena arena;
} copa__dpkg_db;

/*
 * Load the database of an image. `config_arch` is the Debian architecture
 * of the image config (see copa__dpkg_arch_from_oci), or NULL. The native
 * architecture is that of the installed `dpkg` package when there is one,
 * else `config_arch`, else the first line of /var/lib/dpkg/arch; a
 * `config_arch` that contradicts the dpkg package is COPA_EINVALID naming
 * both. COPA_ENOTFOUND when the image has neither status nor status.d.
 */
int copa__dpkg_db_load(copa__dpkg_db **out, const copa__image_files *files,
                       const char *config_arch);

void copa__dpkg_db_free(copa__dpkg_db *db);

/* The installed entry for "name", "name:arch", "name:any" or "name:native". */
const copa__dpkg_entry *copa__dpkg_db_find(const copa__dpkg_db *db, const char *id);

/* Number of installed packages held (apt-mark hold: Status "hold ..."). */
size_t copa__dpkg_db_held(const copa__dpkg_db *db, const copa__dpkg_entry **out, size_t max);

/* The Debian architecture name for an OCI architecture (and variant), or
 * NULL when there is none (e.g. "amd64" -> "amd64", "arm"/"v7" -> "armhf",
 * "386" -> "i386", "ppc64le" -> "ppc64el"). */
const char *copa__dpkg_arch_from_oci(const char *arch, const char *variant);

/*
 * Paths of the info files for an entry: "/var/lib/dpkg/info/<id>.<ext>"
 * with the arch qualifier only for Multi-Arch: same packages, as dpkg
 * names them ("libc6:amd64.list" but "bash.list"). Distroless entries'
 * md5sums live next to the stanza file: "status.d/<file>.md5sums".
 * Returns a malloc'd string or NULL on ENOMEM.
 */
char *copa__dpkg_info_path(const copa__dpkg_db *db, const copa__dpkg_entry *e, const char *ext);

/*
 * Read and parse the entry's file list (COPA_ENOTFOUND when the image has
 * none, as in distroless images) and md5sums. Strings come from `arena`.
 */
int copa__dpkg_db_read_list(copa__dpkg_list *out, copa__arena *arena, const copa__dpkg_db *db,
                            const copa__dpkg_entry *e, const copa__image_files *files);
int copa__dpkg_db_read_md5sums(copa__dpkg_md5sums *out, copa__arena *arena, const copa__dpkg_db *db,
                               const copa__dpkg_entry *e, const copa__image_files *files);

#endif
