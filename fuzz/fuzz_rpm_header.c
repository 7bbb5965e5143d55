/*
 * Fuzz the rpm header parser in both forms (rpmdb's, without magic, and the
 * .rpm one with it) and the package model built on it: every accessor's
 * result must stay inside the header, every string be terminated, every
 * file path be absolute without '..'.
 */
#include "rpm/header.h"
#include "rpm/rpm_pkg.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void touch_entries(const copa__rpm_header *h)
{
    uint32_t i, n, j;
    for (i = 0; i < h->count; i++) {
        const char **strs;
        uint64_t *ints;
        const unsigned char *bin;
        uint32_t len;
        if (copa__rpm_header_strings(h, h->entries[i].tag, &strs, &n) == 0) {
            for (j = 0; j < n; j++)
                if (strlen(strs[j]) >= h->data_len)
                    abort();
            free(strs);
        }
        if (copa__rpm_header_ints(h, h->entries[i].tag, &ints, &n) == 0)
            free(ints);
        if (copa__rpm_header_binary(h, h->entries[i].tag, &bin, &len) == 0 &&
            (bin < h->data || bin + len > h->data + h->data_len))
            abort();
    }
}

static void check_model(const copa__rpm_header *h)
{
    copa__rpm_pkg *p;
    uint32_t i;
    if (copa__rpm_pkg_from_header(&p, h, "fuzz") != 0)
        return;
    for (i = 0; i < p->file_count; i++) {
        const char *path = p->files[i].path;
        if (path[0] != '/' || strstr(path, "/../") != NULL || strstr(path, "//") != NULL)
            abort();
        if (copa__rpm_pkg_find_file(p, path) < 0)
            abort();
    }
    free(copa__rpm_pkg_nevra(p));
    copa__rpm_pkg_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    copa__rpm_header_options opts = {0, 0, 0, 1u << 20};
    copa__rpm_header *h;
    size_t used;
    int form;

    for (form = 0; form < 2; form++) {
        opts.with_magic = form;
        if (copa__rpm_header_parse(&h, "fuzz", data, size, &opts, &used) != 0)
            continue;
        if (used > size)
            abort();
        touch_entries(h);
        check_model(h);
        copa__rpm_header_free(h);
    }
    return 0;
}
