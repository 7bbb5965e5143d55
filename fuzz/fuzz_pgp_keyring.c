/*
 * Fuzz keyring loading: any bytes as a keyring file, armored or binary.
 * Loading verifies self-signatures, bindings and revocations, so the
 * crypto paths are reached from the seeds (real keys).
 */
#include <stdint.h>
#include <stdlib.h>

#include "trust/pgp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    copa__pgp_keyring *kr;

    if (copa__pgp_keyring_create(&kr) != 0)
        return 0;
    (void)copa__pgp_keyring_add(kr, "fuzz", data, size);
    copa__pgp_keyring_free(kr);
    return 0;
}
