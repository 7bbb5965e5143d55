/*
 * Checking metadata files against the checksums repomd.xml declares.
 * createrepo_c can write md5, sha1, sha224, sha256, sha384 and sha512;
 * md5 proves nothing against an attacker, so it counts as no checksum.
 */
#include "rpmrepo/repomd.h"
#include "util/digest.h"
#include "util/error.h"

#include <openssl/evp.h>
#include <string.h>

static const EVP_MD *digest_of(const char *type)
{
    if (strcmp(type, "sha256") == 0)
        return EVP_sha256();
    if (strcmp(type, "sha512") == 0)
        return EVP_sha512();
    if (strcmp(type, "sha384") == 0)
        return EVP_sha384();
    if (strcmp(type, "sha224") == 0)
        return EVP_sha224();
    if (strcmp(type, "sha1") == 0 || strcmp(type, "sha") == 0)
        return EVP_sha1();
    return NULL;
}

int copa__rpm_checksum_verify(const char *name, const char *type, const char *hex,
                              const void *bytes, size_t len, int insecure)
{
    const EVP_MD *md = type != NULL ? digest_of(type) : NULL;
    unsigned char raw[EVP_MAX_MD_SIZE];
    char found[2 * EVP_MAX_MD_SIZE + 1];
    unsigned int n = 0;

    if (md == NULL) {
        if (insecure)
            return 0;
        return copa__error_set(COPA_EUNSUPPORTED,
                               "%s: checksum type %s is not accepted (sha256, sha512, sha384, "
                               "sha224 or sha1 are)",
                               name, type != NULL ? type : "(none)");
    }
    if (EVP_Digest(bytes, len, raw, &n, md, NULL) != 1)
        return copa__error_set(COPA_ERROR, "%s: cannot compute %s", name, type);
    copa__hex_encode(found, raw, n);
    if (hex == NULL || strcmp(found, hex) != 0)
        return copa__error_set(COPA_EVERIFY,
                               "%s: %s checksum mismatch: repomd.xml says %s, the "
                               "file has %s",
                               name, type, hex != NULL ? hex : "(none)", found);
    return 0;
}

int copa__repomd_verify(const copa__repomd_data *d, const void *bytes, size_t len, int insecure)
{
    if (d->size != UINT64_MAX && d->size != (uint64_t)len)
        return copa__error_set(COPA_EVERIFY, "%s: size %zu, repomd.xml says %llu", d->href, len,
                               (unsigned long long)d->size);
    return copa__rpm_checksum_verify(d->href, d->checksum_type, d->checksum, bytes, len, insecure);
}
