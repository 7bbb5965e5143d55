#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>

const char *test_fixture_path(const char *relative)
{
    static char path[4096];
    snprintf(path, sizeof(path), "%s/tests/fixtures/%s", COPA_TEST_SOURCE_DIR, relative);
    return path;
}

char *test_read_file(const char *path, size_t *length)
{
    FILE *file = fopen(path, "rb");
    char *data;
    long size;

    if (file == NULL || fseek(file, 0, SEEK_END) != 0 || (size = ftell(file)) < 0) {
        fprintf(stderr, "cannot read %s\n", path);
        abort();
    }
    rewind(file);
    data = malloc((size_t)size + 1);
    if (data == NULL || fread(data, 1, (size_t)size, file) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", path);
        abort();
    }
    data[size] = '\0';
    fclose(file);
    if (length != NULL)
        *length = (size_t)size;
    return data;
}
