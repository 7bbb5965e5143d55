/*
 * Reading /etc/apk/arch. apk-tools 2.14 takes the file's text with
 * surrounding blanks trimmed; the value ends up in URLs and paths
 * (REPO/ARCH/APKINDEX.tar.gz, /usr/share/apk/keys/ARCH), so we accept
 * only the characters architecture names use: a '/' or ".." must not
 * reach a path.
 */
#include "apk/apk_arch.h"

#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_arch_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

int copa__apk_arch_parse(char *out, size_t size, const char *path, const char *text, size_t len)
{
    size_t i;

    while (len > 0 && is_blank(*text))
        text++, len--;
    while (len > 0 && is_blank(text[len - 1]))
        len--;
    if (len == 0)
        return copa__error_set(COPA_EINVALID, "%s: no architecture in the file", path);
    for (i = 0; i < len; i++)
        if (!is_arch_char(text[i]))
            return copa__error_set(COPA_EINVALID,
                                   "%s: architecture holds '%c' (byte %zu): one word of "
                                   "letters, digits, '_' or '-' expected",
                                   path, is_blank(text[i]) || text[i] < 0x20 ? '?' : text[i], i);
    if (len >= size)
        return copa__error_set(COPA_EINVALID, "%s: architecture name too long", path);
    memcpy(out, text, len);
    out[len] = '\0';
    return 0;
}

int copa__apk_arch_load(char *out, size_t size, const copa__image_files *files)
{
    char *text = NULL;
    size_t len = 0;
    int rc = files->read(&text, &len, COPA__APK_ARCH_PATH, files->payload);

    if (rc < 0)
        return rc;
    rc = copa__apk_arch_parse(out, size, COPA__APK_ARCH_PATH, text, len);
    free(text);
    return rc;
}
