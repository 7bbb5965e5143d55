/*
 * Layer media types, compression magic bytes and tar path normalisation.
 */
#include "layer/layer.h"
#include "util/error.h"

#include <string.h>

static int ends_with(const char *text, const char *suffix)
{
    size_t a = strlen(text), b = strlen(suffix);

    return a >= b && strcmp(text + a - b, suffix) == 0;
}

int copa__media_type_compression(copa__compression *out, const char *media_type)
{
    /* OCI (incl. the non-distributable variants) and Docker schema 2. */
    static const char oci[] = "application/vnd.oci.image.layer.";

    if (media_type == NULL)
        return copa__error_set(COPA_EINVALID, "layer has no media type");
    if (strncmp(media_type, oci, sizeof(oci) - 1) == 0) {
        if (ends_with(media_type, ".tar")) {
            *out = COPA__COMPRESSION_NONE;
            return 0;
        }
        if (ends_with(media_type, ".tar+gzip")) {
            *out = COPA__COMPRESSION_GZIP;
            return 0;
        }
        if (ends_with(media_type, ".tar+zstd")) {
            *out = COPA__COMPRESSION_ZSTD;
            return 0;
        }
    }
    if (strcmp(media_type, "application/vnd.docker.image.rootfs.diff.tar.gzip") == 0 ||
        strcmp(media_type, "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip") == 0) {
        *out = COPA__COMPRESSION_GZIP;
        return 0;
    }
    if (strcmp(media_type, "application/vnd.docker.image.rootfs.diff.tar") == 0) {
        *out = COPA__COMPRESSION_NONE;
        return 0;
    }
    return copa__error_set(COPA_EUNSUPPORTED, "unsupported layer media type '%s'", media_type);
}

const char *copa__compression_media_type(copa__compression compression)
{
    switch (compression) {
    case COPA__COMPRESSION_GZIP:
        return "application/vnd.oci.image.layer.v1.tar+gzip";
    case COPA__COMPRESSION_ZSTD:
        return "application/vnd.oci.image.layer.v1.tar+zstd";
    default:
        return "application/vnd.oci.image.layer.v1.tar";
    }
}

const char *copa__compression_name(copa__compression compression)
{
    switch (compression) {
    case COPA__COMPRESSION_GZIP:
        return "gzip";
    case COPA__COMPRESSION_ZSTD:
        return "zstd";
    default:
        return "uncompressed tar";
    }
}

static copa__compression detect(const unsigned char *head, size_t length)
{
    static const unsigned char gzip[] = {0x1f, 0x8b};
    static const unsigned char zstd[] = {0x28, 0xb5, 0x2f, 0xfd};

    if (length >= sizeof(gzip) && memcmp(head, gzip, sizeof(gzip)) == 0)
        return COPA__COMPRESSION_GZIP;
    if (length >= sizeof(zstd) && memcmp(head, zstd, sizeof(zstd)) == 0)
        return COPA__COMPRESSION_ZSTD;
    return COPA__COMPRESSION_NONE;
}

int copa__compression_check_magic(copa__compression expected, const unsigned char *head,
                                  size_t length, const char *what)
{
    copa__compression found = detect(head, length);

    /* An empty stream has no magic; the tar reader reports that itself. */
    if (length == 0 || found == expected)
        return 0;
    if (found == COPA__COMPRESSION_NONE)
        return copa__error_set(COPA_EINVALID, "layer %s: media type says %s but the data is not %s",
                               what, copa__compression_name(expected),
                               copa__compression_name(expected));
    return copa__error_set(COPA_EINVALID, "layer %s: media type says %s but the data is %s", what,
                           copa__compression_name(expected), copa__compression_name(found));
}

int copa__layer_path_normalize(char *path)
{
    char *in = path, *out = path;

    while (*in != '\0') {
        char *start;
        size_t length;

        while (*in == '/')
            in++;
        start = in;
        while (*in != '\0' && *in != '/')
            in++;
        length = (size_t)(in - start);
        if (length == 0 || (length == 1 && start[0] == '.'))
            continue;
        if (length == 2 && start[0] == '.' && start[1] == '.')
            return COPA_EINVALID;
        if (out != path)
            *out++ = '/';
        memmove(out, start, length);
        out += length;
    }
    *out = '\0';
    return 0;
}
