/*
 * The Debian/Ubuntu engine's table and its first stages: it claims images
 * whose os-release is Debian, Ubuntu or a derivative of either (ID_LIKE),
 * and loads the dpkg database (status file or distroless status.d).
 */
#include "engine/debian/debian.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static int claims(const copa__engine_image *image)
{
    return image->os != NULL && image->os->format == COPA_PKG_DEB;
}

static int load(copa__engine **out, const copa__engine_image *image)
{
    const char *arch = copa__dpkg_arch_from_oci(image->arch, image->variant);
    copa__debian *d = calloc(1, sizeof(*d));
    int rc;

    *out = NULL;
    if (d == NULL)
        return copa__error_oom();
    d->base.ops = &copa__debian_engine;
    if ((rc = copa__dpkg_db_load(&d->db, image->files, arch)) != 0) {
        free(d);
        if (rc == COPA_ENOTFOUND)
            return copa__error_set(COPA_ENOTFOUND,
                                   "%s has no dpkg database (/var/lib/dpkg/status or status.d): "
                                   "nothing copa can patch",
                                   image->name);
        return rc;
    }
    *out = &d->base;
    return 0;
}

static int is_installed(const copa__engine *engine, const char *name)
{
    const copa__debian *d = (const copa__debian *)engine;
    return copa__dpkg_db_find(d->db, name) != NULL;
}

static void engine_free(copa__engine *engine)
{
    copa__debian *d = (copa__debian *)engine;

    if (d == NULL)
        return;
    if (d->have_world)
        copa__rs_world_free(&d->world);
    if (d->have_apt)
        copa__apt_result_free(&d->apt);
    if (d->have_prefs)
        copa__apt_prefs_free(&d->prefs);
    copa__dpkg_db_free(d->db);
    free(d);
}

static const char *const report_families[] = {"debian", "ubuntu", NULL};

const copa__engine_ops copa__debian_engine = {
    .name = "dpkg",
    .distributions = "Debian, Ubuntu",
    .sources_message = "the image's apt sources",
    .format = COPA_PKG_DEB,
    .report_families = report_families,
    .claims = claims,
    .load = load,
    .is_installed = is_installed,
    .installed = copa__debian_installed,
    .sources = copa__debian_sources,
    .plan = copa__debian_plan,
    .fetch = copa__debian_fetch,
    .write = copa__debian_write,
    .free = engine_free,
};
