/*
 * Tar archives of image layouts (oci-archive: and docker-archive:), on
 * libarchive.
 */
#ifndef COPA_LIB_IMAGE_ARCHIVE_H
#define COPA_LIB_IMAGE_ARCHIVE_H

typedef struct copa__archive_tree copa__archive_tree;

/*
 * Read `archive` (a tar, any compression libarchive reads) once. Regular
 * files are copied into the existing private directory `dir` under numbers
 * copa picks; names, symlinks and hard links are only recorded. Nothing the
 * archive names is created or opened on the host. Absolute or ".." names,
 * links pointing outside, devices, fifos, sparse files, duplicate names and
 * entries under a symlink are COPA_EINVALID naming the archive and entry.
 */
int copa__archive_tree_read(copa__archive_tree **out, const char *archive, const char *dir);
/*
 * The private copy of the regular file `name` resolves to (malloc'd path).
 * The archive's own symlinks are followed in the index, lexically, and the
 * walk never goes above the archive's root (COPA_EINVALID); a name that is
 * not there is COPA_ENOTFOUND.
 */
int copa__archive_tree_file(const copa__archive_tree *tree, const char *name, char **path);
/*
 * Make an OCI layout in `layout_dir` (created) from the archive's oci-layout,
 * index.json and blobs/sha256/<hex>: hard links to the private copies,
 * under names copa writes itself.
 */
int copa__archive_tree_layout(const copa__archive_tree *tree, const char *layout_dir);
void copa__archive_tree_free(copa__archive_tree *tree);

/*
 * Write the tree under `dir` as an uncompressed tar to `archive`: entries
 * sorted, owned by root, times zero, written to a temporary file in the
 * same directory and renamed into place.
 */
int copa__archive_create(const char *archive, const char *dir);

#endif
