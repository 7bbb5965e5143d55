/*
 * Platform lists ("linux/amd64,linux/arm64") and the plan of a
 * multi-platform patch: which index entries are patched, kept, or are
 * attestations of another entry.
 */
#include "image/platform_list.h"
#include "util/buffer.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static int same_platform(const copa__platform *a, const copa__platform *b)
{
    return strcmp(a->os, b->os) == 0 && strcmp(a->architecture, b->architecture) == 0 &&
           strcmp(a->variant, b->variant) == 0;
}

static int parse_element(copa__platform_list *list, const char *text, const char *start,
                         size_t length, size_t position)
{
    char element[96], a[96], b[96];
    copa__platform *p = &list->items[list->count];
    size_t i;

    if (length == 0)
        return copa__error_set(COPA_EINVALID, "invalid platform list '%s': element %zu is empty",
                               text, position);
    if (length >= sizeof(element))
        return copa__error_set(COPA_EINVALID, "invalid platform list '%s': element %zu is too long",
                               text, position);
    memcpy(element, start, length);
    element[length] = '\0';
    if (copa__platform_parse(p, element) != 0)
        return copa__error_prefix("invalid platform list '%s': ", text);
    for (i = 0; i < list->count; i++) {
        if (same_platform(&list->items[i], p)) {
            copa__platform_format(a, sizeof(a), &list->items[i]);
            copa__platform_format(b, sizeof(b), p);
            return copa__error_set(COPA_EINVALID,
                                   "invalid platform list '%s': element %zu ('%s') names %s "
                                   "again",
                                   text, position, element, a);
        }
    }
    list->count++;
    return 0;
}

int copa__platform_list_parse(copa__platform_list *out, const char *text)
{
    const char *start = text, *comma;
    size_t elements = 1, position = 1;
    int error = 0;

    memset(out, 0, sizeof(*out));
    for (comma = text; (comma = strchr(comma, ',')) != NULL; comma++)
        elements++;
    if ((out->items = calloc(elements, sizeof(*out->items))) == NULL)
        return copa__error_oom();
    for (;;) {
        comma = strchr(start, ',');
        size_t length = comma != NULL ? (size_t)(comma - start) : strlen(start);
        if ((error = parse_element(out, text, start, length, position)) != 0)
            break;
        if (comma == NULL)
            break;
        start = comma + 1;
        position++;
    }
    if (error != 0)
        copa__platform_list_free(out);
    return error;
}

void copa__platform_list_free(copa__platform_list *list)
{
    if (list == NULL)
        return;
    free(list->items);
    memset(list, 0, sizeof(*list));
}

static const char *annotation(const copa__descriptor *d, const char *key)
{
    const cJSON *annotations = cJSON_GetObjectItemCaseSensitive(d->json, "annotations");
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(annotations, key);
    return cJSON_IsString(value) ? value->valuestring : NULL;
}

static void classify_attestation(copa__entry_plan *plan, const copa__descriptor *d)
{
    const char *type = annotation(d, COPA_ANNOTATION_REFERENCE_TYPE);
    const char *subject = annotation(d, COPA_ANNOTATION_REFERENCE_DIGEST);

    if (type == NULL || strcmp(type, COPA_REFERENCE_TYPE_ATTESTATION) != 0)
        return;
    plan->role = COPA__ENTRY_ATTESTATION;
    plan->subject = subject != NULL && copa__digest_validate(subject) == 0 ? subject : NULL;
}

void copa__index_platform_names(copa__buf *out, const copa__index *idx,
                                const copa__entry_plan *plans)
{
    char name[96];
    size_t i;

    for (i = 0; i < idx->manifest_count; i++) {
        if (!idx->manifests[i].has_platform ||
            (plans != NULL && plans[i].role == COPA__ENTRY_ATTESTATION))
            continue;
        copa__platform_format(name, sizeof(name), &idx->manifests[i].platform);
        copa__buf_appendf(out, "%s%s", out->length > 0 ? ", " : "", name);
    }
}

static int not_selectable(const copa__index *idx, const copa__entry_plan *plans,
                          const copa__platform *want, int code, const char *why)
{
    copa__buf have = COPA__BUF_INIT;
    char name[96];

    copa__platform_format(name, sizeof(name), want);
    copa__index_platform_names(&have, idx, plans);
    copa__error_set(code, "platform %s %s; the image has: %s", name, why,
                    have.length > 0 ? have.data : "(no platforms)");
    copa__buf_free(&have);
    return code;
}

/* Mark the entries one list element selects. */
static int select_element(copa__entry_plan *plans, const copa__index *idx,
                          const copa__platform *want)
{
    size_t i, exact = 0, loose = 0, pick = 0;

    for (i = 0; i < idx->manifest_count; i++) {
        const copa__descriptor *d = &idx->manifests[i];
        if (!d->has_platform || plans[i].role == COPA__ENTRY_ATTESTATION)
            continue;
        if (same_platform(want, &d->platform)) {
            plans[i].role = COPA__ENTRY_PATCH;
            exact++;
        } else if (copa__platform_match(want, &d->platform)) {
            loose++;
            pick = i;
        }
    }
    if (exact > 0)
        return 0;
    if (loose == 1) {
        plans[pick].role = COPA__ENTRY_PATCH;
        return 0;
    }
    if (loose > 1)
        return not_selectable(idx, plans, want, COPA_EINVALID,
                              "matches several variants (name one)");
    return not_selectable(idx, plans, want, COPA_ENOTFOUND, "is not in the image");
}

int copa__index_plan(copa__entry_plan **out, const copa__index *idx,
                     const copa__platform_list *want)
{
    copa__entry_plan *plans;
    size_t i;
    int error = 0;

    *out = NULL;
    if ((plans = calloc(idx->manifest_count > 0 ? idx->manifest_count : 1, sizeof(*plans))) == NULL)
        return copa__error_oom();
    for (i = 0; i < idx->manifest_count; i++)
        classify_attestation(&plans[i], &idx->manifests[i]);
    if (want != NULL) {
        for (i = 0; error == 0 && i < want->count; i++)
            error = select_element(plans, idx, &want->items[i]);
    } else {
        for (i = 0; i < idx->manifest_count; i++)
            if (plans[i].role == COPA__ENTRY_KEEP && idx->manifests[i].has_platform &&
                strcmp(idx->manifests[i].platform.os, "linux") == 0)
                plans[i].role = COPA__ENTRY_PATCH;
    }
    if (error != 0) {
        free(plans);
        return error;
    }
    *out = plans;
    return 0;
}
