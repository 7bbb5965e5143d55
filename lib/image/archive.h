/*
 * Tar archives of image layouts (oci-archive: and docker-archive:), on
 * libarchive.
 */
#ifndef COPA_LIB_IMAGE_ARCHIVE_H
#define COPA_LIB_IMAGE_ARCHIVE_H

/*
 * Unpack `archive` (any compression libarchive reads) into the existing
 * directory `dir`, streaming through it once. Only directories, regular
 * files and symlinks that stay inside are accepted; an absolute path or a
 * ".." component is an error (COPA_EINVALID) naming the archive and path.
 */
int copa__archive_extract(const char *archive, const char *dir);

/*
 * Write the tree under `dir` as an uncompressed tar to `archive`: entries
 * sorted, owned by root, times zero, written to a temporary file in the
 * same directory and renamed into place.
 */
int copa__archive_create(const char *archive, const char *dir);

/* A relative path with no ".." component (what an archive may name). */
int copa__archive_path_is_safe(const char *path);

#endif
