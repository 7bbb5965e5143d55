/*
 * The Debian/Ubuntu engine (dpkg + apt) behind the engine interface
 * (engine/engine.h): the dpkg database (status or distroless status.d),
 * the image's apt sources and preferences, the resolver's world built from
 * both, and lib/debpatch writing the layer. Its parts:
 *
 *   engine.c         the ops table, detection, load, free
 *   sources.c        the sources stage (apt client, scoped load, preferences)
 *   sources_scope.c  the scoped apt load (what the installed packages reach)
 *   world.c          the resolver's world from the database and the sources
 *   world_scope.c    which candidates a resolver run can reach
 *   plan.c           the plan stage
 *   build.c          fetch and write (lib/debpatch)
 *   old_deb.c        an installed version's .deb for distroless conffiles
 *   installed.c      the installed packages as the inventory lists them
 */
#ifndef COPA_LIB_ENGINE_DEBIAN_DEBIAN_H
#define COPA_LIB_ENGINE_DEBIAN_DEBIAN_H

#include "apt/apt.h"
#include "apt/preferences.h"
#include "debpatch/debpatch.h"
#include "engine/engine.h"
#include "pkg/dpkg_db.h"

extern const copa__engine_ops copa__debian_engine;

typedef struct copa__debian {
    copa__engine base; /* first: the engine interface sees this */
    copa__dpkg_db *db;
    copa__apt_result apt;
    int have_apt;
    copa__apt_prefs prefs; /* the image's /etc/apt/preferences(.d) */
    int have_prefs;
    copa__rs_world world; /* the plan borrows from it */
    int have_world;
} copa__debian;

/* --- world.c --- */

/*
 * The resolver's world of a Debian image: the installed set from `db`
 * (held flags included, status and status.d alike) and every package of
 * every repository of `apt` as candidates (source number = repository
 * position, the pin priority apt would give it under the image's
 * preferences (`prefs`; NULL: apt's defaults), URL from the repository's pool). The
 * world's native architecture is the database's.
 */
int copa__debian_world_build(copa__rs_world *w, const copa__dpkg_db *db,
                             const copa__apt_result *apt, const copa__apt_prefs *prefs);

/* --- sources_scope.c --- */

/*
 * copa__apt_load keeping only the stanzas the resolver can reach from the
 * installed packages of `db` (scanning again when the closure found names
 * the scan had dropped), so the world built from `apt` is the one a full
 * load gives. opts->filter is the (empty) filter to use, or NULL to keep
 * everything; the caller frees it. The summary event says how much was kept.
 */
int copa__debian_load_scoped(copa__apt_result *apt, const copa__image_files *fs,
                             copa__apt_options *opts, const copa__dpkg_db *db,
                             const copa__engine_events *events);

/* --- sources.c, plan.c, build.c, inventory.c: the ops of engine.c --- */

int copa__debian_sources(copa__engine *engine, const copa__engine_image *image,
                         const copa__engine_net *net, const copa__engine_events *events);
int copa__debian_plan(copa__engine *engine, copa__rs_plan *out, const copa__rs_request *requests,
                      size_t count, int update_all);
int copa__debian_fetch(copa__engine *engine, char ***paths, const copa__rs_plan *plan,
                       const copa__engine_net *net, const copa__engine_events *events);
int copa__debian_write(copa__engine *engine, const copa__engine_write_input *in,
                       const copa__engine_events *events);
int copa__debian_installed(const copa__engine *engine, copa__engine_package_fn fn, void *payload);

/* --- old_deb.c --- */

/* Where copa__debian_old_deb looks and how it downloads. */
typedef struct copa__debian_old_deb_source {
    const copa__debian *engine;
    const copa__debpatch_fetch_options *fetch;
} copa__debian_old_deb_source;

/*
 * The debpatch old_deb callback (payload: a copa__debian_old_deb_source):
 * NAME VERSION for ARCH from the image's sources, verified and cached like
 * the plan's packages. COPA_ENOTFOUND when no source publishes it.
 */
int copa__debian_old_deb(char **path, void *payload, const char *name, const char *arch,
                         const char *version);

#endif
