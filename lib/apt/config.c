/*
 * The image's apt sources: /etc/apt/sources.list, then the files of
 * /etc/apt/sources.list.d in name order (as apt reads them), *.list as
 * one-line files and *.sources as deb822; other names are ignored.
 */
#include "apt/apt.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SOURCES_LIST "/etc/apt/sources.list"
#define SOURCES_DIR "/etc/apt/sources.list.d"

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

/* apt ignores files whose names hold other characters (editor backups, ...). */
static int valid_part_name(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-' || *s == '.'))
            return 0;
    return 1;
}

static int parse_one(copa__apt_sources *s, const copa__image_files *fs, const char *path,
                     int optional)
{
    char *text = NULL;
    size_t len = 0;
    int rc = fs->read(&text, &len, path, fs->payload);

    if (rc == COPA_ENOTFOUND && optional) {
        copa_error_clear();
        return 0;
    }
    if (rc == 0)
        rc = copa__apt_sources_parse_file(s, path, text, len);
    free(text);
    return rc;
}

int copa__apt_read_sources(copa__apt_sources *s, const copa__image_files *fs)
{
    char **names = NULL, path[4096];
    size_t count = 0, i;
    int rc = parse_one(s, fs, SOURCES_LIST, 1);

    if (rc != 0)
        return rc;
    rc = fs->list(&names, &count, SOURCES_DIR, fs->payload);
    if (rc == COPA_ENOTFOUND) {
        copa_error_clear();
        return 0;
    }
    if (rc != 0)
        return rc;
    if (count > 1)
        qsort(names, count, sizeof(*names), cmp_names);
    for (i = 0; rc == 0 && i < count; i++) {
        if (!valid_part_name(names[i]) ||
            !(has_suffix(names[i], ".list") || has_suffix(names[i], ".sources")))
            continue;
        snprintf(path, sizeof(path), "%s/%s", SOURCES_DIR, names[i]);
        /* A dangling name (a directory, a broken link) is skipped like apt does. */
        rc = parse_one(s, fs, path, 1);
    }
    copa__image_files_free_names(names, count);
    return rc;
}
