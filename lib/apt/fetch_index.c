/*
 * Packages indexes: which files a repository needs (plan), then loading
 * them: a cached file (named by its SHA-256) is used when its size and
 * hash still hold, otherwise discarded; the missing ones are downloaded in
 * parallel into temporary files, checked, renamed into the cache and parsed.
 */
#include "apt/apt.h"
#include "util/digest.h"
#include "util/cache_prune.h"
#include "util/error.h"
#include "util/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void copa__apt_indexes_free(copa__apt_index *items, size_t count)
{
    size_t i;
    for (i = 0; items != NULL && i < count; i++) {
        free(items[i].url);
        free(items[i].cache);
        free(items[i].plain_cache);
    }
    free(items);
}

static int wants_arch(const copa__apt_source *src, const char *arch)
{
    size_t i;
    if (src->arch_count == 0)
        return 1;
    for (i = 0; i < src->arch_count; i++)
        if (strcmp(src->archs[i], arch) == 0)
            return 1;
    return 0;
}

static int plan_one(copa__apt_index **items, size_t *count, copa__apt_repo *repo,
                    size_t component_index, const char *arch, const char *cache_dir)
{
    const char *component = repo->src.flat ? NULL : repo->src.components[component_index];
    const copa__apt_release_file *file;
    copa__apt_index *it, *grown;
    char *by_hash = NULL;
    int rc = copa__apt_release_packages(&file, &repo->release, component, arch);

    if (rc != 0)
        return rc;
    grown = realloc(*items, (*count + 1) * sizeof(**items));
    if (grown == NULL)
        return copa__error_oom();
    *items = grown;
    it = &grown[*count];
    memset(it, 0, sizeof(*it));
    it->repo = repo;
    it->file = file;
    it->component = component_index;
    (*count)++;
    if (repo->release.acquire_by_hash) {
        /* by-hash paths never change content, so a mirror in mid-sync cannot mix files. */
        rc = copa__apt_release_by_hash_path(&by_hash, file);
        if (rc == 0)
            rc = copa__apt_source_file_url(&it->url, &repo->src, by_hash);
        free(by_hash);
        it->by_hash = 1;
    } else {
        rc = copa__apt_source_file_url(&it->url, &repo->src, file->path);
    }
    if (rc == 0)
        rc = copa__apt_cache_index_path(&it->cache, cache_dir, file->sha256);
    if (rc == 0)
        rc = copa__apt_index_plan_plain(it, cache_dir);
    return rc;
}

int copa__apt_plan_indexes(copa__apt_index **items, size_t *count, copa__apt_repo *repo,
                           const char *arch, const char *cache_dir)
{
    size_t i;
    int rc = 0;

    if (!wants_arch(&repo->src, arch))
        return 0; /* arch= excludes the image's architecture: nothing from here */
    if (repo->src.flat)
        return plan_one(items, count, repo, 0, arch, cache_dir);
    for (i = 0; rc == 0 && i < repo->src.component_count; i++) {
        rc = plan_one(items, count, repo, i, arch, cache_dir);
        /* As apt: binary-all is a separate index when the Release lists "all",
         * unless No-Support-for-Architecture-all says the arch indexes hold it. */
        if (rc == 0 && copa__apt_release_has_all_index(&repo->release) && strcmp(arch, "all") != 0)
            rc = plan_one(items, count, repo, i, "all", cache_dir);
    }
    return rc;
}

/* A download in progress: a temporary file next to its cache name. */
typedef struct download {
    copa__apt_index *item;
    char *temp;
    FILE *fp;
} download;

static int write_cb(const void *data, size_t length, void *payload)
{
    download *d = payload;
    if (fwrite(data, 1, length, d->fp) != length)
        return copa__error_set(COPA_ERROR, "%s: write failed: %s", d->temp, strerror(errno));
    return 0;
}

static int reset_cb(void *payload)
{
    download *d = payload;
    if (fflush(d->fp) != 0 || ftruncate(fileno(d->fp), 0) != 0 || fseek(d->fp, 0, SEEK_SET) != 0)
        return copa__error_set(COPA_ERROR, "%s: cannot restart: %s", d->temp, strerror(errno));
    return 0;
}

static int open_temp(download *d)
{
    return copa__file_temp_beside(&d->temp, &d->fp, d->item->cache);
}

/* Check a finished download against the Release and move it into the cache. */
static int finish(download *d, const copa__http_response *res, int result)
{
    const copa__apt_index *it = d->item;
    const copa__apt_repo *repo = it->repo;
    int rc = result;

    /* The transfer's own message: the thread's was cleared after the parallel run. */
    if (rc != 0)
        rc = copa__error_set(rc, "%s: %s", repo->name,
                             res->error[0] != '\0' ? res->error : copa_error_name(rc));
    if (fclose(d->fp) != 0 && rc == 0)
        rc = copa__error_set(COPA_ERROR, "%s: write failed", d->temp);
    d->fp = NULL;
    if (rc == 0 && res->status == 404 && it->by_hash) {
        /* As apt: a mirror without the by-hash tree still has the plain
         * path; the file is checked against the same Release entry. */
        d->item->by_hash_404 = 1;
        unlink(d->temp);
        return 0;
    }
    if (rc == 0 && res->status != 200)
        rc = copa__error_set(res->status == 404 ? COPA_ENOTFOUND : COPA_ENETWORK,
                             "%s: %s: HTTP status %ld", repo->name, it->url, res->status);
    if (rc == 0 && res->body_length != it->file->size)
        rc = copa__error_set(COPA_EVERIFY,
                             "%s: %s: size %llu does not match the Release (%llu) for %s",
                             repo->name, it->file->path, (unsigned long long)res->body_length,
                             (unsigned long long)it->file->size, it->url);
    if (rc == 0 &&
        (strncmp(res->digest, "sha256:", 7) != 0 || strcmp(res->digest + 7, it->file->sha256) != 0))
        rc = copa__error_set(
            COPA_EVERIFY, "%s: %s: SHA-256 %s does not match the Release (%s) for %s", repo->name,
            it->file->path, res->digest + 7, it->file->sha256, it->url);
    if (rc == 0 && rename(d->temp, it->cache) != 0)
        rc = copa__error_set(COPA_ERROR, "%s: cannot store: %s", it->cache, strerror(errno));
    if (rc != 0)
        unlink(d->temp);
    return rc;
}

