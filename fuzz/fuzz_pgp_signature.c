/*
 * Fuzz signature parsing and verification. The first byte chooses the
 * form: even = cleartext message (InRelease), odd = detached signature over
 * "copa fuzz\n". The keyring is the seed keys of fuzz/corpus/pgp_keyring/,
 * which made the seed signatures, so mutations reach the verifier.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trust/pgp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static copa__pgp_keyring *ring;

static void add_key_file(const char *name)
{
    char path[4096], buf[65536];
    const char *slash = strrchr(__FILE__, '/');
    size_t len;
    FILE *f;

    snprintf(path, sizeof(path), "%.*s/corpus/pgp_keyring/%s", slash ? (int)(slash - __FILE__) : 1,
             slash ? __FILE__ : ".", name);
    f = fopen(path, "rb");
    if (f == NULL)
        return;
    len = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    (void)copa__pgp_keyring_add(ring, name, buf, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char signed_data[] = "copa fuzz\n";
    const int64_t now = 2100000000; /* fixed: runs are reproducible */
    copa__pgp_result res;

    if (ring == NULL) {
        if (copa__pgp_keyring_create(&ring) != 0)
            abort();
        add_key_file("ed25519.gpg");
        add_key_file("rsa-p256-subkey.gpg");
    }
    if (size == 0)
        return 0;
    if ((data[0] & 1) == 0) {
        if (copa__pgp_verify_cleartext(&res, ring, data + 1, size - 1, now) == 0)
            copa__pgp_result_clear(&res);
    } else {
        if (copa__pgp_verify_detached(&res, ring, signed_data, sizeof(signed_data) - 1, data + 1,
                                      size - 1, now) == 0)
            copa__pgp_result_clear(&res);
    }
    return 0;
}
