/*
 * Fuzz the readers of the image's apk configuration: /etc/apk/world,
 * the repository lists and /etc/apk/arch. No crash, no leak; what parses
 * holds only what the readers promise (names non-empty, URLs without blanks).
 */
#include "apk/apk_arch.h"
#include "apk/repositories.h"
#include "apk/world.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    copa__apk_world *world = NULL;
    copa__apk_repositories *repos = NULL;
    char arch[64];
    size_t i;

    if (copa__apk_world_parse(&world, "world", text, size) == 0) {
        for (i = 0; i < world->count; i++)
            if (world->items[i].name[0] == '\0' ||
                (world->items[i].ops != 0) != (world->items[i].version != NULL))
                abort();
        copa__apk_world_free(world);
    }
    if (copa__apk_repositories_new(&repos) == 0) {
        if (copa__apk_repositories_parse(repos, "repositories", text, size) == 0)
            for (i = 0; i < repos->count; i++)
                if (repos->items[i].url[0] == '\0' || strpbrk(repos->items[i].url, " \t\n") != NULL)
                    abort();
        copa__apk_repositories_free(repos);
    }
    if (copa__apk_arch_parse(arch, sizeof(arch), "arch", text, size) == 0 &&
        (arch[0] == '\0' || strpbrk(arch, "/. \n") != NULL))
        abort();
    return 0;
}
