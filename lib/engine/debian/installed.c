/*
 * The Debian engine's installed packages for the inventory: every
 * installed entry of the dpkg database (status file and distroless
 * status.d alike), already sorted by name then arch, with its source
 * package.
 */
#include "engine/debian/debian.h"

int copa__debian_installed(const copa__engine *engine, copa__engine_package_fn fn, void *payload)
{
    const copa__debian *d = (const copa__debian *)engine;
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < d->db->installed_count; i++) {
        const copa__dpkg_pkg *p = d->db->installed[i].pkg;
        copa__engine_package pkg;
        pkg.name = p->name;
        pkg.version = p->version;
        pkg.arch = p->arch;
        pkg.source_name = p->source;
        pkg.source_version = p->source_version;
        rc = fn(payload, &pkg);
    }
    return rc;
}
