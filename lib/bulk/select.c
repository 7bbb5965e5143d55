/*
 * Tag selection for one images[] entry: strategy, exclude, maxTags.
 */
#include "bulk/select.h"
#include "util/error.h"
#include "util/grow.h"

#include <stdlib.h>
#include <string.h>

void copa__bulk_tags_free(char **tags, size_t count)
{
    size_t i;

    for (i = 0; tags != NULL && i < count; i++)
        free(tags[i]);
    free(tags);
}

static int is_excluded(const copa__bulk_image *image, const char *tag)
{
    size_t i;

    for (i = 0; i < image->exclude_count; i++)
        if (strcmp(image->exclude[i], tag) == 0)
            return 1;
    return 0;
}

/* Highest first: semver tags by precedence (ties by text), then the rest lexically. */
static int compare_desc(const void *pa, const void *pb)
{
    const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
    int va = copa__semver_valid(a), vb = copa__semver_valid(b), ok, c;

    if (va != vb)
        return va ? -1 : 1;
    if (va) {
        c = copa__semver_compare(a, b, &ok);
        if (c != 0)
            return -c;
    }
    return -strcmp(a, b);
}

static int push(char ***out, size_t *count, const char *tag)
{
    char **grown = !copa__grow_needed(*out, *count + 1)
                       ? *out
                       : realloc(*out, copa__grow_slots(*count + 2) * sizeof(char *));

    if (grown == NULL)
        return copa__error_oom();
    *out = grown;
    if ((grown[*count] = strdup(tag)) == NULL)
        return copa__error_oom();
    grown[++*count] = NULL;
    return 0;
}

static int already(char **tags, size_t count, const char *tag)
{
    size_t i;

    for (i = 0; i < count; i++)
        if (strcmp(tags[i], tag) == 0)
            return 1;
    return 0;
}

/* Sorted tags (equal ones are neighbours): keep one of each. */
static void drop_adjacent_duplicates(char **tags, size_t *count)
{
    size_t i, kept = 0;

    for (i = 0; i < *count; i++) {
        if (kept > 0 && strcmp(tags[kept - 1], tags[i]) == 0)
            free(tags[i]);
        else
            tags[kept++] = tags[i];
    }
    if (tags != NULL)
        tags[kept] = NULL;
    *count = kept;
}

/* The candidate tags of the strategy, before ordering and capping. */
static int candidates(char ***out, size_t *count, const copa__bulk_image *image,
                      char *const *available, size_t available_count)
{
    size_t i;
    int rc;

    if (image->strategy == COPA__TAGS_LIST) {
        for (i = 0; i < image->list_count; i++)
            if (!is_excluded(image, image->list[i]) && !already(*out, *count, image->list[i]) &&
                (rc = push(out, count, image->list[i])) != 0)
                return rc;
        return 0;
    }
    /* a registry's list may be long (TAGS_MAX): duplicates go after sorting, not here */
    for (i = 0; i < available_count; i++) {
        const char *tag = available[i];

        if (is_excluded(image, tag))
            continue;
        if (image->strategy == COPA__TAGS_PATTERN && regexec(&image->regex, tag, 0, NULL, 0) != 0)
            continue;
        if (image->strategy == COPA__TAGS_LATEST && !copa__semver_valid(tag))
            continue;
        if ((rc = push(out, count, tag)) != 0)
            return rc;
    }
    return 0;
}

/*
 * latest means the newest release: move the highest tag without a
 * pre-release part ("2.0.0" rather than "2.1.0-rc.1") to the front. Only
 * when every tag has one ("3.19-alpine" parses with pre-release "alpine")
 * does the highest of them win.
 */
static void prefer_release(char **sorted, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++) {
        const char *tag = sorted[i] + (sorted[i][0] == 'v');

        if (strchr(tag, '-') == NULL) {
            char *release = sorted[i];

            memmove(&sorted[1], &sorted[0], i * sizeof(char *));
            sorted[0] = release;
            return;
        }
    }
}

int copa__bulk_select_tags(char ***out, size_t *count, const copa__bulk_image *image,
                           char *const *available, size_t available_count)
{
    size_t keep, i;
    int rc;

    *out = NULL;
    *count = 0;
    if ((rc = candidates(out, count, image, available, available_count)) != 0)
        goto fail;
    if (image->strategy == COPA__TAGS_LIST)
        return 0; /* the user's order */
    if (*count > 1)
        qsort(*out, *count, sizeof(char *), compare_desc);
    drop_adjacent_duplicates(*out, count);
    if (image->strategy == COPA__TAGS_LATEST) {
        prefer_release(*out, *count);
        if (*count == 0) {
            rc = copa__error_set(COPA_ENOTFOUND,
                                 "%s: no tag of %s parses as a semantic version (strategy latest)",
                                 image->name, image->image);
            goto fail;
        }
        keep = 1;
    } else {
        keep = image->max_tags != 0 && image->max_tags < *count ? image->max_tags : *count;
    }
    for (i = keep; i < *count; i++) {
        free((*out)[i]);
        (*out)[i] = NULL;
    }
    *count = keep;
    return 0;
fail:
    copa__bulk_tags_free(*out, *count);
    *out = NULL;
    *count = 0;
    return rc;
}
