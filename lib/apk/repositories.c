/*
 * Reading the image's apk repository lists. Facts from apk-tools 2.14
 * (src/database.c): lines are split on '\n'; an empty line or one starting
 * with '#' is skipped; a line starting with '@' is a tag, then blanks
 * (space, tab or ':'), then the URL; a URL that is not http:, https: or
 * ftp: is a local file or folder; repositories.d holds *.list files. We
 * also drop a trailing '\r' and surrounding blanks, which apk-tools would
 * keep as part of the URL and then fail to fetch.
 */
#include "apk/repositories.h"

#include "util/error.h"
#include "util/names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 8192

int copa__apk_repositories_new(copa__apk_repositories **out)
{
    *out = calloc(1, sizeof(**out));
    if (*out == NULL)
        return copa__error_oom();
    copa__arena_init(&(*out)->arena);
    return 0;
}

void copa__apk_repositories_free(copa__apk_repositories *repos)
{
    if (repos == NULL)
        return;
    free(repos->items);
    free(repos->by_url);
    copa__arena_free(&repos->arena);
    free(repos);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static copa__apk_repo_kind kind_of(const char *url)
{
    if (strncmp(url, "http:", 5) == 0 || strncmp(url, "https:", 6) == 0)
        return COPA__APK_REPO_HTTP;
    if (strncmp(url, "ftp:", 4) == 0)
        return COPA__APK_REPO_FTP;
    return COPA__APK_REPO_LOCAL;
}

/* The slot of `url` in the URL index: where it is, or the empty slot it would take. */
static size_t url_slot(const copa__apk_repositories *repos, const char *url, size_t url_len)
{
    size_t mask = repos->by_url_cap - 1, at = (size_t)copa__names_hash(url, url_len) & mask;

    while (repos->by_url[at] != 0) {
        const char *known = repos->items[repos->by_url[at] - 1].url;
        if (strlen(known) == url_len && memcmp(known, url, url_len) == 0)
            break;
        at = (at + 1) & mask;
    }
    return at;
}

/* Keep the URL index at most half full. */
static int grow_index(copa__apk_repositories *repos)
{
    size_t cap = repos->by_url_cap ? repos->by_url_cap * 2 : 64, i;
    size_t *old = repos->by_url;

    if (2 * (repos->count + 1) <= repos->by_url_cap)
        return 0;
    if ((repos->by_url = calloc(cap, sizeof(size_t))) == NULL) {
        repos->by_url = old;
        return copa__error_oom();
    }
    repos->by_url_cap = cap;
    for (i = 0; i < repos->count; i++)
        repos->by_url[url_slot(repos, repos->items[i].url, strlen(repos->items[i].url))] = i + 1;
    free(old);
    return 0;
}

static int add(copa__apk_repositories *repos, const char *path, size_t line, const char *tag,
               size_t tag_len, const char *url, size_t url_len)
{
    copa__apk_repository *r;
    size_t slot;

    if (grow_index(repos) != 0)
        return COPA_ENOMEM;
    slot = url_slot(repos, url, url_len);
    if (repos->by_url[slot] != 0) /* listed already: apk-tools keeps the first */
        return 0;
    if (repos->count == repos->cap) {
        size_t cap = repos->cap ? repos->cap * 2 : 8;
        copa__apk_repository *bigger = realloc(repos->items, cap * sizeof(*bigger));
        if (bigger == NULL)
            return copa__error_oom();
        repos->items = bigger;
        repos->cap = cap;
    }
    r = &repos->items[repos->count];
    memset(r, 0, sizeof(*r));
    r->line = line;
    r->url = copa__arena_strndup(&repos->arena, url, url_len);
    r->file = copa__arena_strdup(&repos->arena, path);
    if (r->url == NULL || r->file == NULL ||
        (tag != NULL && (r->tag = copa__arena_strndup(&repos->arena, tag, tag_len)) == NULL))
        return copa__error_oom();
    r->kind = kind_of(r->url);
    repos->by_url[slot] = ++repos->count;
    return 0;
}

static int parse_line(copa__apk_repositories *repos, const char *path, size_t line, const char *s,
                      size_t len)
{
    const char *tag = NULL;
    size_t tag_len = 0;

    while (len > 0 && is_blank(*s))
        s++, len--;
    while (len > 0 && is_blank(s[len - 1]))
        len--;
    if (len == 0 || *s == '#')
        return 0;
    if (*s == '@') {
        size_t n = 1;
        while (n < len && !is_blank(s[n]) && s[n] != ':')
            n++;
        tag = s + 1;
        tag_len = n - 1;
        while (n < len && (is_blank(s[n]) || s[n] == ':'))
            n++;
        s += n;
        len -= n;
        if (tag_len == 0 || len == 0)
            return copa__error_set(COPA_EINVALID, "%s:%zu: '@tag' without a tag or without a URL",
                                   path, line);
    }
    if (memchr(s, ' ', len) != NULL || memchr(s, '\t', len) != NULL)
        return copa__error_set(COPA_EINVALID, "%s:%zu: repository URL holds a blank", path, line);
    return add(repos, path, line, tag, tag_len, s, len);
}

int copa__apk_repositories_parse(copa__apk_repositories *repos, const char *path, const char *text,
                                 size_t len)
{
    size_t pos = 0, line = 0;
    int rc;

    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
        line++;
        if (memchr(text + pos, '\0', n) != NULL)
            return copa__error_set(COPA_EINVALID, "%s:%zu: NUL byte", path, line);
        if (n > MAX_LINE)
            return copa__error_set(COPA_EINVALID, "%s:%zu: line longer than 8 KiB", path, line);
        if ((rc = parse_line(repos, path, line, text + pos, n)) != 0)
            return rc;
        pos += n + 1;
    }
    return 0;
}

static int load_file(copa__apk_repositories *repos, const copa__image_files *files,
                     const char *path)
{
    char *text = NULL;
    size_t len = 0;
    int rc = files->read(&text, &len, path, files->payload);

    if (rc == COPA_ENOTFOUND)
        return 0;
    if (rc < 0)
        return rc;
    rc = copa__apk_repositories_parse(repos, path, text, len);
    free(text);
    return rc;
}

static int is_list_file(const char *name)
{
    size_t len = strlen(name);
    return name[0] != '.' && len > 5 && strcmp(name + len - 5, ".list") == 0;
}

int copa__apk_repositories_load(copa__apk_repositories **out, const copa__image_files *files)
{
    copa__apk_repositories *repos;
    char **names = NULL;
    size_t count = 0, i;
    int rc;

    *out = NULL;
    if ((rc = copa__apk_repositories_new(&repos)) != 0)
        return rc;
    rc = load_file(repos, files, COPA__APK_REPOSITORIES_PATH);
    if (rc == 0) {
        rc = files->list(&names, &count, COPA__APK_REPOSITORIES_D, files->payload);
        if (rc == COPA_ENOTFOUND)
            rc = 0, count = 0;
    }
    for (i = 0; rc == 0 && i < count; i++) {
        char path[1024];
        if (!is_list_file(names[i]))
            continue;
        if (snprintf(path, sizeof(path), "%s/%s", COPA__APK_REPOSITORIES_D, names[i]) >=
            (int)sizeof(path))
            rc = copa__error_set(COPA_EINVALID, "%s: file name too long", COPA__APK_REPOSITORIES_D);
        else
            rc = load_file(repos, files, path);
    }
    copa__image_files_free_names(names, count);
    if (rc != 0) {
        copa__apk_repositories_free(repos);
        return rc;
    }
    *out = repos;
    return 0;
}
