/*
 * A multi-platform patch's result: one outcome per platform, and every
 * platform run's updates, skipped fixes, unfixable IDs and scripts
 * gathered into the one result (copied: each platform's result is freed).
 */
#include "patch/patch.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static const char *dup(copa_patch_result *r, const char *s)
{
    return copa__arena_strndup(&r->arena, s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

int copa__patch_result_add_platform(copa_patch_result *r, const char *platform, const char *status,
                                    size_t update_count, const char *digest, const char *message)
{
    copa_patch_platform *grown = realloc(r->platforms, (r->platform_count + 1) * sizeof(*grown));
    copa_patch_platform *p;

    if (grown == NULL)
        return copa__error_oom();
    r->platforms = grown;
    p = &r->platforms[r->platform_count];
    p->platform = dup(r, platform);
    p->status = dup(r, status);
    p->update_count = update_count;
    p->digest = dup(r, digest);
    p->message = dup(r, message);
    if (!p->platform || !p->status || !p->digest || !p->message)
        return copa__error_oom();
    r->platform_count++;
    return 0;
}

/* Grow *items (of `size` bytes each) by `more`; the new ones are zeroed. */
static int grow(void **items, size_t count, size_t more, size_t size)
{
    char *grown = realloc(*items, (count + more + 1) * size);

    if (grown == NULL)
        return copa__error_oom();
    memset(grown + count * size, 0, (more + 1) * size);
    *items = grown;
    return 0;
}

static int merge_updates(copa_patch_result *r, const copa_patch_result *p)
{
    size_t i;
    int rc = grow((void **)&r->updates, r->update_count, p->update_count, sizeof(*r->updates));

    for (i = 0; rc == 0 && i < p->update_count; i++) {
        copa_patch_update *u = &r->updates[r->update_count];
        *u = p->updates[i];
        u->name = dup(r, u->name);
        u->arch = dup(r, u->arch);
        u->from = dup(r, u->from);
        u->to = dup(r, u->to);
        u->reason = dup(r, u->reason);
        if (!u->name || !u->arch || !u->from || !u->to || !u->reason)
            return copa__error_oom();
        r->update_count++;
    }
    return rc;
}

static int merge_skipped(copa_patch_result *r, const copa_patch_result *p)
{
    size_t i;
    int rc = grow((void **)&r->skipped, r->skipped_count, p->skipped_count, sizeof(*r->skipped));

    for (i = 0; rc == 0 && i < p->skipped_count; i++) {
        copa_patch_skipped *k = &r->skipped[r->skipped_count];
        *k = p->skipped[i]; /* cause is a static string */
        k->name = dup(r, k->name);
        k->installed = dup(r, k->installed);
        k->required = dup(r, k->required);
        k->best = dup(r, k->best);
        k->message = dup(r, k->message);
        if (!k->name || !k->installed || !k->required || !k->best || !k->message)
            return copa__error_oom();
        r->skipped_count++;
    }
    return rc;
}

static int merge_unfixable(copa_patch_result *r, const copa_patch_result *p)
{
    size_t i;
    int rc =
        grow((void **)&r->unfixable, r->unfixable_count, p->unfixable_count, sizeof(*r->unfixable));

    for (i = 0; rc == 0 && i < p->unfixable_count; i++) {
        copa_patch_unfixable *u = &r->unfixable[r->unfixable_count];
        *u = p->unfixable[i];
        u->name = dup(r, u->name);
        u->installed = dup(r, u->installed);
        u->vulnerability_id = dup(r, u->vulnerability_id);
        u->status = dup(r, u->status);
        if (!u->name || !u->installed || !u->vulnerability_id || !u->status)
            return copa__error_oom();
        r->unfixable_count++;
    }
    return rc;
}

int copa__patch_result_merge(copa_patch_result *r, const copa_patch_result *p)
{
    size_t i;
    int rc;

    if ((rc = merge_updates(r, p)) != 0 || (rc = merge_skipped(r, p)) != 0 ||
        (rc = merge_unfixable(r, p)) != 0)
        return rc;
    for (i = 0; rc == 0 && i < p->script_count; i++)
        rc = copa__patch_result_add_script(r, p->scripts[i]);
    if (p->layer_compression[0] != '\0')
        memcpy(r->layer_compression, p->layer_compression, sizeof(r->layer_compression));
    r->layer_size += p->layer_size;
    r->repatched |= p->repatched;
    return rc;
}

size_t copa_patch_result_platform_count(const copa_patch_result *r)
{
    return r != NULL ? r->platform_count : 0;
}

const copa_patch_platform *copa_patch_result_platform(const copa_patch_result *r, size_t i)
{
    return r != NULL && i < r->platform_count ? &r->platforms[i] : NULL;
}
