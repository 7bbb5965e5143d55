/*
 * Helpers shared by every copa__image_files provider.
 */
#include "util/image_files.h"

#include <stdlib.h>
#include <string.h>

void copa__image_files_free_names(char **names, size_t count)
{
    size_t i;

    for (i = 0; names != NULL && i < count; i++)
        free(names[i]);
    free(names);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void copa__image_files_sort_names(char **names, size_t count)
{
    if (count > 1)
        qsort(names, count, sizeof(*names), compare_names);
}
