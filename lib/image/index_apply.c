/*
 * Rewriting an index after several of its platforms were rebuilt: entries
 * point at the new manifests, attestations of the old ones are left out,
 * everything else (order, platforms, annotations, unknown fields, the
 * index's media type) stays.
 */
#include "image/platform_list.h"
#include "image/rebuild_index.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

void copa__strings_free(char **strings, size_t count)
{
    size_t i;

    for (i = 0; strings != NULL && i < count; i++)
        free(strings[i]);
    free(strings);
}

/* The replacement that changes the manifest `digest`, or NULL. */
static const copa__index_replacement *replacement_of(const copa__index_replacement *r, size_t n,
                                                     const char *digest)
{
    size_t i;

    for (i = 0; digest != NULL && i < n; i++)
        if (strcmp(r[i].old_digest, digest) == 0 && strcmp(r[i].digest, r[i].old_digest) != 0)
            return &r[i];
    return NULL;
}

static int check_present(const copa__index *idx, const copa__index_replacement *r, size_t n)
{
    size_t i, j;

    for (i = 0; i < n; i++) {
        for (j = 0; j < idx->manifest_count; j++)
            if (strcmp(idx->manifests[j].digest, r[i].old_digest) == 0)
                break;
        if (j == idx->manifest_count)
            return copa__error_set(COPA_ENOTFOUND, "index: no entry for manifest %s",
                                   r[i].old_digest);
    }
    return 0;
}

/* Remove the attestations of replaced manifests; their digests go to *out. */
static int drop_attestations(copa__index *idx, const copa__index_replacement *r, size_t n,
                             char ***out, size_t *count, int *changed)
{
    cJSON *list = cJSON_GetObjectItemCaseSensitive(idx->doc.json, "manifests");
    copa__entry_plan *plans;
    unsigned char *drop;
    size_t i;
    int error;

    if ((error = copa__index_plan(&plans, idx, NULL)) != 0)
        return error;
    if ((drop = calloc(idx->manifest_count + 1, 1)) == NULL ||
        (*out = calloc(idx->manifest_count + 1, sizeof(**out))) == NULL) {
        free(plans);
        free(drop);
        return copa__error_oom();
    }
    for (i = 0; i < idx->manifest_count; i++) {
        if (plans[i].role != COPA__ENTRY_ATTESTATION ||
            replacement_of(r, n, plans[i].subject) == NULL)
            continue;
        if (((*out)[*count] = strdup(idx->manifests[i].digest)) == NULL) {
            free(plans);
            free(drop);
            return copa__error_oom();
        }
        (*count)++;
        drop[i] = 1;
    }
    free(plans);
    /* From the end, so that positions still to visit stay valid. */
    for (i = idx->manifest_count; i-- > 0;) {
        if (drop[i]) {
            cJSON_DeleteItemFromArray(list, (int)i);
            *changed = 1;
        }
    }
    free(drop);
    return *changed ? copa__index_refresh(idx) : 0;
}

static int replace_entries(copa__index *idx, const copa__index_replacement *r, size_t n,
                           int *changed)
{
    size_t i;
    int error;

    for (i = 0; i < idx->manifest_count; i++) {
        cJSON *entry = idx->manifests[i].json;
        const copa__index_replacement *with = replacement_of(r, n, idx->manifests[i].digest);
        if (with == NULL)
            continue;
        /* idx->manifests[i]'s strings die here; nothing reads them before the refresh. */
        if ((error = copa__json_replace_string(entry, "mediaType", with->media_type)) != 0 ||
            (error = copa__json_replace_string(entry, "digest", with->digest)) != 0 ||
            (error = copa__json_replace_number(entry, "size", with->size)) != 0)
            return error;
        idx->manifests[i].digest = NULL;
        *changed = 1;
    }
    return 0;
}

int copa__index_apply(copa__index *idx, const copa__index_replacement *replacements, size_t n,
                      char ***dropped, size_t *dropped_count)
{
    char **names = NULL;
    size_t count = 0;
    int changed = 0, error;

    if (dropped != NULL)
        *dropped = NULL;
    if (dropped_count != NULL)
        *dropped_count = 0;
    if ((error = check_present(idx, replacements, n)) != 0)
        return error;
    error = drop_attestations(idx, replacements, n, &names, &count, &changed);
    if (error == 0)
        error = replace_entries(idx, replacements, n, &changed);
    if (error == 0 && changed && (error = copa__index_refresh(idx)) == 0)
        error = copa__doc_reserialize(&idx->doc);
    /* Nothing dropped: no array either, so a caller has nothing to free. */
    if (error != 0 || dropped == NULL || count == 0) {
        copa__strings_free(names, count);
        return error;
    }
    *dropped = names;
    if (dropped_count != NULL)
        *dropped_count = count;
    return 0;
}
