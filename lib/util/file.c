#include "util/file.h"
#include "util/buffer.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int read_error(const char *path)
{
    int code = errno == ENOENT ? COPA_ENOTFOUND : COPA_ERROR;
    return copa__error_set(code, "%s: %s", path, strerror(errno));
}

/* Read `fd` to its end (at most `max_size` bytes) into *out; closes `fd`. */
static int read_fd_all(char **out, size_t *length, int fd, const char *path, size_t max_size)
{
    copa__buf buf = COPA__BUF_INIT;
    char chunk[65536];
    ssize_t got;
    int error = 0;

    while ((got = read(fd, chunk, sizeof(chunk))) != 0) {
        if (got < 0) {
            if (errno == EINTR)
                continue;
            error = read_error(path);
            break;
        }
        if (buf.length + (size_t)got > max_size) {
            error = copa__error_set(COPA_EINVALID, "%s: larger than the limit of %zu bytes", path,
                                    max_size);
            break;
        }
        if ((error = copa__buf_append(&buf, chunk, (size_t)got)) != 0)
            break;
    }
    close(fd);
    if (error != 0) {
        copa__buf_free(&buf);
        return error;
    }
    if (length != NULL)
        *length = buf.length;
    *out = copa__buf_detach(&buf);
    return *out != NULL ? 0 : copa__error_oom();
}

int copa__file_read_all(char **out, size_t *length, const char *path, size_t max_size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return read_error(path);
    return read_fd_all(out, length, fd, path, max_size);
}

int copa__file_read_regular(char **out, size_t *length, const char *path, size_t max_size)
{
    /* Non-blocking: opening a fifo must not wait for a writer. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;

    if (fd < 0)
        return read_error(path);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return copa__error_set(COPA_EINVALID, "%s: not a regular file", path);
    }
    return read_fd_all(out, length, fd, path, max_size);
}

static int write_all(int fd, const char *data, size_t length)
{
    while (length > 0) {
        ssize_t written = write(fd, data, length);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += written;
        length -= (size_t)written;
    }
    return 0;
}

int copa__file_write_atomic(const char *path, const void *data, size_t length)
{
    copa__buf temp = COPA__BUF_INIT;
    int fd, error;

    if ((error = copa__buf_appendf(&temp, "%s.tmp-XXXXXX", path)) != 0)
        return error;
    fd = mkstemp(temp.data);
    if (fd < 0) {
        error = copa__error_set(COPA_ERROR, "%s: cannot create a temporary file: %s", path,
                                strerror(errno));
        copa__buf_free(&temp);
        return error;
    }
    if (write_all(fd, data, length) != 0 || fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
        error = copa__error_set(COPA_ERROR, "%s: %s", path, strerror(errno));
        close(fd);
        unlink(temp.data);
        copa__buf_free(&temp);
        return error;
    }
    close(fd);
    if (rename(temp.data, path) != 0) {
        error = copa__error_set(COPA_ERROR, "%s: %s", path, strerror(errno));
        unlink(temp.data);
    }
    copa__buf_free(&temp);
    return error;
}

int copa__file_mkdirs(const char *dir)
{
    char *copy = strdup(dir), *p;
    int error = 0;

    if (copy == NULL)
        return copa__error_oom();
    for (p = copy + 1;; p++) {
        char saved;
        if (*p != '/' && *p != '\0')
            continue;
        saved = *p;
        *p = '\0';
        if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
            error = copa__error_set(COPA_ERROR, "%s: cannot create directory: %s", copy,
                                    strerror(errno));
            break;
        }
        *p = saved;
        if (saved == '\0')
            break;
    }
    free(copy);
    return error;
}

int copa__file_mkdirs_parent(const char *path)
{
    char *dir = strdup(path), *slash;
    int error;

    if (dir == NULL)
        return copa__error_oom();
    slash = strrchr(dir, '/');
    if (slash != NULL && slash != dir)
        *slash = '\0';
    error = copa__file_mkdirs(dir);
    free(dir);
    return error;
}

int copa__file_temp_beside(char **temp, FILE **fp, const char *final_path)
{
    char *name, *slash;
    int fd, error;

    *temp = NULL;
    *fp = NULL;
    if ((name = malloc(strlen(final_path) + 16)) == NULL)
        return copa__error_oom();
    strcpy(name, final_path);
    slash = strrchr(name, '/');
    if (slash == NULL) {
        strcpy(name, ".tmp-XXXXXX");
    } else {
        *slash = '\0';
        if (slash != name && (error = copa__file_mkdirs(name)) != 0) {
            free(name);
            return error;
        }
        strcpy(slash, "/.tmp-XXXXXX");
    }
    fd = mkstemp(name);
    if (fd < 0 || (*fp = fdopen(fd, "w+")) == NULL) {
        error = copa__error_set(COPA_ERROR, "%s: cannot create: %s", name, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(name);
        }
        free(name);
        return error;
    }
    *temp = name;
    return 0;
}
