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

int copa__file_read_all(char **out, size_t *length, const char *path, size_t max_size)
{
    copa__buf buf = COPA__BUF_INIT;
    char chunk[65536];
    ssize_t got;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int error = 0;

    if (fd < 0)
        return read_error(path);
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
