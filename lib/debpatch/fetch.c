/*
 * Downloading a plan's packages: each step's .deb is looked up in the
 * cache (<cache>/deb/sha256/<hex>, the SHA-256 from the index); a cached
 * file is used only when its size and hash still hold, otherwise deleted.
 * The missing ones are downloaded in parallel into temporary files next to
 * their cache names, checked, then renamed, so concurrent copa processes
 * share the cache safely (the same conventions as the apt index cache).
 */
#include "apt/apt.h"
#include "debpatch/debpatch.h"
#include "net/http.h"
#include "repo/sources.h"
#include "util/buffer.h"
#include "util/cache_prune.h"
#include "util/cache_dir.h"
#include "util/error.h"
#include "util/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct dl {
    const copa__rs_step *step;
    const copa__debpatch_fetch_options *opts;
    char *url, *cache, *temp;
    FILE *fp;
    unsigned long long done;
    int cancelled;
} dl;

void copa__debpatch_paths_free(char **paths, size_t count)
{
    size_t i;
    for (i = 0; paths != NULL && i < count; i++)
        free(paths[i]);
    free(paths);
}

static int is_hex64(const char *s)
{
    size_t i;
    for (i = 0; s != NULL && s[i] != '\0'; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return s != NULL && i == COPA_SHA256_HEX_LEN;
}

int copa__debpatch_cache_path(char **out, const char *cache_dir, const char *sha256_hex)
{
    copa__buf b = COPA__BUF_INIT;
    int rc;
    *out = NULL;
    if (!is_hex64(sha256_hex))
        return copa__error_set(COPA_EINVALID, "not a SHA-256 hex digest: %s",
                               sha256_hex != NULL ? sha256_hex : "(none)");
    if ((rc = copa__buf_appendf(&b, "%s/deb/sha256/%s", cache_dir, sha256_hex)) != 0)
        return rc;
    *out = copa__buf_detach(&b);
    return 0;
}

static int write_cb(const void *data, size_t length, void *payload)
{
    dl *d = payload;
    if (fwrite(data, 1, length, d->fp) != length)
        return copa__error_set(COPA_ERROR, "%s: write failed: %s", d->temp, strerror(errno));
    d->done += length;
    if (d->opts != NULL && d->opts->progress != NULL &&
        d->opts->progress(d->opts->payload, d->step->name, d->done, d->step->pkg->size) != 0) {
        d->cancelled = 1;
        return copa__error_set(COPA_ECANCELLED, "download of %s cancelled", d->step->name);
    }
    return 0;
}

static int reset_cb(void *payload)
{
    dl *d = payload;
    d->done = 0;
    if (fflush(d->fp) != 0 || ftruncate(fileno(d->fp), 0) != 0 || fseek(d->fp, 0, SEEK_SET) != 0)
        return copa__error_set(COPA_ERROR, "%s: cannot restart: %s", d->temp, strerror(errno));
    return 0;
}

static int open_temp(dl *d)
{
    return copa__file_temp_beside(&d->temp, &d->fp, d->cache);
}

static int finish(dl *d, const copa__http_response *res, int result)
{
    const copa__rs_pkg *pkg = d->step->pkg;
    int rc = result;

    /* The transfer's own message: the thread's was cleared after the parallel run. */
    if (rc != 0)
        rc = copa__error_set(rc, "%s %s: %s", pkg->name, pkg->version,
                             res->error[0] != '\0' ? res->error : copa_error_name(rc));
    if (d->fp != NULL && fclose(d->fp) != 0 && rc == 0)
        rc = copa__error_set(COPA_ERROR, "%s: write failed", d->temp);
    d->fp = NULL;
    if (rc == 0 && res->status != 200)
        rc = copa__error_set(res->status == 404 ? COPA_ENOTFOUND : COPA_ENETWORK,
                             "%s %s: %s: HTTP status %ld", pkg->name, pkg->version, d->url,
                             res->status);
    if (rc == 0 && res->body_length != pkg->size)
        rc = copa__error_set(COPA_EVERIFY, "%s %s: %s: size %llu, the index says %llu", pkg->name,
                             pkg->version, d->url, (unsigned long long)res->body_length,
                             (unsigned long long)pkg->size);
    if (rc == 0 &&
        (strncmp(res->digest, "sha256:", 7) != 0 || strcmp(res->digest + 7, pkg->sha256) != 0))
        rc = copa__error_set(COPA_EVERIFY, "%s %s: %s: SHA-256 %s, the index says %s", pkg->name,
                             pkg->version, d->url, res->digest + 7, pkg->sha256);
    if (rc == 0 && rename(d->temp, d->cache) != 0)
        rc = copa__error_set(COPA_ERROR, "%s: cannot store: %s", d->cache, strerror(errno));
    if (rc != 0 && d->temp != NULL)
        unlink(d->temp);
    return rc;
}

static int download(dl **todo, size_t n, const copa__debpatch_fetch_options *o)
{
    copa__http_options http;
    copa__http_request *reqs = calloc(n + 1, sizeof(*reqs));
    copa__http_response *res = calloc(n + 1, sizeof(*res));
    int *results = calloc(n + 1, sizeof(*results)), rc = 0, rc2;
    size_t i;

    if (reqs == NULL || res == NULL || results == NULL) {
        rc = copa__error_oom();
        goto out;
    }
    memset(&http, 0, sizeof(http));
    if (o != NULL && o->max_parallel > 0)
        http.max_parallel = o->max_parallel;
    if (o != NULL) {
        http.ca_file = o->ca_file;
        http.cancel = o->cancel;
        http.cancel_payload = o->cancel_payload;
    }
    copa__http_options_defaults(&http);
    for (i = 0; i < n; i++) {
        reqs[i].method = "GET";
        reqs[i].url = todo[i]->url;
        reqs[i].follow_redirects = 1;
        reqs[i].write = write_cb;
        reqs[i].reset = reset_cb;
        reqs[i].payload = todo[i];
    }
    copa__http_perform_many(&http, reqs, res, results, n);
    copa_error_clear();
    for (i = 0; i < n; i++) {
        rc2 = finish(todo[i], &res[i], results[i]);
        if (rc2 != 0 && rc == 0)
            rc = rc2; /* the first failure; the others are cleaned up */
        copa__http_response_free(&res[i]);
    }
    for (i = 0; i < n; i++)
        if (todo[i]->cancelled)
            rc = copa__error_set(COPA_ECANCELLED, "download of %s cancelled", todo[i]->step->name);
out:
    free(reqs);
    free(res);
    free(results);
    return rc;
}

static int prepare(dl *d, const copa__rs_step *s, const char *cache_dir,
                   const copa__debpatch_fetch_options *o)
{
    int rc;
    d->step = s;
    d->opts = o;
    if (s->pkg == NULL || s->pkg->url == NULL || s->pkg->sha256 == NULL)
        return copa__error_set(COPA_EINVALID, "%s %s: no download URL or SHA-256 in the index",
                               s->name, s->to);
    if ((rc = copa__debpatch_cache_path(&d->cache, cache_dir, s->pkg->sha256)) != 0)
        return copa__error_prefix("%s %s: ", s->name, s->to);
    rc = copa__mirrors_apply(&d->url, o != NULL ? o->mirrors : NULL, s->pkg->url);
    return rc < 0 ? rc : 0;
}

/* Packages no plan has used for a month go (the cache is named by content). */
static void prune_debs(const char *cache_dir)
{
    copa__buf dir = COPA__BUF_INIT;
    if (copa__buf_appendf(&dir, "%s/deb/sha256", cache_dir) == 0)
        copa__cache_prune(dir.data, (int64_t)time(NULL), COPA__CACHE_MAX_AGE);
    copa__buf_free(&dir);
}

int copa__debpatch_fetch(char ***paths, const copa__rs_plan *plan,
                         const copa__debpatch_fetch_options *o)
{
    dl *all = calloc(plan->nsteps + 1, sizeof(*all));
    dl **todo = calloc(plan->nsteps + 1, sizeof(*todo));
    char *cache_dir = NULL;
    size_t i, n = 0;
    int rc = 0;

    *paths = NULL;
    if (all == NULL || todo == NULL)
        rc = copa__error_oom();
    else if (o != NULL && o->cache_dir != NULL)
        rc = (cache_dir = strdup(o->cache_dir)) == NULL ? copa__error_oom() : 0;
    else
        rc = copa__cache_default_dir(&cache_dir);
    for (i = 0; rc == 0 && i < plan->nsteps; i++) {
        rc = prepare(&all[i], &plan->steps[i], cache_dir, o);
        if (rc != 0)
            break;
        /* a corrupt cached copy is removed, never used */
        if (copa__cache_entry_ok(all[i].cache, plan->steps[i].pkg->size,
                                 plan->steps[i].pkg->sha256))
            continue;
        if ((rc = open_temp(&all[i])) == 0)
            todo[n++] = &all[i];
    }
    if (rc == 0 && n > 0)
        rc = download(todo, n, o);
    if (rc == 0)
        prune_debs(cache_dir);
    if (rc == 0 && (*paths = calloc(plan->nsteps + 1, sizeof(**paths))) == NULL)
        rc = copa__error_oom();
    for (i = 0; i < plan->nsteps && all != NULL; i++) {
        if (rc == 0) {
            (*paths)[i] = all[i].cache;
            all[i].cache = NULL;
        }
        if (all[i].fp != NULL) {
            fclose(all[i].fp);
            unlink(all[i].temp);
        }
        free(all[i].cache);
        free(all[i].url);
        free(all[i].temp);
    }
    free(all);
    free(todo);
    free(cache_dir);
    return rc;
}
