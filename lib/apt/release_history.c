/*
 * What copa has already seen of a repository, so that a correctly signed
 * but older Release (a replay that makes security updates vanish) or a
 * Release whose Origin or Label changed is refused, as apt refuses them.
 *
 * CACHE/apt/seen/<sha256 of "URI SUITE"> (URI as used, after --mirror),
 * written only from signature-verified Releases that needed no insecure
 * override:
 *
 *   copa-apt-seen 1
 *   date: <seconds since the epoch of the newest Date seen>
 *   date-text: <that Date as written>
 *   origin: <its Origin>
 *   label: <its Label>
 *
 * Concurrent copa processes: the read-compare-write runs under an flock on
 * the directory and a file is replaced (temporary name + rename) only by a
 * newer Date, so the newest Date wins whoever writes last. No cache, a
 * read-only one or a removed file means no history: nothing is refused.
 */
#include "apt/apt.h"
#include "util/buffer.h"
#include "util/digest.h"
#include "util/error.h"
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>

#define SEEN_MAGIC "copa-apt-seen 1\n"
enum { MAX_SEEN_FILE = 64 * 1024 };

typedef struct seen {
    long long date;
    char *date_text, *origin, *label;
} seen;

static void seen_free(seen *s)
{
    free(s->date_text);
    free(s->origin);
    free(s->label);
    memset(s, 0, sizeof(*s));
}

static int seen_dir(char **out, const char *cache_dir)
{
    copa__buf b = COPA__BUF_INIT;
    int rc = copa__buf_appendf(&b, "%s/apt/seen", cache_dir);
    *out = rc == 0 ? copa__buf_detach(&b) : NULL;
    return rc;
}

static int seen_path(char **out, const char *dir, const char *repo_name)
{
    unsigned char d[COPA_SHA256_LEN];
    char hex[COPA_SHA256_HEX_LEN + 1];
    copa__buf b = COPA__BUF_INIT;
    int rc;

    *out = NULL;
    if ((rc = copa__sha256_buffer(d, repo_name, strlen(repo_name))) != 0)
        return rc;
    copa__hex_encode(hex, d, sizeof(d));
    if ((rc = copa__buf_appendf(&b, "%s/%s", dir, hex)) != 0)
        return rc;
    *out = copa__buf_detach(&b);
    return 0;
}

/* The value of "name: value\n" in `text`, malloc'd, or NULL. */
static char *field(const char *text, const char *name)
{
    size_t n = strlen(name);
    const char *p = text;

    while (*p != '\0') {
        const char *eol = strchr(p, '\n');
        if (eol == NULL)
            break;
        if ((size_t)(eol - p) >= n + 2 && strncmp(p, name, n) == 0 && p[n] == ':' &&
            p[n + 1] == ' ')
            return strndup(p + n + 2, (size_t)(eol - p) - n - 2);
        p = eol + 1;
    }
    return NULL;
}

/* 0 with *s filled, or non-zero when there is no usable record (no history). */
static int seen_read(seen *s, const char *path)
{
    char *text = NULL, *date = NULL, *end = NULL;
    size_t len = 0;
    int rc = -1;

    memset(s, 0, sizeof(*s));
    if (copa__file_read_all(&text, &len, path, MAX_SEEN_FILE) != 0) {
        copa_error_clear();
        return -1;
    }
    if (strncmp(text, SEEN_MAGIC, strlen(SEEN_MAGIC)) == 0 &&
        (date = field(text, "date")) != NULL) {
        errno = 0;
        s->date = strtoll(date, &end, 10);
        if (errno == 0 && end != date && *end == '\0') {
            s->date_text = field(text, "date-text");
            s->origin = field(text, "origin");
            s->label = field(text, "label");
            rc = 0;
        }
    }
    free(date);
    free(text);
    if (rc != 0)
        seen_free(s);
    return rc;
}

static const char *or_none(const char *s)
{
    return s != NULL ? s : "";
}

/* apt compares these as strings, an absent field being "". */
static int changed(const char *before, const char *now)
{
    return strcmp(or_none(before), or_none(now)) != 0;
}

static int compare(const copa__apt_repo *repo, const seen *s, const char *path)
{
    const copa__apt_release *rel = &repo->release;

    if ((long long)rel->date < s->date)
        return copa__error_set(COPA_EVERIFY,
                               "%s: Release file dated %s is older than the one copa already "
                               "verified for this repository (Date: %s): an old file is being "
                               "replayed or a mirror is behind; refusing it (the history is in %s)",
                               repo->name, rel->date_text ? rel->date_text : "(no Date)",
                               s->date_text ? s->date_text : "?", path);
    if (changed(s->origin, rel->origin))
        return copa__error_set(COPA_EVERIFY,
                               "%s: the repository changed its Origin from '%s' to '%s' since "
                               "copa last verified it (apt refuses this too); delete %s to "
                               "accept the change",
                               repo->name, or_none(s->origin), or_none(rel->origin), path);
    if (changed(s->label, rel->label))
        return copa__error_set(COPA_EVERIFY,
                               "%s: the repository changed its Label from '%s' to '%s' since "
                               "copa last verified it (apt refuses this too); delete %s to "
                               "accept the change",
                               repo->name, or_none(s->label), or_none(rel->label), path);
    return 0;
}

static int one_line(const char *s)
{
    return s == NULL || strpbrk(s, "\r\n") == NULL;
}

/* Write the record of `rel` unless the file already holds a Date as new. */
static void record_locked(const copa__apt_release *rel, const char *path)
{
    copa__buf b = COPA__BUF_INIT;
    seen now;

    if (seen_read(&now, path) == 0) {
        long long have = now.date;
        seen_free(&now);
        if (have >= (long long)rel->date)
            return;
    }
    if (!one_line(rel->date_text) || !one_line(rel->origin) || !one_line(rel->label))
        return;
    if (copa__buf_appendf(&b, "%sdate: %lld\ndate-text: %s\norigin: %s\nlabel: %s\n", SEEN_MAGIC,
                          (long long)rel->date, or_none(rel->date_text), or_none(rel->origin),
                          or_none(rel->label)) == 0)
        copa__file_write_atomic(path, b.data, b.length);
    copa__buf_free(&b);
}

/* Best effort: a cache we cannot write costs only the protection. */
static void record(const copa__apt_release *rel, const char *dir, const char *path)
{
    int fd;

    if (copa__file_mkdirs(dir) != 0)
        return;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    if (flock(fd, LOCK_EX) == 0)
        record_locked(rel, path);
    close(fd); /* releases the lock */
}

int copa__apt_release_history(const copa__apt_repo *repo, const char *cache_dir)
{
    char *dir = NULL, *path = NULL;
    seen s;
    int rc;

    /* Unverified metadata (trusted=yes, an insecure override of a bad
     * signature) is no evidence of what the archive published. */
    if (repo->src.trusted || repo->fingerprint[0] == '\0' || cache_dir == NULL)
        return 0;
    if ((rc = seen_dir(&dir, cache_dir)) == 0 && (rc = seen_path(&path, dir, repo->name)) == 0) {
        if (seen_read(&s, path) == 0) {
            rc = compare(repo, &s, path);
            seen_free(&s);
        }
        /* A Release accepted through --insecure-ignore-valid-until (say,
         * dated years ahead) must not become the bar genuine ones fail. */
        if (rc == 0 && !repo->insecure) {
            record(&repo->release, dir, path);
            copa_error_clear(); /* what record() could not do is not a failure */
        }
    }
    free(dir);
    free(path);
    return rc;
}
