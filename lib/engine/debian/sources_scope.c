/*
 * The image's apt sources loaded for one patch: only the Packages stanzas
 * the resolver can reach (world_scope.c) are kept, which for a Debian
 * image is a few thousand of ~66 000 and most of the index memory.
 *
 * The first scan wants the installed names and the names their Depends
 * and Pre-Depends give, and follows kept stanzas' dependencies as it goes
 * (packages_filter.c). Then the closure is walked over what was kept: a
 * visited name whose stanzas may have been dropped before it was wanted
 * (a newer candidate's new dependency that sorts earlier, a provider met
 * before its virtual name was wanted) means another scan with everything
 * learnt wanted from the start. When no visited name was missed, the
 * closure over the kept stanzas is the closure over all of them, so the
 * world and the plan are the same as from a full load.
 */
#include "engine/debian/debian.h"
#include "engine/debian/world_scope.h"
#include "repo/relation_names.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

/* Scans before giving up on scoping and keeping everything (never reached
 * in practice: each scan wants strictly more names than the one before). */
#define MAX_SCANS 8

static int want_cb(void *f, const char *name, size_t len)
{
    return copa__apt_filter_want(f, name, len);
}

static int want_relations(copa__apt_filter *f, const char *text)
{
    return copa__relation_each_name(text, want_cb, f);
}

/* Installed names and their dependencies' names: wanted from the start. */
static int seed(copa__apt_filter *f, const copa__dpkg_db *db)
{
    size_t i;
    int rc = 0;

    f->follow = 1;
    for (i = 0; rc == 0 && i < db->installed_count; i++) {
        const copa__dpkg_pkg *p = db->installed[i].pkg;
        rc = copa__apt_filter_want(f, p->name, strlen(p->name));
        if (rc == 0)
            rc = want_relations(f, p->depends);
        if (rc == 0)
            rc = want_relations(f, p->pre_depends);
    }
    return rc;
}

/* Names of the closure whose stanzas may be missing: wanted now, counted. */
static int missed_names(size_t *missed, copa__apt_filter *f, const copa__dpkg_db *db,
                        const copa__apt_result *apt)
{
    copa__names visited;
    size_t i;
    int rc = copa__world_scope_names(&visited, db, apt);

    *missed = 0;
    for (i = 0; rc == 0 && i < visited.count; i++) {
        if (!copa__apt_filter_missed(f, visited.order[i]))
            continue;
        (*missed)++;
        rc = copa__names_add(&f->wanted, visited.order[i], strlen(visited.order[i]));
        rc = rc < 0 ? rc : 0;
    }
    copa__names_free(&visited);
    return rc;
}

/* "kept K of S package stanzas (...)" for the sources stage's end event. */
static void summarize(const copa__engine_events *events, const copa__apt_result *apt, int scans,
                      int scoped)
{
    size_t scanned = 0, i;
    char msg[160];

    for (i = 0; i < apt->count; i++) {
        const copa__apt_packages *idx = &apt->repos[i].packages;
        scanned += idx->count + idx->unwanted + idx->other_arch;
    }
    snprintf(msg, sizeof(msg), "kept %zu of %zu package stanzas (%s, %d scan%s)",
             apt->package_count, scanned, scoped ? "those the installed packages can reach" : "all",
             scans, scans == 1 ? "" : "s");
    if (events != NULL && events->summary != NULL)
        events->summary(events->payload, msg);
}

int copa__debian_load_scoped(copa__apt_result *apt, const copa__image_files *fs,
                             copa__apt_options *opts, const copa__dpkg_db *db,
                             const copa__engine_events *events)
{
    copa__apt_filter *f = opts->filter;
    size_t missed = 1;
    int scans = 1, rc;

    if (f != NULL && (rc = seed(f, db)) != 0)
        return rc;
    rc = copa__apt_load(apt, fs, opts);
    while (rc == 0 && f != NULL && (rc = missed_names(&missed, f, db, apt)) == 0 && missed > 0) {
        copa__apt_filter_rescan(f);
        if (++scans > MAX_SCANS)
            opts->filter = f = NULL; /* a safe answer beats a small one */
        rc = copa__apt_reload_indexes(apt, opts);
    }
    if (rc == 0)
        summarize(events, apt, scans, f != NULL);
    return rc;
}
