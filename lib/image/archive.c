/*
 * Writing tar archives on libarchive: a reproducible writer that replaces
 * its output atomically (reading is archive_read.c).
 */
#include "image/archive.h"
#include "image/store.h"
#include "util/buffer.h"
#include "util/error.h"
#include "util/file.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy_file(struct archive *out, const char *path)
{
    char chunk[65536];
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC), error = 0;

    if (fd < 0)
        return copa__error_set(COPA_ERROR, "%s: %s", path, strerror(errno));
    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        if (archive_write_data(out, chunk, (size_t)n) != n) {
            error = copa__error_set(COPA_ERROR, "writing %s: %s", path, archive_error_string(out));
            break;
        }
    if (n < 0)
        error = copa__error_set(COPA_ERROR, "%s: %s", path, strerror(errno));
    close(fd);
    return error;
}

/* Add dir/rel (and below) to the archive, in sorted order. */
static int add_tree(struct archive *out, const char *dir, const char *rel)
{
    struct dirent **names = NULL;
    copa__buf full = COPA__BUF_INIT, name = COPA__BUF_INIT;
    int count, i, error = 0;

    copa__buf_appendf(&full, "%s%s%s", dir, *rel ? "/" : "", rel);
    if ((count = scandir(full.data, &names, NULL, alphasort)) < 0) {
        error = copa__error_set(COPA_ERROR, "%s: %s", full.data, strerror(errno));
        copa__buf_free(&full);
        return error;
    }
    for (i = 0; i < count; i++) {
        struct archive_entry *entry;
        struct stat st;
        const char *base = names[i]->d_name;

        if (error != 0 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
            continue;
        copa__buf_clear(&name);
        copa__buf_appendf(&name, "%s%s%s", rel, *rel ? "/" : "", base);
        copa__buf_clear(&full);
        copa__buf_appendf(&full, "%s/%s", dir, name.data);
        if (lstat(full.data, &st) != 0 || !(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode))) {
            error = copa__error_set(COPA_ERROR, "%s: not a file or directory", full.data);
            continue;
        }
        if ((entry = archive_entry_new()) == NULL) {
            error = copa__error_oom();
            continue;
        }
        archive_entry_set_pathname(entry, name.data);
        archive_entry_set_filetype(entry, S_ISDIR(st.st_mode) ? AE_IFDIR : AE_IFREG);
        archive_entry_set_perm(entry, S_ISDIR(st.st_mode) ? 0755 : 0644);
        archive_entry_set_size(entry, S_ISDIR(st.st_mode) ? 0 : st.st_size);
        archive_entry_set_mtime(entry, 0, 0);
        if (archive_write_header(out, entry) != ARCHIVE_OK)
            error =
                copa__error_set(COPA_ERROR, "writing %s: %s", name.data, archive_error_string(out));
        else if (S_ISREG(st.st_mode))
            error = copy_file(out, full.data);
        else
            error = add_tree(out, dir, name.data);
        archive_entry_free(entry);
    }
    for (i = 0; i < count; i++)
        free(names[i]);
    free(names);
    copa__buf_free(&full);
    copa__buf_free(&name);
    return error;
}

int copa__archive_create(const char *archive, const char *dir)
{
    copa__buf temp = COPA__BUF_INIT;
    struct archive *out = NULL;
    int fd, error;

    if ((error = copa__buf_appendf(&temp, "%s.tmp-XXXXXX", archive)) != 0)
        return error;
    if ((fd = mkstemp(temp.data)) < 0) {
        error = copa__error_set(COPA_ERROR, "%s: cannot create a temporary file: %s", archive,
                                strerror(errno));
        copa__buf_free(&temp);
        return error;
    }
    if ((out = archive_write_new()) == NULL) {
        error = copa__error_oom();
        goto done;
    }
    archive_write_set_format_pax_restricted(out);
    archive_write_add_filter_none(out);
    if (archive_write_open_fd(out, fd) != ARCHIVE_OK) {
        error = copa__error_set(COPA_ERROR, "%s: %s", archive, archive_error_string(out));
        goto done;
    }
    error = add_tree(out, dir, "");
    if (archive_write_close(out) != ARCHIVE_OK && error == 0)
        error = copa__error_set(COPA_ERROR, "%s: %s", archive, archive_error_string(out));
    if (error == 0 && (fchmod(fd, 0644) != 0 || fsync(fd) != 0))
        error = copa__error_set(COPA_ERROR, "%s: %s", temp.data, strerror(errno));
done:
    archive_write_free(out);
    close(fd);
    if (error == 0 && rename(temp.data, archive) != 0)
        error = copa__error_set(COPA_ERROR, "%s: %s", archive, strerror(errno));
    if (error != 0)
        unlink(temp.data);
    copa__buf_free(&temp);
    return error;
}
