/*
 * Fuzz the apk installed-database parser and writer: whatever parses must
 * write back byte for byte, and written again from its fields (every
 * package touched) must parse again to the same packages, versions, files
 * and dependency tokens.
 */
#include "apk/installed.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_tokens(const copa__apk_tokens *a, const copa__apk_tokens *b)
{
    size_t i;
    if (a->count != b->count)
        return 0;
    for (i = 0; i < a->count; i++)
        if (strcmp(a->items[i], b->items[i]) != 0)
            return 0;
    return 1;
}

static void same_package(const copa__apk_installed_pkg *a, const copa__apk_installed_pkg *b)
{
    size_t i, j;
    if (strcmp(a->name, b->name) != 0 || strcmp(a->version, b->version) != 0 ||
        !same_tokens(&a->depends, &b->depends) || !same_tokens(&a->provides, &b->provides) ||
        !same_tokens(&a->install_if, &b->install_if) || !same_tokens(&a->replaces, &b->replaces) ||
        a->other_count != b->other_count || a->dir_count != b->dir_count)
        abort();
    for (i = 0; i < a->dir_count; i++) {
        const copa__apk_dir *x = &a->dirs[i], *y = &b->dirs[i];
        if (strcmp(x->path, y->path) != 0 || x->file_count != y->file_count ||
            x->acl.present != y->acl.present || x->acl.mode != y->acl.mode)
            abort();
        for (j = 0; j < x->file_count; j++)
            if (strcmp(x->files[j].name, y->files[j].name) != 0 ||
                (x->files[j].checksum == NULL) != (y->files[j].checksum == NULL) ||
                x->files[j].acl.uid != y->files[j].acl.uid)
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    copa__apk_installed *db = NULL, *again = NULL;
    copa__buf out = COPA__BUF_INIT;
    size_t i;

    if (copa__apk_installed_parse(&db, "fuzz", (const char *)data, size) != 0)
        return 0;
    if (copa__apk_installed_write(&out, db) != 0 || out.length != size ||
        (size > 0 && memcmp(out.data, data, size) != 0))
        abort();
    for (i = 0; i < db->count; i++)
        copa__apk_installed_touch(db->pkgs[i]);
    copa__buf_clear(&out);
    if (copa__apk_installed_write(&out, db) != 0)
        abort();
    if (copa__apk_installed_parse(&again, "fuzz-again", out.data ? out.data : "", out.length) !=
            0 ||
        again->count != db->count)
        abort();
    for (i = 0; i < db->count; i++)
        same_package(db->pkgs[i], again->pkgs[i]);
    copa__apk_installed_free(again);
    copa__apk_installed_free(db);
    copa__buf_free(&out);
    return 0;
}
