/*
 * From (package, vulnerability) entries to one update per OS package.
 *
 * Per OS package, each vulnerability asks for a fixed version; when the
 * scanner lists several ("1.2-1, 1.3-1", one per branch) the lowest one
 * above the installed version is the one that fixes it. The update asks
 * for the highest of these over all vulnerabilities, compared with the
 * package format's own ordering. Vulnerabilities without a fixed version
 * go to the unfixed list; a fixed version not above the installed one is
 * dropped with a warning.
 */
#include "report/report.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static int cmp_os(const void *a, const void *b)
{
    const copa__report_entry *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static int cmp_lang(const void *a, const void *b)
{
    const copa__report_entry *x = a, *y = b;
    int c = strcmp(x->type, y->type);
    if (c == 0)
        c = strcmp(x->path, y->path);
    if (c == 0)
        c = strcmp(x->name, y->name);
    if (c == 0)
        c = strcmp(x->installed, y->installed);
    return c != 0 ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sort and deduplicate ids[0..n) into a pool array; returns the count. */
static const char *const *unique_ids(copa_report *r, const char **ids, size_t n, size_t *count)
{
    const char **kept;
    size_t i, k = 0;

    qsort(ids, n, sizeof(*ids), cmp_str);
    kept = copa__arena_alloc(&r->pool, n * sizeof(*kept));
    if (kept == NULL)
        return NULL;
    for (i = 0; i < n; i++)
        if (k == 0 || strcmp(kept[k - 1], ids[i]) != 0)
            kept[k++] = ids[i];
    *count = k;
    return kept;
}

/* The next comma-separated version in *cursor, trimmed, copied into the
 * pool; "" when there are no more; NULL when out of memory. */
static const char *next_version(copa_report *r, const char **cursor)
{
    const char *s = *cursor, *end;

    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0') {
            *cursor = s;
            return "";
        }
        end = s;
        while (*end != ',' && *end != '\0')
            end++;
        *cursor = *end == ',' ? end + 1 : end;
        while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (end > s)
            return copa__arena_strndup(&r->pool, s, (size_t)(end - s));
        s = *cursor;
    }
}

static int check_version(copa_report *r, const char *package, const char *version)
{
    char reason[512];
    int rc = copa_version_valid(r->meta.pkg_format, version);

    if (rc != COPA_EINVALID)
        return rc;
    strncpy(reason, copa_error_last(), sizeof(reason) - 1);
    reason[sizeof(reason) - 1] = '\0';
    return copa__error_set(COPA_EINVALID, "package '%s': invalid %s version '%s' (%s)", package,
                           copa_pkg_format_name(r->meta.pkg_format), version, reason);
}

static int compare(int *order, copa_report *r, const char *a, const char *b)
{
    return copa_version_compare(order, r->meta.pkg_format, a, b);
}

/* The lowest listed fixed version above the installed one, or NULL. */
static int pick_fixed(const char **best, copa_report *r, const copa__report_entry *e)
{
    const char *cursor = e->fixed, *v;
    int rc, order;

    *best = NULL;
    while ((v = next_version(r, &cursor)) != NULL && v[0] != '\0') {
        if ((rc = check_version(r, e->name, v)) != 0 || (rc = compare(&order, r, v, e->installed)))
            return rc;
        if (order <= 0)
            continue;
        if (*best != NULL && (rc = compare(&order, r, v, *best)) != 0)
            return rc;
        if (*best == NULL || order < 0)
            *best = v;
    }
    return v == NULL ? copa__error_oom() : 0;
}

static int is_blank(const char *s)
{
    return s[strspn(s, " \t,")] == '\0';
}

static int emit_update(copa_report *r, const copa__report_entry *g, size_t group_size,
                       const char *installed, const char *fixed, const char **ids, size_t n)
{
    copa_report_update *u = &r->updates[r->update_count];
    size_t i;

    u->vulnerability_ids = unique_ids(r, ids, n, &u->vulnerability_count);
    if (u->vulnerability_ids == NULL)
        return copa__error_oom();
    u->name = g->name;
    u->installed_version = installed;
    u->fixed_version = fixed;
    u->type = copa_pkg_format_name(r->meta.pkg_format);
    u->pkg_class = "os-pkgs";
    u->path = "";
    u->purl = "";
    for (i = 0; i < group_size && u->purl[0] == '\0'; i++)
        u->purl = g[i].purl;
    u->handled = 1;
    r->update_count++;
    return 0;
}

