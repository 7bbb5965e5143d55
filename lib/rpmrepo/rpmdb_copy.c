/*
 * The private copy of an image's rpmdb.sqlite: the database file and its
 * -wal, written into a fresh temporary directory (mode 0700) as
 * "rpmdb.sqlite" and "rpmdb.sqlite-wal". The -shm file is not copied: it
 * is only an index of the -wal that SQLite rebuilds from the -wal itself
 * when it is missing, so a hostile -shm cannot make SQLite read frames
 * the -wal does not commit. Nothing is opened in the image's place.
 */
#include "rpmrepo/rpmdb_internal.h"
#include "util/error.h"
#include "util/file.h"
#include "util/temp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* rpm databases of large images are tens of MiB; the image provider caps reads too. */
#define MAX_DB_FILE ((size_t)1024 * 1024 * 1024)

static int write_file(const char *dir, const char *name, const void *data, size_t len)
{
    char path[4096];
    FILE *f;
    int ok;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wbx");
    if (f == NULL)
        return copa__error_set(COPA_ERROR, "%s: cannot create: %m", path);
    ok = fwrite(data, 1, len, f) == len;
    if (fclose(f) != 0 || !ok)
        return copa__error_set(COPA_ERROR, "%s: cannot write: %m", path);
    return 0;
}

void copa__rpmdb_copy_remove(char *dir)
{
    static const char *const names[] = {"rpmdb.sqlite", "rpmdb.sqlite-wal", "rpmdb.sqlite-shm",
                                        "rpmdb.sqlite-journal"};
    char path[4096];
    size_t i;

    if (dir == NULL)
        return;
    for (i = 0; i < sizeof(names) / sizeof(*names); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
    free(dir);
}

int copa__rpmdb_copy(char **dir_out, int *had_wal, const copa__rpmdb_source *src)
{
    char *dir = NULL, *data = NULL, wal_path[4200];
    size_t len = 0;
    int rc;

    *dir_out = NULL;
    *had_wal = 0;
    rc = src->read(&data, &len, src->path, src->payload);
    if (rc != 0)
        return rc;
    if ((rc = copa__temp_dir(&dir, "rpmdb")) != 0) {
        free(data);
        return rc;
    }
    rc = write_file(dir, "rpmdb.sqlite", data, len);
    free(data);
    data = NULL;
    snprintf(wal_path, sizeof(wal_path), "%s-wal", src->path);
    if (rc == 0) {
        rc = src->read(&data, &len, wal_path, src->payload);
        if (rc == COPA_ENOTFOUND) {
            copa_error_clear();
            rc = 0;
        } else if (rc == 0) {
            *had_wal = len > 0;
            rc = write_file(dir, "rpmdb.sqlite-wal", data, len);
        }
        free(data);
    }
    if (rc != 0) {
        copa__rpmdb_copy_remove(dir);
        return rc;
    }
    *dir_out = dir;
    return 0;
}

/* The host-file reader of the tests' variant, with the image reader's rules. */
int copa__rpmdb_host_read(char **out, size_t *len, const char *path, void *payload)
{
    (void)payload;
    return copa__file_read_regular(out, len, path, MAX_DB_FILE);
}
