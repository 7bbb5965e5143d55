/*
 * Fuzz the Packages model: plain parsing, and loading through the
 * decompression path (inputs that start like xz/gzip/... reach libarchive).
 */
#include "repo/packages.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    copa__apt_packages idx;
    size_t i;

    if (copa__apt_packages_init(&idx, "amd64") != 0)
        return 0;
    if (copa__apt_packages_load(&idx, "fuzz", data, size, NULL, UINT64_MAX) == 0)
        for (i = 0; i < idx.count; i++)
            if (copa__apt_packages_find(&idx, idx.items[i].name) == NULL)
                abort();
    copa__apt_packages_free(&idx);
    return 0;
}
