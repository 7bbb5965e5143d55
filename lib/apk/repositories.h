/*
 * The image's apk repositories: /etc/apk/repositories, then every
 * the files named *.list in /etc/apk/repositories.d, in name order (docs/apk.md). A line is a
 * URL, optionally after an `@tag` (then only world entries naming the tag
 * may use the repository); '#' starts a comment line. apk-tools 2.14 does
 * no variable expansion: a '$' is part of the URL.
 */
#ifndef COPA_LIB_APK_REPOSITORIES_H
#define COPA_LIB_APK_REPOSITORIES_H

#include "util/arena.h"
#include "util/image_files.h"

#include <stddef.h>

#define COPA__APK_REPOSITORIES_PATH "/etc/apk/repositories"
#define COPA__APK_REPOSITORIES_D "/etc/apk/repositories.d"

typedef enum copa__apk_repo_kind {
    COPA__APK_REPO_HTTP,  /* http:// or https://: what copa fetches */
    COPA__APK_REPO_FTP,   /* ftp://: not supported */
    COPA__APK_REPO_LOCAL, /* file: or a path: a folder inside the image's build, not supported */
} copa__apk_repo_kind;

typedef struct copa__apk_repository {
    const char *tag; /* without '@', or NULL */
    const char *url;
    copa__apk_repo_kind kind;
    const char *file; /* the file it came from */
    size_t line;
} copa__apk_repository;

typedef struct copa__apk_repositories {
    copa__arena arena;
    copa__apk_repository *items;
    size_t count, cap;
    size_t *by_url; /* open addressing over the URLs: item index + 1, 0 empty */
    size_t by_url_cap;
} copa__apk_repositories;

/* An empty list to parse files into. COPA_ENOMEM. */
int copa__apk_repositories_new(copa__apk_repositories **out);

/*
 * Append the repositories of one file's text (`path` names it). A URL that
 * is already listed is not added again (apk-tools does the same).
 * COPA_EINVALID naming path and line: NUL bytes, a line over 8 KiB, a tag
 * without URL, a URL with spaces.
 */
int copa__apk_repositories_parse(copa__apk_repositories *repos, const char *path, const char *text,
                                 size_t len);

/* Both places through `files`; absent files are no repositories. */
int copa__apk_repositories_load(copa__apk_repositories **out, const copa__image_files *files);

void copa__apk_repositories_free(copa__apk_repositories *repos);

#endif
