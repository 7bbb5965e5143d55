/*
 * Fuzz the .rpm reader: open a package from memory, verify it without a
 * keyring (digests only) and walk its payload, reading every entry; every
 * path handed out must be a file of the header.
 */
#include "rpm/rpm_file.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    copa__rpm_verify_options opts = {NULL, 1, 0};
    copa__rpm_verify_result res;
    copa__rpm_payload_entry e;
    copa__rpm *r;
    char buf[4096];
    size_t got, entries = 0;

    if (copa__rpm_open_memory(&r, "fuzz.rpm", data, size) != 0)
        return 0;
    (void)copa__rpm_verify(r, &opts, &res);
    while (entries++ < 10000 && copa__rpm_payload_next(r, &e) == 1) {
        const copa__rpm_pkg *p = copa__rpm_package(r);
        if (e.file_index >= p->file_count || strcmp(p->files[e.file_index].path, e.path) != 0)
            abort();
        do {
            if (copa__rpm_payload_read(r, buf, sizeof(buf), &got) != 0)
                break;
        } while (got > 0);
    }
    copa__rpm_close(r);
    return 0;
}
