/*
 * Fuzz the relationship-field parser under both flag sets; every parsed
 * alternative must have a name, and a version exactly when it has a relation.
 */
#include "repo/depends.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned flags[] = {0, COPA__DEPS_PROVIDES};
    size_t k, g, a;

    for (k = 0; k < 2; k++) {
        copa__arena arena;
        copa__apt_deps d;
        copa__arena_init(&arena);
        if (copa__apt_deps_parse(&d, &arena, (const char *)data, size, flags[k]) == 0)
            for (g = 0; g < d.count; g++)
                for (a = 0; a < d.groups[g].count; a++) {
                    const copa__apt_dep *dep = &d.groups[g].alts[a];
                    if (dep->name == NULL || dep->name[0] == '\0' ||
                        (dep->rel == COPA__REL_ANY) != (dep->version == NULL))
                        abort();
                }
        copa__arena_free(&arena);
    }
    return 0;
}