static int download_all(download *dl, size_t n, const copa__apt_options *opts)
{
    copa__http_request *reqs = calloc(n, sizeof(*reqs));
    copa__http_response *res = calloc(n, sizeof(*res));
    int *results = calloc(n, sizeof(*results)), rc = 0, rc2;
    size_t i;

    if (reqs == NULL || res == NULL || results == NULL) {
        free(reqs);
        free(res);
        free(results);
        return copa__error_oom();
    }
    for (i = 0; i < n; i++) {
        reqs[i].method = "GET";
        reqs[i].url = dl[i].item->url;
        reqs[i].follow_redirects = 1;
        reqs[i].write = write_cb;
        reqs[i].reset = reset_cb;
        reqs[i].payload = &dl[i];
    }
    copa__http_perform_many(&opts->http, reqs, res, results, n);
    copa_error_clear();
    for (i = 0; i < n; i++) {
        rc2 = finish(&dl[i], &res[i], results[i]);
        if (rc2 != 0 && rc == 0)
            rc = rc2; /* report the first failure; the rest are cleaned up */
        copa__http_response_free(&res[i]);
    }
    free(reqs);
    free(res);
    free(results);
    return rc;
}

/* Is a good copy cached? A copy that fails its hash is removed, never used. */
static int cached_ok(const copa__apt_index *it)
{
    return copa__cache_entry_ok(it->cache, it->file->size, it->file->sha256);
}

/* Remember where this component's packages end (Pin: release c=...). */
static int note_component_end(copa__apt_index *it)
{
    copa__apt_repo *repo = it->repo;
    if (repo->src.flat || repo->src.component_count == 0)
        return 0;
    if (repo->component_ends == NULL &&
        (repo->component_ends = calloc(repo->src.component_count, sizeof(size_t))) == NULL)
        return copa__error_oom();
    repo->component_ends[it->component] = repo->packages.count;
    return 0;
}

/*
 * Parse one index: the uncompressed cached copy when there is one (making
 * it from the compressed download first); the compressed file when the
 * Release does not describe the plain one or the two disagree.
 */
static int load_one(copa__apt_index *it)
{
    if (!it->plain_cached && it->plain != NULL) {
        /* Another copa sharing the cache may have made the plain copy since
         * the download (and pruned the compressed one): use it. */
        it->plain_cached = copa__apt_index_store_plain(it) == 0 || copa__apt_index_plain_ok(it);
        copa_error_clear();
    }
    if (it->plain_cached) /* checked by copa__apt_index_plain_ok or written just now */
        return copa__apt_packages_load_file(&it->repo->packages, it->plain_cache, NULL,
                                            it->plain->size);
    return copa__apt_packages_load_file(&it->repo->packages, it->cache, it->file->sha256,
                                        it->file->size);
}

/* Point an index whose by-hash URL was 404 at its plain path. */
static int use_plain_path(copa__apt_index *it)
{
    free(it->url);
    it->url = NULL;
    it->by_hash = 0;
    it->by_hash_404 = 0;
    return copa__apt_source_file_url(&it->url, &it->repo->src, it->file->path);
}

/*
 * Download in parallel the indexes that need it: first pass, those not
 * cached; fallback pass, those whose by-hash URL was 404, at the plain path.
 */
static int download_needed(copa__apt_index *items, size_t count, const copa__apt_options *opts,
                           int fallback)
{
    download *dl = calloc(count + 1, sizeof(*dl));
    size_t i, n = 0;
    int rc = 0;

    if (dl == NULL)
        return copa__error_oom();
    for (i = 0; rc == 0 && i < count; i++) {
        if (fallback ? !items[i].by_hash_404
                     : (items[i].plain_cached = copa__apt_index_plain_ok(&items[i])) ||
                           cached_ok(&items[i]))
            continue;
        if (fallback && (rc = use_plain_path(&items[i])) != 0)
            break;
        dl[n].item = &items[i];
        rc = open_temp(&dl[n]);
        if (rc == 0) {
            items[i].repo->index_downloaded += !fallback;
            n++;
        }
    }
    if (rc == 0 && n > 0)
        rc = download_all(dl, n, opts);
    for (i = 0; i < n; i++) {
        if (dl[i].fp != NULL) {
            fclose(dl[i].fp);
            unlink(dl[i].temp);
        }
        free(dl[i].temp);
    }
    free(dl);
    return rc;
}

int copa__apt_fetch_indexes(copa__apt_index *items, size_t count, const copa__apt_options *opts)
{
    size_t i;
    int rc = download_needed(items, count, opts, 0);

    if (rc == 0)
        rc = download_needed(items, count, opts, 1);
    for (i = 0; rc == 0 && i < count; i++) {
        copa__apt_index *it = &items[i];
        rc = load_one(it);
        if (rc != 0)
            rc = copa__error_prefix("%s: ", it->repo->name);
        else
            it->repo->index_count++;
        if (rc == 0)
            rc = note_component_end(it);
    }
    return rc;
}
