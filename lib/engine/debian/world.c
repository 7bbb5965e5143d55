/*
 * The resolver's world of a Debian image (docs/resolver.md, "Input
 * model"): installed packages from the dpkg database, candidates from the
 * repositories the apt client loaded (those the resolver can reach:
 * world_scope.c). Both sides keep their relation
 * fields as text; copa__rs_world_add parses and checks them.
 */
#include "engine/debian/debian.h"
#include "engine/debian/world_scope.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static copa__apt_multiarch multiarch_of(const char *text)
{
    if (text == NULL)
        return COPA__MA_NO;
    if (strcmp(text, "same") == 0)
        return COPA__MA_SAME;
    if (strcmp(text, "foreign") == 0)
        return COPA__MA_FOREIGN;
    if (strcmp(text, "allowed") == 0)
        return COPA__MA_ALLOWED;
    return COPA__MA_NO;
}

static int add_installed(copa__rs_world *w, const copa__dpkg_entry *e, const char *native)
{
    const copa__dpkg_pkg *p = e->pkg;
    copa__rs_pkg_text t;

    memset(&t, 0, sizeof(t));
    t.name = p->name;
    t.version = p->version;
    /* A distroless stanza may lack Architecture: it is then the image's own. */
    t.arch = p->arch != NULL && p->arch[0] != '\0' ? p->arch : native;
    t.multi_arch = multiarch_of(p->multi_arch);
    t.source = p->source;
    t.source_version = p->source_version;
    t.pre_depends = p->pre_depends;
    t.depends = p->depends;
    t.provides = p->provides;
    t.breaks = p->breaks;
    t.conflicts = p->conflicts;
    t.held = p->want == COPA__DPKG_WANT_HOLD;
    if (copa__rs_world_add(w, NULL, 1, &t) != 0)
        return copa__error_prefix("%s: ", e->file != NULL ? e->file->name : "dpkg status");
    return 0;
}

static int add_candidate(copa__rs_world *w, const copa__apt_repo *repo, int number,
                         const copa__apt_package *a, const copa__apt_prefs *prefs)
{
    copa__rs_pkg_text t;
    char *url = NULL;
    int rc;

    memset(&t, 0, sizeof(t));
    t.name = a->name;
    t.version = a->version;
    t.arch = a->arch;
    t.multi_arch = a->multi_arch;
    t.source = a->source;
    t.source_version = a->source_version;
    t.pre_depends = a->pre_depends;
    t.depends = a->depends;
    t.provides = a->provides;
    t.breaks = a->breaks;
    t.conflicts = a->conflicts;
    t.repo = number;
    t.priority =
        prefs != NULL ? copa__apt_prefs_priority(prefs, repo, a) : COPA__RS_PRIORITY_DEFAULT;
    t.size = a->size;
    t.sha256 = a->sha256;
    if (a->filename != NULL && (rc = copa__apt_source_pool_url(&url, &repo->src, a->filename)) != 0)
        return rc;
    t.url = url;
    rc = copa__rs_world_add(w, NULL, 0, &t);
    free(url);
    return rc != 0 ? copa__error_prefix("%s: ", repo->name) : 0;
}

int copa__debian_world_build(copa__rs_world *w, const copa__dpkg_db *db,
                             const copa__apt_result *apt, const copa__apt_prefs *prefs)
{
    unsigned char **selected = NULL;
    size_t i, j;
    int rc;

    if (db == NULL || db->native_arch == NULL)
        return copa__error_set(COPA_EINVALID, "the image's dpkg architecture is unknown");
    if ((rc = copa__rs_world_init(w, COPA_PKG_DEB, db->native_arch)) != 0)
        return rc;
    for (i = 0; rc == 0 && i < db->installed_count; i++)
        rc = add_installed(w, &db->installed[i], db->native_arch);
    if (rc == 0 && apt != NULL)
        rc = copa__world_scope(&selected, db, apt);
    for (i = 0; rc == 0 && apt != NULL && i < apt->count; i++) {
        const copa__apt_repo *repo = &apt->repos[i];
        for (j = 0; rc == 0 && j < repo->packages.count; j++)
            if (selected[i][j])
                rc = add_candidate(w, repo, (int)i, &repo->packages.items[j], prefs);
    }
    copa__world_scope_free(selected, apt != NULL ? apt->count : 0);
    if (rc != 0)
        copa__rs_world_free(w);
    return rc;
}
