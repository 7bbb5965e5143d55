/*
 * Lookups in a Release file's SHA256 table: the best Packages variant for a
 * component and architecture, and by-hash paths.
 */
#include "repo/release.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const copa__apt_release_file *copa__apt_release_find(const copa__apt_release *rel, const char *path)
{
    size_t i;
    for (i = 0; i < rel->file_count; i++)
        if (strcmp(rel->files[i].path, path) == 0)
            return &rel->files[i];
    return NULL;
}

/*
 * Does a Release component name `component`? Debian's security archive
 * lists "updates/main" while sources say "main" and the files live under
 * "main/": like apt, a listed component also matches by its last part.
 */
int copa__apt_release_component_matches(const char *listed, const char *component)
{
    const char *slash = strrchr(listed, '/');
    return strcmp(listed, component) == 0 || (slash != NULL && strcmp(slash + 1, component) == 0);
}

static int has_component(const copa__apt_release *rel, const char *component)
{
    size_t i;
    /* A Release without Components (older or hand-made repositories) lists
     * indexes only in its table; let the table decide. */
    if (rel->component_count == 0)
        return 1;
    for (i = 0; i < rel->component_count; i++)
        if (copa__apt_release_component_matches(rel->components[i], component))
            return 1;
    return 0;
}

int copa__apt_release_packages(const copa__apt_release_file **out, const copa__apt_release *rel,
                               const char *component, const char *arch)
{
    static const char *const suffixes[] = {".xz", ".gz", ""};
    char path[512];
    size_t i;

    *out = NULL;
    if (component != NULL && !has_component(rel, component))
        return copa__error_set(COPA_ENOTFOUND, "%s: component '%s' is not in the Release file",
                               rel->name, component);
    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        int n = component != NULL ? snprintf(path, sizeof(path), "%s/binary-%s/Packages%s",
                                             component, arch, suffixes[i])
                                  : snprintf(path, sizeof(path), "Packages%s", suffixes[i]);
        if (n < 0 || (size_t)n >= sizeof(path))
            return copa__error_set(COPA_EINVALID, "component or architecture name too long");
        if ((*out = copa__apt_release_find(rel, path)) != NULL)
            return 0;
    }
    if (component == NULL)
        return copa__error_set(COPA_ENOTFOUND, "%s: no Packages index in the Release file",
                               rel->name);
    return copa__error_set(COPA_ENOTFOUND,
                           "%s: no Packages index for %s/binary-%s in the Release file", rel->name,
                           component, arch);
}

int copa__apt_release_by_hash_path(char **out, const copa__apt_release_file *file)
{
    const char *slash = strrchr(file->path, '/');
    size_t dir = slash != NULL ? (size_t)(slash - file->path) + 1 : 0;
    size_t len = dir + strlen("by-hash/SHA256/") + strlen(file->sha256) + 1;

    if ((*out = malloc(len)) == NULL)
        return copa__error_oom();
    snprintf(*out, len, "%.*sby-hash/SHA256/%s", (int)dir, file->path, file->sha256);
    return 0;
}

int copa__apt_release_has_all_index(const copa__apt_release *rel)
{
    size_t i;

    if (rel->no_support_arch_all)
        return 0;
    for (i = 0; i < rel->architecture_count; i++)
        if (strcmp(rel->architectures[i], "all") == 0)
            return 1;
    return 0;
}
