/*
 * Fuzz the .apk v2 reader. A random file almost never carries a matching
 * datahash, so an input whose first byte is 'B' is a recipe instead:
 * ".PKGINFO text \0 data tar (uncompressed)"; the harness packs it into a
 * real package (cut control tar, gzip members, the true datahash) so the
 * data walk (libarchive and the PAX header walk in step) is reached. Any
 * other input is read as a package file as it is. Every path handed out
 * must be normalized.
 */
#include "apk/apk_file.h"
#include "copa/errors.h"
#include "util/buffer.h"
#include "util/digest.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_path(const char *p)
{
    const char *c = p;
    if (p[0] == '/')
        abort();
    while ((c = strstr(c, "..")) != NULL) {
        if ((c == p || c[-1] == '/') && (c[2] == '\0' || c[2] == '/'))
            abort();
        c += 2;
    }
}

static int gzip_append(copa__buf *out, const void *data, size_t len)
{
    z_stream zs;
    unsigned char chunk[16384];
    int zrc;

    memset(&zs, 0, sizeof(zs));
    if (deflateInit2(&zs, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    zs.next_in = (unsigned char *)(uintptr_t)data;
    zs.avail_in = (unsigned int)len;
    do {
        zs.next_out = chunk;
        zs.avail_out = sizeof(chunk);
        zrc = deflate(&zs, Z_FINISH);
        copa__buf_append(out, chunk, sizeof(chunk) - zs.avail_out);
    } while (zrc == Z_OK);
    deflateEnd(&zs);
    return zrc == Z_STREAM_END ? 0 : -1;
}

/* One ustar member without end blocks: what abuild-tar --cut leaves. */
static void cut_tar_member(copa__buf *out, const char *name, const char *body, size_t len)
{
    unsigned char h[512];
    unsigned sum = 0;
    static const unsigned char pad[512];

    memset(h, 0, sizeof(h));
    snprintf((char *)h, 100, "%s", name);
    snprintf((char *)h + 100, 8, "%07o", 0644);
    snprintf((char *)h + 108, 8, "%07o", 0);
    snprintf((char *)h + 116, 8, "%07o", 0);
    snprintf((char *)h + 124, 12, "%011zo", len);
    snprintf((char *)h + 136, 12, "%011o", 0);
    h[156] = '0';
    memcpy(h + 257,
           "ustar\0"
           "00",
           8);
    memset(h + 148, ' ', 8);
    for (size_t i = 0; i < sizeof(h); i++)
        sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
    copa__buf_append(out, h, sizeof(h));
    copa__buf_append(out, body, len);
    copa__buf_append(out, pad, (512 - len % 512) % 512);
}

static int build(copa__buf *pkg, const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    copa__buf datagz = COPA__BUF_INIT, info = COPA__BUF_INIT, tar = COPA__BUF_INIT;
    unsigned char sha[COPA_SHA256_LEN];
    char hex[2 * COPA_SHA256_LEN + 1];
    int rc = -1;

    if (nul == NULL)
        return -1;
    if (gzip_append(&datagz, nul + 1, size - (size_t)(nul + 1 - data)) == 0 &&
        copa__sha256_buffer(sha, datagz.data, datagz.length) == 0) {
        copa__hex_encode(hex, sha, sizeof(sha));
        copa__buf_append(&info, data, (size_t)(nul - data));
        copa__buf_appendf(&info, "\ndatahash = %s\n", hex);
        cut_tar_member(&tar, ".PKGINFO", info.data, info.length);
        if (gzip_append(pkg, tar.data, tar.length) == 0)
            rc = copa__buf_append(pkg, datagz.data, datagz.length);
    }
    copa__buf_free(&datagz);
    copa__buf_free(&info);
    copa__buf_free(&tar);
    return rc;
}

static void walk(const void *data, size_t size)
{
    copa__apk_file_options opts = {NULL, 1};
    copa__apk_file *f;
    copa__apk_entry e;
    char buf[4096];
    size_t got, entries = 0;

    if (copa__apk_file_open_memory(&f, "fuzz.apk", data, size, &opts) != 0)
        return;
    while (entries++ < 10000 && copa__apk_file_data_next(f, &e) == 1) {
        check_path(e.path);
        if (e.type == COPA__APK_HARDLINK)
            check_path(e.link);
        while (copa__apk_file_data_read(f, buf, sizeof(buf), &got) == 0 && got > 0)
            ;
    }
    copa__apk_file_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    copa__buf pkg = COPA__BUF_INIT;

    if (size > 0 && data[0] == 'B') {
        if (build(&pkg, data + 1, size - 1) == 0)
            walk(pkg.data, pkg.length);
        copa__buf_free(&pkg);
    } else {
        walk(data, size);
    }
    copa_error_clear();
    return 0;
}
