/*
 * copa__apt_load: sources and keys from the image, mirrors applied, each
 * repository's Release verified, then all Packages indexes fetched in
 * parallel and parsed for the image's architecture.
 */
#include "apt/apt.h"
#include "util/buffer.h"
#include "util/cache_dir.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

/* The URI to use: the first matching --mirror rule, else the URI as written. */
static int apply_mirrors(copa__apt_repo *repo, const copa__apt_options *opts)
{
    int rc = copa__mirrors_apply(&repo->uri, opts->mirrors, repo->original_uri);

    if (rc == 1)
        repo->mirrored = 1;
    return rc < 0 ? rc : 0;
}

static int init_repo(copa__apt_repo *repo, const copa__apt_source *src,
                     const copa__apt_options *opts)
{
    copa__buf name = COPA__BUF_INIT;
    int rc;

    repo->src = *src;
    repo->original_uri = src->uri;
    if ((rc = apply_mirrors(repo, opts)) != 0)
        return rc;
    repo->src.uri = repo->uri;
    if ((rc = copa__buf_appendf(&name, "%s %s", repo->uri, src->suite)) != 0)
        return rc;
    repo->name = copa__buf_detach(&name);
    if ((rc = copa__apt_packages_init(&repo->packages, opts->arch)) != 0)
        return rc;
    repo->packages.filter = opts->filter;
    return 0;
}

static int load_release(copa__apt_repo *repo, const copa__image_files *fs,
                        const copa__apt_options *opts, const char *cache_dir)
{
    copa__pgp_keyring *kr = NULL;
    int rc = 0;

    /* trusted=yes needs no keys: a broken key file must not matter then. */
    if (!repo->src.trusted && (rc = copa__apt_anchor_keyring(&kr, &repo->src, fs)) != 0)
        return copa__error_prefix("%s: ", repo->name);
    rc = copa__apt_fetch_release(repo, kr, opts, cache_dir);
    copa__pgp_keyring_free(kr);
    return rc;
}

/* Plan, fetch and parse the Packages indexes of every repository. */
static int load_indexes(copa__apt_result *r, const copa__apt_options *opts)
{
    copa__apt_index *items = NULL;
    size_t n_items = 0, i;
    int rc = 0;

    for (i = 0; rc == 0 && i < r->count; i++)
        rc = copa__apt_plan_indexes(&items, &n_items, &r->repos[i], opts->arch, r->cache_dir);
    if (rc == 0)
        rc = copa__apt_fetch_indexes(items, n_items, opts);
    copa__apt_indexes_free(items, n_items);
    for (i = 0; rc == 0 && i < r->count; i++)
        r->package_count += r->repos[i].packages.count;
    return rc;
}

static int load_all(copa__apt_result *r, const copa__image_files *fs, const copa__apt_options *opts)
{
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < r->count; i++) {
        rc = init_repo(&r->repos[i], &r->sources.items[i], opts);
    }
    for (i = 0; rc == 0 && i < r->count; i++)
        rc = load_release(&r->repos[i], fs, opts, r->cache_dir);
    return rc == 0 ? load_indexes(r, opts) : rc;
}

int copa__apt_reload_indexes(copa__apt_result *r, const copa__apt_options *opts)
{
    size_t i;
    int rc = 0;

    r->package_count = 0;
    for (i = 0; rc == 0 && i < r->count; i++) {
        copa__apt_repo *repo = &r->repos[i];
        copa__apt_packages_free(&repo->packages);
        free(repo->component_ends);
        repo->component_ends = NULL;
        repo->index_count = 0;
        if ((rc = copa__apt_packages_init(&repo->packages, opts->arch)) == 0)
            repo->packages.filter = opts->filter;
    }
    return rc == 0 ? load_indexes(r, opts) : rc;
}

int copa__apt_load(copa__apt_result *out, const copa__image_files *fs,
                   const copa__apt_options *opts)
{
    int rc;

    memset(out, 0, sizeof(*out));
    copa__apt_sources_init(&out->sources);
    if (opts->arch == NULL || opts->arch[0] == '\0')
        return copa__error_set(COPA_EINVALID, "apt: the image's architecture is required");
    if (opts->cache_dir != NULL)
        rc = (out->cache_dir = strdup(opts->cache_dir)) == NULL ? copa__error_oom() : 0;
    else
        rc = copa__cache_default_dir(&out->cache_dir);
    if (rc == 0)
        rc = copa__apt_read_sources(&out->sources, fs);
    if (rc == 0 && out->sources.count > 0) {
        out->repos = calloc(out->sources.count, sizeof(*out->repos));
        if (out->repos == NULL)
            rc = copa__error_oom();
        else
            out->count = out->sources.count;
    }
    if (rc == 0)
        rc = load_all(out, fs, opts);
    if (rc == 0)
        copa__apt_cache_prune(out->cache_dir);
    return rc;
}

void copa__apt_result_free(copa__apt_result *r)
{
    size_t i;

    if (r == NULL)
        return;
    for (i = 0; i < r->count; i++) {
        copa__apt_repo *repo = &r->repos[i];
        free(repo->uri);
        free(repo->name);
        free(repo->release_url);
        if (repo->have_release)
            copa__apt_release_free(&repo->release);
        copa__apt_packages_free(&repo->packages);
        free(repo->component_ends);
    }
    free(r->repos);
    free(r->cache_dir);
    copa__apt_sources_free(&r->sources);
    memset(r, 0, sizeof(*r));
}

size_t copa__apt_result_find(const copa__apt_result *r, const char *name, copa__apt_candidate *out,
                             size_t max)
{
    size_t i, n = 0;

    for (i = 0; i < r->count; i++) {
        const copa__apt_packages *idx = &r->repos[i].packages;
        const copa__apt_package *p = copa__apt_packages_find(idx, name);
        while (p != NULL) {
            if (n < max) {
                out[n].repo = &r->repos[i];
                out[n].pkg = p;
            }
            n++;
            p = p->next_same ? &idx->items[p->next_same - 1] : NULL;
        }
    }
    return n < max ? n : max;
}

int copa__apt_candidate_url(char **out, const copa__apt_candidate *c)
{
    if (c->pkg->filename == NULL)
        return copa__error_set(COPA_EINVALID, "%s: package %s %s has no Filename", c->repo->name,
                               c->pkg->name, c->pkg->version);
    return copa__apt_source_pool_url(out, &c->repo->src, c->pkg->filename);
}
