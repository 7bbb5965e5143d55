/*
 * Fuzz the Packages model: plain parsing, and loading through the
 * decompression path (inputs that start like xz/gzip/... reach libarchive).
 * Then the same input through a filter (wanting the first package's name,
 * "libc6" and "mail-transport-agent", following dependencies): it must be
 * accepted or rejected exactly as without, with the same message, and
 * keep a subset of the same stanzas, in order.
 */
#include "copa/errors.h"
#include "repo/packages.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_filtered(const copa__apt_packages *all, int rc_all, const char *msg_all,
                           const uint8_t *data, size_t size)
{
    copa__apt_filter f;
    copa__apt_packages idx;
    size_t i, j = 0;
    int rc;

    memset(&f, 0, sizeof(f));
    f.follow = 1;
    if ((rc_all == 0 && all->count > 0 &&
         copa__apt_filter_want(&f, all->items[0].name, strlen(all->items[0].name)) != 0) ||
        copa__apt_filter_want(&f, "libc6", 5) != 0 ||
        copa__apt_filter_want(&f, "mail-transport-agent", 20) != 0 ||
        copa__apt_packages_init(&idx, "amd64") != 0) {
        copa__apt_filter_free(&f);
        return;
    }
    idx.filter = &f;
    rc = copa__apt_packages_load(&idx, "fuzz", data, size, NULL, UINT64_MAX);
    if (rc == COPA_ENOMEM || rc_all == COPA_ENOMEM)
        goto out;
    if ((rc == 0) != (rc_all == 0) || (rc != 0 && strcmp(copa_error_last(), msg_all) != 0))
        abort();
    if (rc == 0 && idx.count + idx.unwanted != all->count)
        abort();
    for (i = 0; rc == 0 && i < idx.count; i++, j++) {
        while (j < all->count && all->items[j].line != idx.items[i].line)
            j++;
        if (j == all->count || strcmp(all->items[j].name, idx.items[i].name) != 0 ||
            strcmp(all->items[j].version, idx.items[i].version) != 0)
            abort();
    }
out:
    copa__apt_packages_free(&idx);
    copa__apt_filter_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    copa__apt_packages idx;
    char *msg = NULL;
    size_t i;
    int rc;

    if (copa__apt_packages_init(&idx, "amd64") != 0)
        return 0;
    rc = copa__apt_packages_load(&idx, "fuzz", data, size, NULL, UINT64_MAX);
    if (rc == 0)
        for (i = 0; i < idx.count; i++)
            if (copa__apt_packages_find(&idx, idx.items[i].name) == NULL)
                abort();
    if (rc == 0 || (msg = strdup(copa_error_last())) != NULL)
        check_filtered(&idx, rc, msg, data, size);
    free(msg);
    copa__apt_packages_free(&idx);
    return 0;
}
