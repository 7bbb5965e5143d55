/*
 * Fuzz the APKINDEX.tar.gz reader: gzip members, the signature segment
 * (checked against one embedded public key named "fuzz.rsa.pub", so the
 * seeds signed with it reach EVP), the index tar and the stanza parser;
 * the same bytes are also parsed as APKINDEX text directly.
 */
#include "apk/index.h"
#include "copa/errors.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char KEY[] = "-----BEGIN PUBLIC KEY-----\n"
                          "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDiSdOFtoEriNic/awG0ct4TDat\n"
                          "Eky833oVAWt8xBD4FK1y9M4sS8qvabXwlpsmTZcseagL41ltPYc1AK22Sgj/eGX6\n"
                          "Yx5z4wwVaziMcyVGdiccQe/Ig/yhxV8QJagclgEKpSda2w1PnYkIbGwtiC/rq72G\n"
                          "L0mDpAGDyeZB4HJoKwIDAQAB\n"
                          "-----END PUBLIC KEY-----\n";

static void check(const copa__apk_index *x)
{
    for (size_t i = 0; i < x->count; i++) {
        const copa__apk_index_pkg *p = &x->packages[i];
        if (p->name == NULL || p->version == NULL)
            abort();
        for (size_t d = 0; d < p->depends.count; d++)
            if (p->depends.items[d].name[0] == '\0')
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    copa__apk_key key = {"fuzz.rsa.pub", KEY, sizeof(KEY) - 1};
    copa__apk_index_options opts = {&key, 1, 1};
    copa__apk_index x;

    if (copa__apk_index_read(&x, "fuzz", data, size, &opts) == 0) {
        check(&x);
        copa__apk_index_free(&x);
    }
    memset(&x, 0, sizeof(x));
    if (copa__apk_index_parse(&x, "fuzz", (const char *)data, size) == 0)
        check(&x);
    copa__apk_index_free(&x);
    copa_error_clear();
    return 0;
}
