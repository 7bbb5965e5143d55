/*
 * An engine's installed packages as inventory entries: name, version,
 * arch, source, the purl copa's VEX documents use (of the engine's
 * package format), and whether copa's own layer installed it.
 */
#include "inventory/inventory.h"
#include "util/error.h"
#include "util/utf8.h"
#include "vex/purl.h"

#include <stdlib.h>
#include <string.h>

/* Whether "name=version" is among copa's patch label words. */
static int installed_by_copa(const copa__engine_package *pkg, char *const *patched, size_t count)
{
    size_t n = strlen(pkg->name), i;

    for (i = 0; i < count; i++)
        if (strncmp(patched[i], pkg->name, n) == 0 && patched[i][n] == '=' &&
            strcmp(patched[i] + n + 1, pkg->version) == 0)
            return 1;
    return 0;
}

typedef struct fill_state {
    copa_inventory *inv;
    copa_pkg_format format;
    const char *package_manager;
    char *const *patched;
    size_t patched_count;
    size_t count; /* packages seen (the counting pass) or filled */
} fill_state;

static int count_one(void *payload, const copa__engine_package *pkg)
{
    (void)pkg;
    ((fill_state *)payload)->count++;
    return 0;
}

static int fill_one(void *payload, const copa__engine_package *pkg)
{
    fill_state *st = payload;
    copa_inventory *inv = st->inv;
    copa_package *out = &inv->packages[st->count];
    char *purl = NULL;
    int rc;

    if (pkg->version == NULL || pkg->version[0] == '\0')
        return copa__error_set(COPA_EINVALID, "%s database: installed package '%s' has no version",
                               st->package_manager, pkg->name);
    if ((rc = copa__purl_package(&purl, st->format, inv->os_id, inv->os_version, pkg->name,
                                 pkg->version, pkg->arch)) != 0)
        return rc;
    out->purl = copa__arena_strdup(&inv->arena, purl);
    free(purl);
    out->name = copa__utf8_arena_dup(&inv->arena, pkg->name);
    out->version = copa__utf8_arena_dup(&inv->arena, pkg->version);
    out->arch = copa__utf8_arena_dup(&inv->arena, pkg->arch != NULL ? pkg->arch : "");
    out->source_name =
        copa__utf8_arena_dup(&inv->arena, pkg->source_name != NULL ? pkg->source_name : pkg->name);
    out->source_version = copa__utf8_arena_dup(
        &inv->arena, pkg->source_version != NULL ? pkg->source_version : pkg->version);
    out->patched = installed_by_copa(pkg, st->patched, st->patched_count);
    if (out->purl == NULL || out->name == NULL || out->version == NULL || out->arch == NULL ||
        out->source_name == NULL || out->source_version == NULL)
        return copa__error_oom();
    st->count++;
    return 0;
}

int copa__inventory_from_engine(copa_inventory *inv, const copa__engine *engine,
                                char *const *patched, size_t patched_count)
{
    const copa__engine_ops *ops = engine->ops;
    fill_state st;
    int rc;

    memset(&st, 0, sizeof(st));
    st.inv = inv;
    st.format = ops->format;
    st.package_manager = ops->name;
    st.patched = patched;
    st.patched_count = patched_count;
    inv->package_manager = ops->name;
    if ((rc = ops->installed(engine, count_one, &st)) != 0 || st.count == 0)
        return rc;
    inv->packages = copa__arena_alloc(&inv->arena, st.count * sizeof(copa_package));
    if (inv->packages == NULL)
        return copa__error_oom();
    st.count = 0;
    if ((rc = ops->installed(engine, fill_one, &st)) == 0)
        inv->package_count = st.count;
    return rc;
}
