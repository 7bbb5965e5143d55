/*
 * Fuzz the auth file parser (containers-auth.json / docker config.json)
 * against a few registry names. A success always yields either a
 * username/password pair or a helper name, never half of one.
 */
#include <stdint.h>
#include <stdlib.h>

#include "registry/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const registries[] = {"docker.io", "registry.test:5000", "quay.test"};
    size_t i;

    for (i = 0; i < sizeof(registries) / sizeof(registries[0]); i++) {
        copa__credential c;
        if (copa__auth_file_lookup(&c, (const char *)data, size, registries[i], "fuzz") != 0)
            continue;
        if (c.helper == NULL && (c.username == NULL || c.password == NULL))
            abort();
        copa__credential_free(&c);
    }
    return 0;
}
