/*
 * Package identities as apk-tools writes them: "Q1" + base64 of the SHA-1
 * of the control gzip member (also "X1" + hex, which apk-tools reads).
 */
#include "apk/index.h"
#include "util/digest.h"

#include <string.h>

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(char c)
{
    const char *p = c != '\0' ? strchr(B64, c) : NULL;
    return p != NULL ? (int)(p - B64) : -1;
}

/* 28 characters ("...=" padded) hold exactly 20 bytes. */
static int decode_base64(unsigned char out[COPA__APK_SHA1_LEN], const char *s, size_t len)
{
    unsigned char tmp[21];
    size_t o = 0;

    if (len != 28 || s[27] != '=' || s[26] == '=')
        return -1;
    for (size_t i = 0; i < 28; i += 4) {
        int v[4];
        for (int k = 0; k < 4; k++)
            v[k] = (i + (size_t)k == 27) ? 0 : b64_value(s[i + (size_t)k]);
        if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0)
            return -1;
        tmp[o++] = (unsigned char)((v[0] << 2) | (v[1] >> 4));
        tmp[o++] = (unsigned char)(((v[1] & 15) << 4) | (v[2] >> 2));
        if (o < 21)
            tmp[o++] = (unsigned char)(((v[2] & 3) << 6) | v[3]);
    }
    memcpy(out, tmp, COPA__APK_SHA1_LEN);
    return 0;
}

static int decode_hex(unsigned char out[COPA__APK_SHA1_LEN], const char *s, size_t len)
{
    if (len != 2 * COPA__APK_SHA1_LEN)
        return -1;
    for (size_t i = 0; i < COPA__APK_SHA1_LEN; i++) {
        int hi = copa__hex_value(s[2 * i]), lo = copa__hex_value(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

int copa__apk_checksum_decode(unsigned char out[COPA__APK_SHA1_LEN], const char *text, size_t len)
{
    if (len < 2 || text[1] != '1')
        return -1;
    if (text[0] == 'Q')
        return decode_base64(out, text + 2, len - 2);
    if (text[0] == 'X')
        return decode_hex(out, text + 2, len - 2);
    return -1;
}

void copa__apk_checksum_encode(char out[31], const unsigned char sha1[COPA__APK_SHA1_LEN])
{
    size_t o = 0;

    out[o++] = 'Q';
    out[o++] = '1';
    for (size_t i = 0; i < COPA__APK_SHA1_LEN; i += 3) {
        unsigned v = (unsigned)sha1[i] << 16;
        if (i + 1 < COPA__APK_SHA1_LEN)
            v |= (unsigned)sha1[i + 1] << 8;
        if (i + 2 < COPA__APK_SHA1_LEN)
            v |= sha1[i + 2];
        out[o++] = B64[(v >> 18) & 63];
        out[o++] = B64[(v >> 12) & 63];
        out[o++] = i + 1 < COPA__APK_SHA1_LEN ? B64[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < COPA__APK_SHA1_LEN ? B64[v & 63] : '=';
    }
    out[o] = '\0';
}
