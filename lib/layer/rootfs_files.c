/*
 * copa__image_files over a rootfs view: read copies the kept content (the
 * interface hands out malloc'd NUL-terminated buffers), list copies the
 * names. Symlinks are resolved by the view, inside the image.
 */
#include "layer/rootfs_files.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static int files_read(char **out, size_t *len, const char *path, void *payload)
{
    const copa__rootfs *fs = payload;
    const void *data;
    size_t length;
    int error = copa__rootfs_read(&data, &length, fs, path);

    *out = NULL;
    *len = 0;
    if (error != 0)
        return error;
    if ((*out = malloc(length + 1)) == NULL)
        return copa__error_oom();
    if (length > 0)
        memcpy(*out, data, length);
    (*out)[length] = '\0';
    *len = length;
    return 0;
}

static int files_list(char ***names, size_t *count, const char *path, void *payload)
{
    const copa__rootfs *fs = payload;
    const char **borrowed = NULL;
    size_t n = 0, i;
    int error = copa__rootfs_list(&borrowed, &n, fs, path);

    *names = NULL;
    *count = 0;
    if (error != 0)
        return error;
    if ((*names = calloc(n + 1, sizeof(**names))) == NULL) {
        free(borrowed);
        return copa__error_oom();
    }
    for (i = 0; i < n; i++) {
        if (((*names)[i] = strdup(borrowed[i])) == NULL) {
            free(borrowed);
            copa__image_files_free_names(*names, i);
            *names = NULL;
            return copa__error_oom();
        }
    }
    free(borrowed);
    *count = n;
    copa__image_files_sort_names(*names, n);
    return 0;
}

void copa__rootfs_files(copa__image_files *out, const copa__rootfs *fs)
{
    out->read = files_read;
    out->list = files_list;
    out->payload = (void *)fs;
}
