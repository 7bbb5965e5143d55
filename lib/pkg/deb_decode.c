/*
 * Decoding a package's data.tar ahead of time. Decompressing data.tar (xz
 * for nearly every Debian package) is most of the CPU time of unpacking,
 * and packages must be unpacked one after the other; decoding the next
 * packages into plain tar files on other threads lets that work overlap.
 */
#include "pkg/deb_decode.h"
#include "pkg/deb_file_impl.h"
#include "util/error.h"

#include <archive.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t len, const char *name)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return copa__error_set(COPA_ERROR, "%s: cannot write the decoded data.tar: %s", name,
                                   n < 0 ? strerror(errno) : "short write");
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int copy_data(copa__deb *deb, int fd)
{
    struct archive_entry *e;
    char buf[65536];
    la_ssize_t got;
    int rc = archive_read_next_header(deb->data, &e);

    if (rc == ARCHIVE_EOF)
        return 0; /* an empty data.tar member */
    if (rc != ARCHIVE_OK)
        return copa__deb_archive_error(deb, deb->data, "data.tar");
    while ((got = archive_read_data(deb->data, buf, sizeof(buf))) > 0)
        if ((rc = write_all(fd, buf, (size_t)got, deb->name)) < 0)
            return rc;
    return got < 0 ? copa__deb_archive_error(deb, deb->data, "data.tar") : 0;
}

int copa__deb_decode_data(const char *path, int fd)
{
    copa__deb *deb = NULL;
    int rc = copa__deb_open_mode(&deb, path, COPA__DEB_DATA_RAW, -1);

    if (rc == 0)
        rc = copy_data(deb, fd);
    if (rc == 0)
        rc = copa__deb_check_trailer(deb);
    copa__deb_free(deb);
    return rc;
}

int copa__deb_open_decoded(copa__deb **out, const char *path, int fd)
{
    return copa__deb_open_mode(out, path, COPA__DEB_DATA_FROM_FD, fd);
}
