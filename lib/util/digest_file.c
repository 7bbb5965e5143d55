/*
 * Digests of files: a cached blob, index or package is checked against the
 * size and SHA-256 it was promised before it is used. Files are read in
 * chunks, not mapped, so checking a 50 MB index costs no resident memory.
 */
#include "util/digest.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int copa__fd_digest(char *digest, double *size, int fd, const char *name)
{
    unsigned char raw[COPA_SHA256_LEN];
    copa__sha256 *hash;
    char chunk[65536];
    ssize_t n;
    int error = copa__sha256_new(&hash);

    if (error != 0)
        return error;
    *size = 0;
    while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error = copa__error_set(COPA_ERROR, "%s: %s", name, strerror(errno));
            break;
        }
        *size += (double)n;
        if ((error = copa__sha256_update(hash, chunk, (size_t)n)) != 0)
            break;
    }
    if (error == 0 && (error = copa__sha256_final(hash, raw)) == 0)
        copa__digest_format(digest, raw);
    copa__sha256_free(hash);
    return error;
}

int copa__file_digest(char *digest, double *size, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC), error;

    if (fd < 0)
        return copa__error_set(errno == ENOENT ? COPA_ENOTFOUND : COPA_ERROR, "%s: %s", path,
                               strerror(errno));
    error = copa__fd_digest(digest, size, fd, path);
    close(fd);
    return error;
}

int copa__sha256_fd_verify(int fd, const char *name, uint64_t size, const char *hex)
{
    char got[COPA_DIGEST_STRING_MAX];
    double total = 0;
    struct stat st;
    int rc = 0;

    /* The size first: a wrong one needs no hashing. */
    if (fstat(fd, &st) != 0)
        return copa__error_set(COPA_ERROR, "%s: %s", name, strerror(errno));
    if (size != UINT64_MAX && (uint64_t)st.st_size != size)
        return copa__error_set(COPA_EVERIFY, "%s: size %lld does not match the expected %llu", name,
                               (long long)st.st_size, (unsigned long long)size);
    if (hex == NULL)
        return 0;
    if (lseek(fd, 0, SEEK_SET) != 0 || (rc = copa__fd_digest(got, &total, fd, name)) != 0 ||
        lseek(fd, 0, SEEK_SET) != 0)
        return rc != 0 ? rc : copa__error_set(COPA_ERROR, "%s: %s", name, strerror(errno));
    if (strcmp(got + 7, hex) != 0)
        return copa__error_set(COPA_EVERIFY, "%s: SHA-256 %s does not match the expected %s", name,
                               got + 7, hex);
    return 0;
}

int copa__sha256_file_verify(const char *path, uint64_t size, const char *hex)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

    if (fd < 0)
        return copa__error_set(errno == ENOENT ? COPA_ENOTFOUND : COPA_ERROR, "%s: %s", path,
                               strerror(errno));
    rc = copa__sha256_fd_verify(fd, path, size, hex);
    close(fd);
    return rc;
}
