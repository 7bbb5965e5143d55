/*
 * Fuzz the image-archive reader (docker-archive:, oci-archive:): the tar is
 * read into a private directory and indexed, names are resolved through the
 * archive's own links, and an OCI layout is assembled from the copies. Each
 * input is written to a scratch file; afterwards the scratch directory must
 * hold only what copa names itself (numbered copies, the layout's fixed
 * names) and no symlink at all, whatever the archive said: an escape shows
 * up as an abort.
 */
#include <copa.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/archive.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char scratch[64];

static void remove_tree(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;

    if (lstat(path, &st) != 0)
        return;
    if (S_ISLNK(st.st_mode))
        abort(); /* copa never creates a symlink from an archive */
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    if ((d = opendir(path)) == NULL)
        abort();
    while ((e = readdir(d)) != NULL) {
        char child[4096];
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
        remove_tree(child);
    }
    closedir(d);
    rmdir(path);
}

/* Only numbered copies may appear in the files directory. */
static void check_files_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        const char *p = e->d_name;
        if (strcmp(p, ".") == 0 || strcmp(p, "..") == 0)
            continue;
        for (; *p != '\0'; p++)
            if (*p < '0' || *p > '9')
                abort();
    }
    closedir(d);
}

static void resolve_some(const copa__archive_tree *tree)
{
    static const char *const names[] = {"manifest.json", "index.json", "oci-layout",
                                        "repositories",  "a/b/c",      "blobs/sha256/x"};
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char *path = NULL;
        if (copa__archive_tree_file(tree, names[i], &path) == 0) {
            FILE *f = fopen(path, "rb");
            if (f != NULL)
                fclose(f);
        }
        free(path);
        copa_error_clear();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char archive[96], files[96], layout[96];
    copa__archive_tree *tree = NULL;
    FILE *f;

    if (scratch[0] == '\0') {
        snprintf(scratch, sizeof(scratch), "/tmp/copa-fuzz-archive-%ld", (long)getpid());
        mkdir(scratch, 0700);
    }
    snprintf(archive, sizeof(archive), "%s/in.tar", scratch);
    snprintf(files, sizeof(files), "%s/files", scratch);
    snprintf(layout, sizeof(layout), "%s/layout", scratch);
    if ((f = fopen(archive, "wb")) == NULL)
        abort();
    if (size > 0 && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    mkdir(files, 0700);
    if (copa__archive_tree_read(&tree, archive, files) == 0) {
        resolve_some(tree);
        copa__archive_tree_layout(tree, layout);
        copa__archive_tree_free(tree);
    }
    copa_error_clear();
    check_files_dir(files);
    remove_tree(files);
    remove_tree(layout);
    unlink(archive);
    return 0;
}
