/*
 * Tar archives on libarchive: a safe extractor (no escaping paths) and a
 * reproducible writer that replaces its output atomically.
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

/* A relative path with no "..", or NULL-safe rejection. */
int copa__archive_path_is_safe(const char *path)
{
    const char *p = path;

    if (*path == '/' || *path == '\0')
        return 0;
    while (*p != '\0') {
        const char *end = strchr(p, '/');
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return 0;
        if (end == NULL)
            break;
        p = end + 1;
    }
    return 1;
}

/* A symlink target must resolve inside the tree: count the depth. */
static int link_is_safe(const char *entry, const char *target)
{
    int depth = 0;
    const char *p;

    if (*target == '/' || *target == '\0')
        return 0;
    for (p = entry; *p != '\0'; p++)
        if (*p == '/' && p[1] != '\0' && p[1] != '/')
            depth++;
    for (p = target; *p != '\0';) {
        const char *end = strchr(p, '/');
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (--depth < 0)
                return 0;
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            depth++;
        }
        if (end == NULL)
            break;
        p = end + 1;
    }
    return 1;
}

/* Tars need not list a file's directories before the file. */
static int make_parent(char *path)
{
    char *slash = strrchr(path, '/');
    int error;

    *slash = '\0';
    error = copa__file_mkdirs(path);
    *slash = '/';
    return error;
}

static int extract_entry(struct archive *in, struct archive_entry *entry, const char *archive,
                         const char *dir)
{
    const char *name = archive_entry_pathname(entry);
    mode_t type = archive_entry_filetype(entry);
    copa__buf path = COPA__BUF_INIT;
    int error = 0;

    if (name == NULL || !copa__archive_path_is_safe(name))
        return copa__error_set(COPA_EINVALID, "%s: unsafe path '%s' in archive", archive,
                               name != NULL ? name : "");
    if ((error = copa__buf_appendf(&path, "%s/%s", dir, name)) != 0)
        return error;
    while (path.length > 0 && path.data[path.length - 1] == '/')
        path.data[--path.length] = '\0';
    if (type == AE_IFDIR) {
        error = copa__file_mkdirs(path.data);
    } else if ((type == AE_IFLNK || type == AE_IFREG) && (error = make_parent(path.data)) != 0) {
        /* error set */
    } else if (type == AE_IFLNK) {
        const char *target = archive_entry_symlink(entry);
        if (target == NULL || !link_is_safe(name, target))
            error = copa__error_set(COPA_EINVALID, "%s: symlink '%s' points outside the archive",
                                    archive, name);
        else if (symlink(target, path.data) != 0)
            error = copa__error_set(COPA_ERROR, "%s: %s", path.data, strerror(errno));
    } else if (type == AE_IFREG) {
        int fd = open(path.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
            error = copa__error_set(COPA_ERROR, "%s: %s (duplicate entry '%s'?)", path.data,
                                    strerror(errno), name);
        } else {
            if (archive_read_data_into_fd(in, fd) != ARCHIVE_OK)
                error = copa__error_set(COPA_EINVALID, "%s: %s: %s", archive, name,
                                        archive_error_string(in));
            close(fd);
        }
    }
    /* Other types (devices, fifos, hard links) have no place in an image
     * archive and are skipped. */
    copa__buf_free(&path);
    return error;
}

int copa__archive_extract(const char *archive, const char *dir)
{
    struct archive *in = archive_read_new();
    struct archive_entry *entry;
    int r, error = 0;

    if (in == NULL)
        return copa__error_oom();
    archive_read_support_filter_all(in);
    archive_read_support_format_tar(in);
    if (archive_read_open_filename(in, archive, 65536) != ARCHIVE_OK) {
        int err = archive_errno(in);
        error = copa__error_set(err == ENOENT ? COPA_ENOTFOUND : COPA_EINVALID, "%s: %s", archive,
                                err > 0 ? strerror(err) : archive_error_string(in));
        archive_read_free(in);
        return error;
    }
    while ((r = archive_read_next_header(in, &entry)) == ARCHIVE_OK) {
        if ((error = extract_entry(in, entry, archive, dir)) != 0)
            break;
    }
    if (error == 0 && r != ARCHIVE_EOF)
        error = copa__error_set(COPA_EINVALID, "%s: not a readable tar archive: %s", archive,
                                archive_error_string(in));
    archive_read_free(in);
    return error;
}

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