/* One OS package: entries g[0..n), all with the same name. */
static int os_group(copa_report *r, const copa__report_entry *g, size_t n, const char **ids)
{
    const copa__report_entry *best_entry = g;
    const char *best = NULL, *fixed;
    size_t i, k = 0;
    int rc = 0, order;

    for (i = 0; i < n && rc == 0; i++) {
        const copa__report_entry *e = &g[i];
        if ((rc = check_version(r, e->name, e->installed)) != 0)
            break;
        if (is_blank(e->fixed)) {
            rc = copa__report_add_unfixed(r, e);
            continue;
        }
        if ((rc = pick_fixed(&fixed, r, e)) != 0)
            break;
        if (fixed == NULL) {
            rc = copa__report_warn(r,
                                   "package '%s': fixed version '%s' of %s is not above the "
                                   "installed version '%s'; dropped",
                                   e->name, e->fixed, e->vuln_id, e->installed);
            continue;
        }
        if (best != NULL && (rc = compare(&order, r, fixed, best)) != 0)
            break;
        if (best == NULL || order > 0) {
            best = fixed;
            /* A scanner may list one package with different installed
             * versions; report the one the chosen fix was measured against. */
            best_entry = e;
        }
        ids[k++] = e->vuln_id;
    }
    if (rc != 0 || k == 0)
        return rc;
    return emit_update(r, g, n, best_entry->installed, best, ids, k);
}

static int build_os(copa_report *r, copa__report_entry *os, size_t n, const char **ids)
{
    size_t start = 0, end;
    int rc;

    qsort(os, n, sizeof(*os), cmp_os);
    r->updates = calloc(n != 0 ? n : 1, sizeof(*r->updates));
    if (r->updates == NULL)
        return copa__error_oom();
    while (start < n) {
        size_t unfixed_mark = r->unfixed_count, warning_mark = r->warning_count;
        for (end = start + 1; end < n && strcmp(os[end].name, os[start].name) == 0; end++)
            ;
        rc = os_group(r, os + start, end - start, ids);
        if (rc == COPA_EINVALID && r->ignore_errors) {
            /* Skip the whole package: what it added is undone, the reason kept. */
            char reason[1024];
            strncpy(reason, copa_error_last(), sizeof(reason) - 1);
            reason[sizeof(reason) - 1] = '\0';
            r->unfixed_count = unfixed_mark;
            r->warning_count = warning_mark;
            rc = copa__report_warn(r, "skipped %s", reason);
        }
        if (rc != 0)
            return rc;
        start = end;
    }
    return 0;
}

/* One language package: entries g[0..n) with the same type, path, name and
 * installed version. Its versions are not compared (no ordering for them
 * here); the distinct fixed versions are kept as given. */
static int lang_group(copa_report *r, const copa__report_entry *g, size_t n, const char **ids)
{
    const char **fixed = ids + n;
    size_t i, j, k = 0, f = 0, length = 1;
    copa_report_update *u;
    char *joined;
    int rc;

    for (i = 0; i < n; i++) {
        const char *cursor = g[i].fixed, *v;
        if (is_blank(g[i].fixed)) {
            if ((rc = copa__report_add_unfixed(r, &g[i])) != 0)
                return rc;
            continue;
        }
        ids[k++] = g[i].vuln_id;
        while ((v = next_version(r, &cursor)) != NULL && v[0] != '\0') {
            for (j = 0; j < f && strcmp(fixed[j], v) != 0; j++)
                ;
            if (j == f) {
                fixed[f++] = v;
                length += strlen(v) + 2;
            }
        }
        if (v == NULL)
            return copa__error_oom();
    }
    if (k == 0)
        return 0;
    joined = copa__arena_alloc(&r->pool, length);
    if (joined == NULL)
        return copa__error_oom();
    joined[0] = '\0';
    for (j = 0; j < f; j++) {
        if (j > 0)
            strcat(joined, ", ");
        strcat(joined, fixed[j]);
    }
    u = &r->langs[r->lang_count++];
    u->vulnerability_ids = unique_ids(r, ids, k, &u->vulnerability_count);
    if (u->vulnerability_ids == NULL)
        return copa__error_oom();
    u->name = g->name;
    u->installed_version = g->installed;
    u->fixed_version = joined;
    u->type = g->type;
    u->pkg_class = "lang-pkgs";
    u->path = g->path;
    u->purl = g->purl;
    u->handled = 0;
    return 0;
}

