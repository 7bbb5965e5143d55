/*
 * Fuzz the repomd.xml parser and the checksum check of its entries.
 */
#include "rpmrepo/repomd.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    copa__repomd *md = NULL;
    size_t i;

    if (copa__repomd_parse(&md, "repomd.xml", (const char *)data, size) != 0)
        return 0;
    for (i = 0; i < md->count; i++) {
        const copa__repomd_data *d = &md->data[i];
        if (d->type == NULL || d->href == NULL || d->checksum == NULL ||
            !copa__rpm_href_safe(d->href) || copa__repomd_find(md, d->type) != d)
            abort();
        /* The document itself is never its own primary: this must not pass. */
        if (copa__repomd_verify(d, data, size, 0) == 0 && d->size == UINT64_MAX &&
            strcmp(d->checksum_type, "sha256") == 0 && strlen(d->checksum) != 64)
            abort();
    }
    copa__repomd_free(md);
    return 0;
}
