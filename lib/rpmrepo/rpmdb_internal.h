/*
 * Shared between the rpmdb.sqlite reader and its private-copy helper.
 */
#ifndef COPA_LIB_RPMREPO_RPMDB_INTERNAL_H
#define COPA_LIB_RPMREPO_RPMDB_INTERNAL_H

#include <stddef.h>

/* Where the database's bytes come from: the image, or the host (tests). */
typedef struct copa__rpmdb_source {
    const char *path;
    int (*read)(char **out, size_t *len, const char *path, void *payload);
    void *payload;
} copa__rpmdb_source;

/*
 * Copy the database at src->path and its "-wal" (when present) into a new
 * private temporary directory (*dir_out, malloc'd); *had_wal says whether
 * a non-empty -wal came along. The error of reading the database itself
 * (COPA_ENOTFOUND, ...) is returned unchanged.
 */
int copa__rpmdb_copy(char **dir_out, int *had_wal, const copa__rpmdb_source *src);

/* Remove the copy and free `dir`. */
void copa__rpmdb_copy_remove(char *dir);

/* copa__rpmdb_source.read for host files. */
int copa__rpmdb_host_read(char **out, size_t *len, const char *path, void *payload);

#endif
