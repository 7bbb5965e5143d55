/*
 * The installed version's own .deb, for the conffile decisions of a
 * distroless image (lib/debpatch/old_conffiles.c): looked up by name,
 * version and architecture in the image's sources as loaded (the scoped
 * load keeps every stanza named like an installed package, so the
 * installed version's stanza is there whenever a suite still publishes
 * it), then downloaded and verified by copa__debpatch_fetch exactly like
 * the plan's packages: size and SHA-256 from the signed index, same cache.
 */
#include "engine/debian/debian.h"
#include "repo/sources.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static const copa__apt_package *published(const copa__apt_repo **repo, const copa__apt_result *apt,
                                          const char *name, const char *arch, const char *version)
{
    size_t i, j;
    for (i = 0; apt != NULL && i < apt->count; i++)
        for (j = 0; j < apt->repos[i].packages.count; j++) {
            const copa__apt_package *a = &apt->repos[i].packages.items[j];
            if (strcmp(a->name, name) == 0 && strcmp(a->version, version) == 0 && a->arch != NULL &&
                strcmp(a->arch, arch) == 0 && a->sha256 != NULL && a->filename != NULL) {
                *repo = &apt->repos[i];
                return a;
            }
        }
    return NULL;
}

int copa__debian_old_deb(char **path, void *payload, const char *name, const char *arch,
                         const char *version)
{
    const copa__debian_old_deb_source *src = payload;
    const copa__apt_repo *repo = NULL;
    const copa__apt_package *a =
        published(&repo, src->engine->have_apt ? &src->engine->apt : NULL, name, arch, version);
    copa__rs_pkg pkg;
    copa__rs_step step;
    copa__rs_plan plan;
    char **paths = NULL, *url = NULL;
    int rc;

    *path = NULL;
    if (a == NULL)
        return copa__error_set(COPA_ENOTFOUND, "%s %s (%s) is not published by the image's sources",
                               name, version, arch);
    if ((rc = copa__apt_source_pool_url(&url, &repo->src, a->filename)) != 0)
        return rc;
    memset(&pkg, 0, sizeof(pkg));
    memset(&step, 0, sizeof(step));
    memset(&plan, 0, sizeof(plan));
    pkg.name = a->name;
    pkg.version = a->version;
    pkg.arch = a->arch;
    pkg.size = a->size;
    pkg.sha256 = a->sha256;
    pkg.url = url;
    step.name = a->name;
    step.arch = a->arch;
    step.to = a->version;
    step.pkg = &pkg;
    plan.steps = &step;
    plan.nsteps = 1;
    rc = copa__debpatch_fetch(&paths, &plan, src->fetch);
    if (rc == 0) {
        *path = paths[0];
        free(paths);
    }
    free(url);
    return rc;
}
