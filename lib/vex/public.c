/*
 * Public entry points of the purl builders.
 */
#include "vex/purl.h"
#include "util/error.h"
#include "copa/vex.h"

#include <stdlib.h>

int copa_vex_purl_package(char **out, copa_pkg_format format, const char *distro_id,
                          const char *distro_version, const char *name, const char *version,
                          const char *arch)
{
    if (out == NULL)
        return copa__error_set(COPA_EINVALID, "copa_vex_purl_package: no output pointer");
    return copa__purl_package(out, format, distro_id, distro_version, name, version, arch);
}

int copa_vex_purl_image(char **out, const char *registry, const char *repository,
                        const char *digest, const char *tag)
{
    if (out == NULL)
        return copa__error_set(COPA_EINVALID, "copa_vex_purl_image: no output pointer");
    return copa__purl_image(out, registry, repository, digest, tag);
}

void copa_vex_string_free(char *text)
{
    free(text);
}
