/*
 * How the package adapters read files of an image without knowing how the
 * image is stored: a small table of callbacks that the rootfs view (or a
 * test's plain directory) fills in. Paths are absolute inside the image
 * ("/var/lib/dpkg/status"); the provider resolves symlinks the way the
 * image would (so /etc/os-release -> ../usr/lib/os-release works).
 */
#ifndef COPA_LIB_PKG_IMAGE_FILES_H
#define COPA_LIB_PKG_IMAGE_FILES_H

#include <stddef.h>

typedef struct copa__image_files {
    /*
     * Read the whole regular file `path` into a malloc'd NUL-terminated
     * buffer (*out, *len). Returns 0, COPA_ENOTFOUND when it does not exist
     * (no message needed), or another COPA_E* with a message.
     */
    int (*read)(char **out, size_t *len, const char *path, void *payload);
    /*
     * Call `each(name, each_payload)` for every entry of directory `path`
     * (names only, no "." or ".."), in any order. Returns 0, COPA_ENOTFOUND
     * when the directory does not exist, a non-zero return of `each`
     * unchanged, or another COPA_E*.
     */
    int (*list)(const char *path, int (*each)(const char *name, void *each_payload),
                void *each_payload, void *payload);
    void *payload;
} copa__image_files;

/*
 * A provider over a plain directory on the host (an unpacked root file
 * system, used by tests and `copa` on unpacked images). Symlinks are
 * followed by the host, so absolute links must not point outside `root`;
 * this provider is for trusted trees only.
 */
void copa__image_files_dir(copa__image_files *out, const char *root);

#endif
