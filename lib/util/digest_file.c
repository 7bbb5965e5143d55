/*
 * copa__sha256_file_verify: a cached index or package is checked against
 * the size and SHA-256 its signed index promised before it is used. The
 * file is read in chunks, not mapped, so checking a 50 MB index costs no
 * resident memory.
 */
#include "util/digest.h"
#include "util/error.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Hash up to size + 1 bytes of `fp` into `hex`; *total is what was read. */
static int hash_stream(char hex[COPA_SHA256_HEX_LEN + 1], uint64_t *total, FILE *fp, uint64_t size)
{
    unsigned char d[COPA_SHA256_LEN], buf[65536];
    copa__sha256 *ctx = NULL;
    size_t got;
    int rc = copa__sha256_new(&ctx);

    *total = 0;
    while (rc == 0 && *total <= size && (got = fread(buf, 1, sizeof(buf), fp)) > 0) {
        *total += got;
        rc = copa__sha256_update(ctx, buf, got);
    }
    if (rc == 0 && ferror(fp))
        rc = copa__error_set(COPA_ERROR, "read failed: %s", strerror(errno));
    if (rc == 0)
        rc = copa__sha256_final(ctx, d);
    if (rc == 0)
        copa__hex_encode(hex, d, sizeof(d));
    copa__sha256_free(ctx);
    return rc;
}

int copa__sha256_file_verify(const char *path, uint64_t size, const char *hex)
{
    char got[COPA_SHA256_HEX_LEN + 1];
    uint64_t total = 0;
    FILE *fp = fopen(path, "rb");
    int rc;

    if (fp == NULL)
        return copa__error_set(errno == ENOENT ? COPA_ENOTFOUND : COPA_ERROR, "%s: %s", path,
                               strerror(errno));
    rc = hash_stream(got, &total, fp, size);
    fclose(fp);
    if (rc != 0)
        return copa__error_prefix("%s: ", path);
    if (size != UINT64_MAX && total != size)
        return copa__error_set(COPA_EVERIFY, "%s: size %s%llu does not match the expected %llu",
                               path, total > size ? "over " : "", (unsigned long long)total,
                               (unsigned long long)size);
    if (hex != NULL && strcmp(got, hex) != 0)
        return copa__error_set(COPA_EVERIFY, "%s: SHA-256 %s does not match the expected %s", path,
                               got, hex);
    return 0;
}
