/*
 * A dpkg database as inventory packages: every installed entry (status
 * file and distroless status.d alike), with its source package and the
 * purl copa's VEX documents use.
 */
#include "inventory/inventory.h"
#include "util/error.h"
#include "util/utf8.h"
#include "vex/purl.h"

#include <stdlib.h>
#include <string.h>

/* Whether "name=version" is among copa's patch label words. */
static int installed_by_copa(const copa__dpkg_pkg *pkg, char *const *patched, size_t count)
{
    size_t n = strlen(pkg->name), i;

    for (i = 0; i < count; i++)
        if (strncmp(patched[i], pkg->name, n) == 0 && patched[i][n] == '=' &&
            strcmp(patched[i] + n + 1, pkg->version) == 0)
            return 1;
    return 0;
}

static int fill(copa_inventory *inv, copa_package *out, const copa__dpkg_pkg *pkg,
                char *const *patched, size_t patched_count)
{
    char *purl = NULL;
    int rc;

    if (pkg->version[0] == '\0')
        return copa__error_set(COPA_EINVALID,
                               "dpkg database: installed package '%s' has no "
                               "version",
                               pkg->name);
    if ((rc = copa__purl_package(&purl, COPA_PKG_DEB, inv->os_id, inv->os_version, pkg->name,
                                 pkg->version, pkg->arch)) != 0)
        return rc;
    out->purl = copa__arena_strdup(&inv->arena, purl);
    free(purl);
    out->name = copa__utf8_arena_dup(&inv->arena, pkg->name);
    out->version = copa__utf8_arena_dup(&inv->arena, pkg->version);
    out->arch = copa__utf8_arena_dup(&inv->arena, pkg->arch);
    out->source_name = copa__utf8_arena_dup(&inv->arena, pkg->source);
    out->source_version = copa__utf8_arena_dup(&inv->arena, pkg->source_version);
    out->patched = installed_by_copa(pkg, patched, patched_count);
    if (out->purl == NULL || out->name == NULL || out->version == NULL || out->arch == NULL ||
        out->source_name == NULL || out->source_version == NULL)
        return copa__error_oom();
    return 0;
}

int copa__inventory_from_dpkg(copa_inventory *inv, const copa__dpkg_db *db, char *const *patched,
                              size_t patched_count)
{
    size_t i;
    int rc = 0;

    inv->package_manager = "dpkg";
    if (db->installed_count == 0)
        return 0;
    inv->packages = copa__arena_alloc(&inv->arena, db->installed_count * sizeof(copa_package));
    if (inv->packages == NULL)
        return copa__error_oom();
    for (i = 0; rc == 0 && i < db->installed_count; i++)
        rc = fill(inv, &inv->packages[i], db->installed[i].pkg, patched, patched_count);
    if (rc == 0)
        inv->package_count = db->installed_count;
    return rc;
}
