/*
 * Conffile decisions, Conffiles carried over an upgrade, dropped files.
 */
#include "pkg/dpkg_conffile.h"
#include "pkg/dpkg_write.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int same_md5(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcasecmp(a, b) == 0;
}

copa__conffile_action copa__conffile_decide(const char *current_md5, const char *old_md5,
                                            const char *new_md5)
{
    if (old_md5 != NULL && strcmp(old_md5, "newconffile") == 0)
        old_md5 = NULL;
    if (same_md5(current_md5, new_md5))
        return COPA__CONFFILE_KEEP;
    if (old_md5 == NULL)
        return current_md5 == NULL ? COPA__CONFFILE_INSTALL : COPA__CONFFILE_KEEP_DIST;
    if (current_md5 == NULL)
        return COPA__CONFFILE_KEEP;
    if (same_md5(current_md5, old_md5))
        return COPA__CONFFILE_INSTALL;
    return same_md5(old_md5, new_md5) ? COPA__CONFFILE_KEEP : COPA__CONFFILE_KEEP_DIST;
}

const char *copa__conffile_action_name(copa__conffile_action action)
{
    switch (action) {
    case COPA__CONFFILE_INSTALL:
        return "install";
    case COPA__CONFFILE_KEEP:
        return "keep";
    case COPA__CONFFILE_KEEP_DIST:
        return "keep, new version as .dpkg-dist";
    }
    return "?";
}

int copa__dpkg_conffiles_merge(copa__dpkg_conffile **out, size_t *count, copa__arena *arena,
                               const copa__dpkg_conffile *old, size_t old_count,
                               const copa__dpkg_conffile *fresh, size_t fresh_count,
                               int (*shipped)(const char *path, void *payload), void *payload)
{
    copa__dpkg_conffile *arr =
        copa__arena_alloc(arena, (old_count + fresh_count + 1) * sizeof(*arr));
    size_t n = 0, i, j;

    if (arr == NULL)
        return copa__error_oom();
    for (i = 0; i < fresh_count; i++)
        arr[n++] = fresh[i];
    for (i = 0; i < old_count; i++) {
        int listed = 0;
        for (j = 0; j < fresh_count && !listed; j++)
            listed = strcmp(fresh[j].path, old[i].path) == 0;
        if (listed || (shipped != NULL && shipped(old[i].path, payload)))
            continue;
        /* dpkg leaves the file on disk and remembers it as obsolete */
        arr[n] = old[i];
        arr[n++].flags |= COPA__CONFFILE_OBSOLETE;
    }
    *out = arr;
    *count = n;
    return 0;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int copa__path_set_init(copa__path_set *out, copa__arena *arena, const char *const *paths,
                        size_t count)
{
    size_t i, n = 0;
    const char **arr = copa__arena_alloc(arena, (count + 1) * sizeof(*arr));
    if (arr == NULL)
        return copa__error_oom();
    if (count > 0)
        memcpy(arr, paths, count * sizeof(*arr));
    qsort(arr, count, sizeof(*arr), cmp_path);
    for (i = 0; i < count; i++)
        if (n == 0 || strcmp(arr[n - 1], arr[i]) != 0)
            arr[n++] = arr[i];
    out->paths = arr;
    out->count = n;
    return 0;
}

/* Index of the first path >= key. */
static size_t lower_bound(const copa__path_set *set, const char *key)
{
    size_t lo = 0, hi = set->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(set->paths[mid], key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int copa__path_set_has(const copa__path_set *set, const char *path)
{
    size_t i = lower_bound(set, path);
    return i < set->count && strcmp(set->paths[i], path) == 0;
}

int copa__path_set_has_below(const copa__path_set *set, const char *dir)
{
    size_t len = strlen(dir), i;
    /* Paths below "dir" start with "dir/", and sort right after "dir/". */
    char *prefix = malloc(len + 2);
    int found;
    if (prefix == NULL)
        return 1; /* keep the directory when in doubt */
    memcpy(prefix, dir, len);
    prefix[len] = '/';
    prefix[len + 1] = '\0';
    i = lower_bound(set, prefix);
    found = i < set->count && strncmp(set->paths[i], prefix, len + 1) == 0;
    free(prefix);
    return found;
}

int copa__dpkg_dropped_files(const char ***out, size_t *count, copa__arena *arena,
                             const char *const *old_list, size_t old_count,
                             const copa__path_set *new_paths, const copa__path_set *kept,
                             const copa__path_set *others)
{
    const char **arr = copa__arena_alloc(arena, (old_count + 1) * sizeof(*arr));
    size_t i, n = 0;

    if (arr == NULL)
        return copa__error_oom();
    for (i = 0; i < old_count; i++) {
        const char *p = old_list[i];
        if (strcmp(p, "/.") == 0 || strcmp(p, "/") == 0)
            continue;
        if (copa__path_set_has(new_paths, p) || copa__path_set_has(others, p) ||
            (kept != NULL && copa__path_set_has(kept, p)))
            continue;
        if (copa__path_set_has_below(new_paths, p) || copa__path_set_has_below(others, p) ||
            (kept != NULL && copa__path_set_has_below(kept, p)))
            continue; /* a directory something still needs */
        arr[n++] = p;
    }
    *out = arr;
    *count = n;
    return 0;
}
