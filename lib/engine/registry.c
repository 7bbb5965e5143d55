/*
 * The registered engines, in the order they are asked whether they patch
 * an image. A new engine is one folder under lib/engine/ and one line in
 * `engines` below (docs/architecture.md, "Adding an engine").
 */
#include "engine/debian/debian.h"
#include "engine/engine.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

static const copa__engine_ops *const engines[] = {
    &copa__debian_engine,
};

#define ENGINE_COUNT (sizeof(engines) / sizeof(engines[0]))

void copa__engine_supported(char *out, size_t size)
{
    size_t i, used = 0;

    out[0] = '\0';
    for (i = 0; i < ENGINE_COUNT && used < size; i++) {
        int n = snprintf(out + used, size - used, "%s%s (%s)", i == 0 ? "" : "; ",
                         engines[i]->distributions, engines[i]->name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* "Alpine Linux v3.20 (alpine)": what os-release says the image is. */
static void os_name(char *out, size_t size, const copa__os_release *os)
{
    if (os == NULL || (os->pretty_name == NULL && os->id == NULL))
        snprintf(out, size, "an unknown OS");
    else if (os->pretty_name != NULL && os->id != NULL)
        snprintf(out, size, "%s (ID %s)", os->pretty_name, os->id);
    else
        snprintf(out, size, "%s", os->pretty_name != NULL ? os->pretty_name : os->id);
}

int copa__engine_find(const copa__engine_ops **out, const copa__engine_image *image)
{
    char supported[256], found[256];
    size_t i;

    *out = NULL;
    for (i = 0; i < ENGINE_COUNT; i++)
        if (engines[i]->claims(image)) {
            *out = engines[i];
            return 0;
        }
    copa__engine_supported(supported, sizeof(supported));
    os_name(found, sizeof(found), image->os);
    return copa__error_set(COPA_EUNSUPPORTED,
                           "%s is %s: no copa engine patches it (copa supports %s)", image->name,
                           found, supported);
}

const copa__engine_ops *copa__engine_for_family(const char *family)
{
    size_t i, j;

    for (i = 0; family != NULL && i < ENGINE_COUNT; i++)
        for (j = 0; engines[i]->report_families[j] != NULL; j++)
            if (strcasecmp(engines[i]->report_families[j], family) == 0)
                return engines[i];
    return NULL;
}

void copa__engine_paths_free(char **paths, size_t count)
{
    size_t i;

    for (i = 0; paths != NULL && i < count; i++)
        free(paths[i]);
    free(paths);
}
