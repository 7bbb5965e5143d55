/*
 * Decompression through libarchive's raw format, which undoes any filter
 * libarchive knows without a container around the data.
 */
#include "rpmrepo/decompress.h"
#include "util/error.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

enum { CHUNK = 256 * 1024 };

static int is_compressed(const unsigned char *d, size_t len)
{
    return (len >= 2 && d[0] == 0x1f && d[1] == 0x8b) || /* gzip */
           (len >= 6 && memcmp(d,
                               "\xfd"
                               "7zXZ\0",
                               6) == 0) ||                        /* xz */
           (len >= 4 && memcmp(d, "\x28\xb5\x2f\xfd", 4) == 0) || /* zstd */
           (len >= 3 && memcmp(d, "BZh", 3) == 0);                /* bzip2 */
}

static int plain(const char *name, const void *data, size_t len, uint64_t max_out,
                 copa__rpm_sink sink, void *payload)
{
    int rc;

    if (len > max_out)
        return copa__error_set(COPA_EINVALID, "%s: larger than %llu bytes", name,
                               (unsigned long long)max_out);
    if ((rc = sink(data, len, payload)) != 0)
        return rc;
    return sink(data, 0, payload);
}

int copa__rpm_decompress(const char *name, const void *data, size_t len, uint64_t max_out,
                         copa__rpm_sink sink, void *payload)
{
    struct archive *a;
    struct archive_entry *entry;
    unsigned char *buf;
    uint64_t total = 0;
    int rc = 0;

    if (!is_compressed(data, len))
        return plain(name, data, len, max_out, sink, payload);
    a = archive_read_new();
    buf = malloc(CHUNK);
    if (a == NULL || buf == NULL) {
        archive_read_free(a);
        free(buf);
        return copa__error_oom();
    }
    archive_read_support_filter_all(a);
    archive_read_support_format_raw(a);
    if (archive_read_open_memory(a, data, len) != ARCHIVE_OK ||
        archive_read_next_header(a, &entry) != ARCHIVE_OK)
        rc = copa__error_set(COPA_EINVALID, "%s: cannot decompress: %s", name,
                             archive_error_string(a) ? archive_error_string(a) : "unknown format");
    while (rc == 0) {
        la_ssize_t n = archive_read_data(a, buf, CHUNK);

        if (n < 0) {
            rc = copa__error_set(COPA_EINVALID, "%s: corrupt compressed data: %s", name,
                                 archive_error_string(a) ? archive_error_string(a) : "error");
            break;
        }
        if ((total += (uint64_t)n) > max_out) {
            rc = copa__error_set(COPA_EINVALID, "%s: decompresses to more than %llu bytes", name,
                                 (unsigned long long)max_out);
            break;
        }
        rc = sink(buf, (size_t)n, payload);
        if (n == 0)
            break;
    }
    archive_read_free(a);
    free(buf);
    return rc;
}
