/*
 * copa__image_files over a host directory (tests, unpacked trees).
 */
#include "pkg/image_files.h"
#include "util/buffer.h"
#include "util/error.h"
#include "util/file.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>

/* Package databases are large but bounded; refuse anything absurd. */
#define MAX_IMAGE_FILE ((size_t)512 * 1024 * 1024)

static int join(copa__buf *buf, const char *root, const char *path)
{
    if (copa__buf_append_str(buf, root) < 0)
        return COPA_ENOMEM;
    if (path[0] != '/' && copa__buf_append(buf, "/", 1) < 0)
        return COPA_ENOMEM;
    return copa__buf_append_str(buf, path);
}

static int dir_read(char **out, size_t *len, const char *path, void *payload)
{
    copa__buf full = COPA__BUF_INIT;
    int rc = join(&full, payload, path);
    if (rc == 0)
        rc = copa__file_read_all(out, len, full.data, MAX_IMAGE_FILE);
    copa__buf_free(&full);
    return rc;
}

static int dir_list(const char *path, int (*each)(const char *, void *), void *each_payload,
                    void *payload)
{
    copa__buf full = COPA__BUF_INIT;
    struct dirent *e;
    DIR *d;
    int rc = join(&full, payload, path);

    if (rc < 0)
        return rc;
    d = opendir(full.data);
    if (d == NULL) {
        rc = errno == ENOENT || errno == ENOTDIR
                 ? COPA_ENOTFOUND
                 : copa__error_set(COPA_ERROR, "%s: %s", full.data, strerror(errno));
        copa__buf_free(&full);
        return rc;
    }
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        rc = each(e->d_name, each_payload);
    }
    closedir(d);
    copa__buf_free(&full);
    return rc;
}

void copa__image_files_dir(copa__image_files *out, const char *root)
{
    out->read = dir_read;
    out->list = dir_list;
    out->payload = (void *)root;
}