static int same_package(const copa__report_entry *a, const copa__report_entry *b)
{
    return strcmp(a->type, b->type) == 0 && strcmp(a->path, b->path) == 0 &&
           strcmp(a->name, b->name) == 0 && strcmp(a->installed, b->installed) == 0;
}

static size_t count_commas(const char *s)
{
    size_t n = 0;
    for (; *s != '\0'; s++)
        n += *s == ',';
    return n;
}

static int build_lang(copa_report *r, copa__report_entry *lang, size_t n)
{
    size_t start = 0, end;
    const char **scratch;
    int rc = 0;

    qsort(lang, n, sizeof(*lang), cmp_lang);
    r->langs = calloc(n != 0 ? n : 1, sizeof(*r->langs));
    if (r->langs == NULL)
        return copa__error_oom();
    while (start < n && rc == 0) {
        size_t slots = 0;
        for (end = start; end < n && same_package(&lang[start], &lang[end]); end++)
            slots += 2 + count_commas(lang[end].fixed);
        /* Room for every id and every listed fixed version. */
        scratch = malloc(slots * sizeof(*scratch));
        if (scratch == NULL)
            return copa__error_oom();
        rc = lang_group(r, lang + start, end - start, scratch);
        free(scratch);
        start = end;
    }
    return rc;
}

static int cmp_unfixed(const void *a, const void *b)
{
    const copa_report_unfixed *x = a, *y = b;
    /* OS packages first: "os-pkgs" sorts after "lang-pkgs", so reverse. */
    int c = strcmp(y->pkg_class, x->pkg_class);
    if (c == 0)
        c = strcmp(x->name, y->name);
    if (c == 0)
        c = strcmp(x->vulnerability_id, y->vulnerability_id);
    if (c == 0)
        c = strcmp(x->installed_version, y->installed_version);
    return c;
}

/* The same vulnerability of the same package appears once. */
static void sort_unfixed(copa_report *r)
{
    size_t i, k = 0;

    if (r->unfixed_count < 2)
        return;
    qsort(r->unfixed, r->unfixed_count, sizeof(*r->unfixed), cmp_unfixed);
    for (i = 0; i < r->unfixed_count; i++)
        if (k == 0 || cmp_unfixed(&r->unfixed[k - 1], &r->unfixed[i]) != 0)
            r->unfixed[k++] = r->unfixed[i];
    r->unfixed_count = k;
}

int copa__report_aggregate(copa_report *r)
{
    size_t n = r->entry_count, os_count = 0, i;
    copa__report_entry *sorted;
    const char **ids;
    int rc;

    /* OS entries first, language entries after, each in report order. */
    sorted = malloc((n != 0 ? n : 1) * sizeof(*sorted));
    ids = malloc((n != 0 ? n : 1) * sizeof(*ids));
    if (sorted == NULL || ids == NULL) {
        free(sorted);
        free(ids);
        return copa__error_oom();
    }
    for (i = 0; i < n; i++)
        if (!r->entries[i].lang)
            sorted[os_count++] = r->entries[i];
    for (i = 0, n = os_count; i < r->entry_count; i++)
        if (r->entries[i].lang)
            sorted[n++] = r->entries[i];
    rc = build_os(r, sorted, os_count, ids);
    if (rc == 0)
        rc = build_lang(r, sorted + os_count, n - os_count);
    free(sorted);
    free(ids);
    if (rc == 0)
        sort_unfixed(r);
    /* The raw entries are not needed any more. */
    free(r->entries);
    r->entries = NULL;
    r->entry_count = r->entry_cap = 0;
    return rc;
}
