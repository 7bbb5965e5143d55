/*
 * The Debian engine's plan stage: the resolver's world from the dpkg
 * database, the apt sources and the image's preferences (world.c), then
 * the shared resolver (lib/resolve, docs/resolver.md).
 */
#include "engine/debian/debian.h"

int copa__debian_plan(copa__engine *engine, copa__rs_plan *out, const copa__rs_request *requests,
                      size_t count, int update_all)
{
    copa__debian *d = (copa__debian *)engine;
    int rc;

    if (!d->have_world) {
        if ((rc = copa__debian_world_build(&d->world, d->db, d->have_apt ? &d->apt : NULL,
                                           d->have_prefs ? &d->prefs : NULL)) != 0)
            return rc;
        d->have_world = 1;
    }
    return copa__resolve(out, &d->world, requests, count, update_all);
}
