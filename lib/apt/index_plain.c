/*
 * The uncompressed copy of a Packages index in the cache. Debian publishes
 * its indexes xz-compressed; undoing that (50 MB for bookworm main) costs
 * more than everything else the sources stage does, so like apt's own
 * lists/ directory the cache keeps the index uncompressed, named by the
 * SHA-256 the signed Release gives for the uncompressed file and checked
 * against it whenever it is used.
 */
#include "apt/apt.h"
#include "util/cache_prune.h"
#include "util/digest.h"
#include "util/error.h"
#include "util/file.h"

#include <archive.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Strip a compressor suffix; 0 when `path` has none (it is the plain file). */
static int plain_path(char *out, size_t cap, const char *path)
{
    static const char *const suffixes[] = {".xz", ".gz", ".bz2", ".lzma", ".zst", ".lz4"};
    size_t n = strlen(path), i;

    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        size_t k = strlen(suffixes[i]);
        if (n > k && n - k < cap && strcmp(path + n - k, suffixes[i]) == 0) {
            memcpy(out, path, n - k);
            out[n - k] = '\0';
            return 1;
        }
    }
    return 0;
}

int copa__apt_index_plan_plain(copa__apt_index *it, const char *cache_dir)
{
    char path[512];

    it->plain = NULL;
    if (!plain_path(path, sizeof(path), it->file->path))
        return 0;
    it->plain = copa__apt_release_find(&it->repo->release, path);
    /* Without the Release's word on the plain file, or past the index size
     * limit (a decompression bomb), the index stays compressed. */
    if (it->plain != NULL && it->plain->size > it->repo->packages.max_uncompressed)
        it->plain = NULL;
    if (it->plain == NULL)
        return 0;
    return copa__apt_cache_index_path(&it->plain_cache, cache_dir, it->plain->sha256);
}

int copa__apt_index_plain_ok(const copa__apt_index *it)
{
    return it->plain != NULL &&
           copa__cache_entry_ok(it->plain_cache, it->plain->size, it->plain->sha256);
}

/* Decompress the open reader into `fp`, hashing; at most `limit` bytes. */
static int copy_out(struct archive *a, FILE *fp, copa__sha256 *sha, uint64_t limit,
                    const char *name)
{
    char buf[256 * 1024];
    uint64_t total = 0;
    la_ssize_t got;

    while ((got = archive_read_data(a, buf, sizeof(buf))) > 0) {
        if ((total += (uint64_t)got) > limit)
            return copa__error_set(COPA_EVERIFY,
                                   "%s: decompresses to more than the %llu bytes "
                                   "the Release says",
                                   name, (unsigned long long)limit);
        if (fwrite(buf, 1, (size_t)got, fp) != (size_t)got)
            return copa__error_set(COPA_ERROR, "%s: write failed: %s", name, strerror(errno));
        if (copa__sha256_update(sha, buf, (size_t)got) != 0)
            return COPA_ERROR;
    }
    if (got < 0)
        return copa__error_set(COPA_EINVALID, "%s: cannot decompress: %s", name,
                               archive_error_string(a));
    if (total != limit)
        return copa__error_set(COPA_EVERIFY,
                               "%s: decompresses to %llu bytes, the Release says %llu", name,
                               (unsigned long long)total, (unsigned long long)limit);
    return 0;
}

static int decompress_into(FILE *fp, copa__sha256 *sha, const copa__apt_index *it)
{
    struct archive *a = archive_read_new();
    struct archive_entry *entry;
    int rc;

    if (a == NULL)
        return copa__error_oom();
    archive_read_support_filter_all(a);
    archive_read_support_format_raw(a);
    archive_read_support_format_empty(a); /* a compressed empty index: no entry */
    if (archive_read_open_filename(a, it->cache, 256 * 1024) != ARCHIVE_OK ||
        (rc = archive_read_next_header(a, &entry)) < ARCHIVE_OK)
        rc = copa__error_set(COPA_EINVALID, "%s: cannot decompress: %s", it->cache,
                             archive_error_string(a));
    else if (rc == ARCHIVE_EOF)
        rc = it->plain->size == 0 ? 0
                                  : copa__error_set(COPA_EVERIFY,
                                                    "%s: decompresses to 0 bytes, the Release "
                                                    "says %llu",
                                                    it->cache, (unsigned long long)it->plain->size);
    else
        rc = copy_out(a, fp, sha, it->plain->size, it->cache);
    archive_read_free(a);
    return rc;
}

static int check_hash(copa__sha256 *sha, const copa__apt_index *it)
{
    unsigned char d[COPA_SHA256_LEN];
    char hex[COPA_SHA256_HEX_LEN + 1];

    if (copa__sha256_final(sha, d) != 0)
        return COPA_ERROR;
    copa__hex_encode(hex, d, sizeof(d));
    if (strcmp(hex, it->plain->sha256) != 0)
        return copa__error_set(COPA_EVERIFY, "%s: decompressed SHA-256 %s is not the Release's %s",
                               it->plain->path, hex, it->plain->sha256);
    return 0;
}

int copa__apt_index_store_plain(const copa__apt_index *it)
{
    copa__sha256 *sha = NULL;
    char *temp = NULL;
    FILE *fp = NULL;
    int rc = copa__sha256_new(&sha);

    if (rc == 0)
        rc = copa__file_temp_beside(&temp, &fp, it->plain_cache);
    if (rc == 0)
        rc = decompress_into(fp, sha, it);
    if (fp != NULL && fclose(fp) != 0 && rc == 0)
        rc = copa__error_set(COPA_ERROR, "%s: write failed", temp);
    if (rc == 0)
        rc = check_hash(sha, it);
    if (rc == 0 && rename(temp, it->plain_cache) != 0)
        rc = copa__error_set(COPA_ERROR, "%s: cannot store: %s", it->plain_cache, strerror(errno));
    /* The compressed copy stays: another source's Release may name the same
     * file without a plain entry. Unused, it ages out (cache_prune.c). */
    if (rc != 0 && temp != NULL)
        unlink(temp);
    free(temp);
    copa__sha256_free(sha);
    return rc;
}
