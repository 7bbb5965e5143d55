/*
 * How the stages that read an image's configuration (the package adapters,
 * the apt client) see its files without knowing how the image is stored: a
 * small table of callbacks. The image's merged rootfs view provides one; so
 * does a plain directory (an unpacked root filesystem, and the tests).
 *
 * Paths are absolute inside the image ("/var/lib/dpkg/status"). Providers
 * resolve symlinks the way the image would, inside the image's root: an
 * absolute link such as trusted.gpg.d/k.gpg -> /usr/share/keyrings/k.gpg
 * lands in the image, never on the host.
 */
#ifndef COPA_LIB_UTIL_IMAGE_FILES_H
#define COPA_LIB_UTIL_IMAGE_FILES_H

#include <stddef.h>

typedef struct copa__image_files {
    /*
     * Read the whole regular file `path` into a malloc'd NUL-terminated
     * buffer (*out, *len). Returns 0, COPA_ENOTFOUND when it does not exist,
     * or another COPA_E*; the message names the path.
     */
    int (*read)(char **out, size_t *len, const char *path, void *payload);
    /*
     * The entry names of directory `path` (no "." or ".."), sorted by
     * strcmp, as a malloc'd array of malloc'd strings (free with
     * copa__image_files_free_names). COPA_ENOTFOUND when it does not exist.
     */
    int (*list)(char ***names, size_t *count, const char *path, void *payload);
    void *payload;
} copa__image_files;

/* Free what `list` returned. */
void copa__image_files_free_names(char **names, size_t count);

/* Sort names as `list` promises (providers call it before returning). */
void copa__image_files_sort_names(char **names, size_t count);

/*
 * A provider over a root filesystem directory on the host. Symlinks are
 * followed inside `root` (openat2 RESOLVE_IN_ROOT where the kernel has it,
 * otherwise a component-by-component walk that clamps at the root), so a
 * hostile tree cannot make copa read host files.
 * 0, COPA_ENOTFOUND when `root` does not exist, COPA_ENOMEM.
 */
int copa__image_files_dir_open(copa__image_files *out, const char *root);
void copa__image_files_dir_close(copa__image_files *files);

#endif
