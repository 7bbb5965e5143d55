/*
 * UUID version 5: SHA-1 over the namespace's 16 bytes and the name, the
 * first 16 bytes of the hash with the version and variant bits set.
 */
#include "util/uuid.h"
#include "util/error.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

const unsigned char copa__uuid_namespace_url[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                                                    0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};

int copa__uuid_v5(char out[37], const unsigned char namespace[16], const char *name)
{
    unsigned char hash[EVP_MAX_MD_SIZE];
    unsigned int hash_len = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha1(), NULL) == 1 &&
             EVP_DigestUpdate(md, namespace, 16) == 1 &&
             EVP_DigestUpdate(md, name, strlen(name)) == 1 &&
             EVP_DigestFinal_ex(md, hash, &hash_len) == 1 && hash_len >= 16;
    size_t i, o = 0;

    EVP_MD_CTX_free(md);
    if (!ok)
        return copa__error_set(COPA_ERROR, "SHA-1 for a name-based UUID failed");
    hash[6] = (unsigned char)((hash[6] & 0x0f) | 0x50); /* version 5 */
    hash[8] = (unsigned char)((hash[8] & 0x3f) | 0x80); /* RFC 9562 variant */
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        snprintf(out + o, 3, "%02x", hash[i]);
        o += 2;
    }
    out[36] = '\0';
    return 0;
}
