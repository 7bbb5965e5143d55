/*
 * Fuzz the Release parser, its lookups and the date parser.
 */
#include "repo/release.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    copa__apt_release rel;
    const copa__apt_release_file *f;
    char *text = malloc(size + 1), *path = NULL;
    time_t t;
    size_t i;

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    copa__apt_parse_date(&t, text);
    if (copa__apt_release_parse(&rel, "fuzz", text, size) == 0) {
        copa__apt_release_check_date(&rel, 1700000000);
        if (copa__apt_release_packages(&f, &rel, "main", "amd64") == 0 &&
            copa__apt_release_by_hash_path(&path, f) == 0)
            free(path);
        if (copa__apt_release_packages(&f, &rel, NULL, "amd64") == 0 && f == NULL)
            abort();
        for (i = 0; i < rel.file_count; i++)
            if (strlen(rel.files[i].sha256) != 64 ||
                copa__apt_release_find(&rel, rel.files[i].path) == NULL)
                abort();
        copa__apt_release_free(&rel);
    }
    free(text);
    return 0;
}
