/*
 * One report per platform: reports matched to the entries of an index by
 * the platform their metadata names, alone or read from a directory.
 */
#include "report/report_dir.h"
#include "report/report.h"
#include "util/buffer.h"
#include "util/error.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Truncating copy into a fixed field (a loop: see platform.c). */
static void set(char *field, size_t size, const char *value)
{
    size_t n = 0;

    for (; n + 1 < size && value[n] != '\0'; n++)
        field[n] = value[n];
    field[n] = '\0';
}

int copa__report_platform(copa__platform *out, int *has_variant, const copa_report *report)
{
    const char *os = report->raw.os != NULL && report->raw.os[0] != '\0' ? report->raw.os : "linux";

    memset(out, 0, sizeof(*out));
    *has_variant = 0;
    if (report->meta.arch == NULL || report->meta.arch[0] == '\0')
        return copa__error_set(COPA_EINVALID,
                               "%s: the report does not say which platform it is for (no "
                               "architecture in its metadata)",
                               report->source);
    set(out->os, sizeof(out->os), os);
    set(out->architecture, sizeof(out->architecture), report->meta.arch);
    set(out->variant, sizeof(out->variant), report->meta.variant);
    *has_variant = out->variant[0] != '\0';
    copa__platform_normalize(out);
    /* Normalizing gives "arm" a v7; a report that says no variant means any. */
    if (!*has_variant)
        out->variant[0] = '\0';
    return 0;
}

static int eligible(const copa__index *idx, const copa__entry_plan *plans, size_t i)
{
    return idx->manifests[i].has_platform &&
           (plans == NULL || plans[i].role != COPA__ENTRY_ATTESTATION);
}

static int report_error(const copa_report *report, const copa__platform *p, const copa__index *idx,
                        const copa__entry_plan *plans, int code, const char *why)
{
    copa__buf have = COPA__BUF_INIT;
    char name[96];

    copa__platform_format(name, sizeof(name), p);
    copa__index_platform_names(&have, idx, plans);
    copa__error_set(code, "%s: the report is for %s, %s; the image has: %s", report->source, name,
                    why, have.length > 0 ? have.data : "(no platforms)");
    copa__buf_free(&have);
    return code;
}

int copa__report_match_entry(size_t *entry, const copa_report *report, const copa__index *idx,
                             const copa__entry_plan *plans)
{
    size_t i, exact = 0, loose = 0, exact_at = 0, loose_at = 0;
    copa__platform p;
    int has_variant, error;

    if ((error = copa__report_platform(&p, &has_variant, report)) != 0)
        return error;
    for (i = 0; i < idx->manifest_count; i++) {
        const copa__platform *have = &idx->manifests[i].platform;
        if (!eligible(idx, plans, i) || strcmp(have->os, p.os) != 0 ||
            strcmp(have->architecture, p.architecture) != 0)
            continue;
        if (strcmp(have->variant, p.variant) == 0) {
            exact++;
            exact_at = i;
        } else if (p.variant[0] == '\0' || have->variant[0] == '\0') {
            loose++;
            loose_at = i;
        }
    }
    if (exact == 1 || (exact == 0 && loose == 1)) {
        *entry = exact == 1 ? exact_at : loose_at;
        return 0;
    }
    if (exact + loose > 1)
        return report_error(report, &p, idx, plans, COPA_EINVALID,
                            "which matches several entries of the image");
    return report_error(report, &p, idx, plans, COPA_ENOTFOUND, "which the image lacks");
}

static void free_strings(char **strings, size_t count)
{
    size_t i;

    for (i = 0; strings != NULL && i < count; i++)
        free(strings[i]);
    free(strings);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the regular files in dir (not starting with '.'), sorted. */
static int list_files(char ***out, size_t *count, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL, **grown;
    size_t n = 0, cap = 0;
    int error = 0;

    *out = NULL;
    *count = 0;
    if (d == NULL)
        return copa__error_set(errno == ENOENT ? COPA_ENOTFOUND : COPA_ERROR,
                               "%s: cannot read the report directory: %s", dir, strerror(errno));
    while (error == 0 && (e = readdir(d)) != NULL) {
        char *path;
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        if (asprintf(&path, "%s/%s", dir, e->d_name) < 0) {
            error = copa__error_oom();
            break;
        }
        /* Subdirectories are not reports; anything else is read (and
         * refused by the parser when it is no regular file). */
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            free(path);
            continue;
        }
        if (n == cap) {
            cap = cap != 0 ? cap * 2 : 8;
            if ((grown = realloc(names, cap * sizeof(*names))) == NULL) {
                free(path);
                error = copa__error_oom();
                break;
            }
            names = grown;
        }
        names[n++] = path;
    }
    closedir(d);
    if (error != 0) {
        free_strings(names, n);
        return error;
    }
    if (n > 1)
        qsort(names, n, sizeof(*names), by_name);
    *out = names;
    *count = n;
    return 0;
}

/* Two reports for one entry: name both. */
static int check_unique(const copa__platform_reports *set, const copa__index *idx)
{
    const copa__platform_report *last = &set->items[set->count - 1];
    char name[96];
    size_t i;

    for (i = 0; i + 1 < set->count; i++) {
        if (set->items[i].entry != last->entry)
            continue;
        copa__platform_format(name, sizeof(name), &idx->manifests[last->entry].platform);
        return copa__error_set(COPA_EINVALID, "%s and %s are both reports for platform %s",
                               set->items[i].path, last->path, name);
    }
    return 0;
}

int copa__report_dir_read(copa__platform_reports *out, const char *dir,
                          const copa_report_options *opts, const copa__index *idx,
                          const copa__entry_plan *plans)
{
    char **paths;
    size_t count, i;
    int error;

    memset(out, 0, sizeof(*out));
    if ((error = list_files(&paths, &count, dir)) != 0)
        return error;
    if (count == 0) {
        free(paths);
        return copa__error_set(COPA_ENOTFOUND, "%s: the report directory holds no report", dir);
    }
    if ((out->items = calloc(count, sizeof(*out->items))) == NULL) {
        free_strings(paths, count);
        return copa__error_oom();
    }
    for (i = 0; error == 0 && i < count; i++) {
        copa__platform_report *item = &out->items[out->count];
        if ((error = copa_report_parse_file(&item->report, paths[i], opts)) != 0)
            break;
        item->path = paths[i];
        paths[i] = NULL;
        out->count++;
        if ((error = copa__report_match_entry(&item->entry, item->report, idx, plans)) == 0)
            error = check_unique(out, idx);
    }
    free_strings(paths, count);
    if (error != 0)
        copa__platform_reports_free(out);
    return error;
}

const copa_report *copa__platform_reports_find(const copa__platform_reports *reports, size_t entry)
{
    size_t i;

    for (i = 0; i < reports->count; i++)
        if (reports->items[i].entry == entry)
            return reports->items[i].report;
    return NULL;
}

void copa__platform_reports_free(copa__platform_reports *reports)
{
    size_t i;

    if (reports == NULL)
        return;
    for (i = 0; i < reports->count; i++) {
        copa_report_free(reports->items[i].report);
        free(reports->items[i].path);
    }
    free(reports->items);
    memset(reports, 0, sizeof(*reports));
}
