/*
 * One repository's Release file: InRelease (revalidated against the cache
 * with If-None-Match / If-Modified-Since), else Release + Release.gpg;
 * then the OpenPGP signature against the source's anchors, the Release
 * parse, its time (Valid-Until, a Date in the future), its suite, and what
 * copa saw of the repository before (an older Date, a changed Origin). A
 * cached copy (304) is verified exactly like a fresh one: the cache only
 * saves the download.
 */
#include "apt/apt.h"
#include "trust/pgp_cleartext.h"
#include "util/buffer.h"
#include "util/error.h"
#include "util/file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The Release text after verification; owned. */
typedef struct release_doc {
    char *text;
    size_t len;
} release_doc;

static int http_get(copa__http_response *res, const copa__apt_options *opts, const char *url,
                    const char *const *headers)
{
    copa__http_request req;

    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.url = url;
    req.headers = headers;
    req.follow_redirects = 1;
    return copa__http_perform(&opts->http, &req, res);
}

static int status_error(const copa__apt_repo *repo, const char *url, long status)
{
    return copa__error_set(status == 404 ? COPA_ENOTFOUND : COPA_ENETWORK,
                           "%s: %s: HTTP status %ld", repo->name, url, status);
}

/* Accept without signature: the signed text of an InRelease, or Release as is. */
static int unverified_text(release_doc *doc, const char *body, size_t len, int cleartext)
{
    copa__pgp_cleartext ct;
    int rc;

    if (!cleartext) {
        doc->text = malloc(len + 1);
        if (doc->text == NULL)
            return copa__error_oom();
        memcpy(doc->text, body, len);
        doc->text[len] = '\0';
        doc->len = len;
        return 0;
    }
    if ((rc = copa__pgp_cleartext_parse(&ct, body, len)) != 0)
        return rc;
    doc->text = ct.text;
    doc->len = ct.text_len;
    ct.text = NULL;
    copa__pgp_cleartext_clear(&ct);
    return 0;
}

/*
 * Metadata that is not a well-formed signed document (an InRelease without
 * armor, a mangled signature block) failed verification: the same exit as
 * a bad signature, not "bad input", for what the repository served.
 */
static int as_verify_failure(void)
{
    char message[1024];
    snprintf(message, sizeof(message), "%s", copa_error_last());
    return copa__error_set(COPA_EVERIFY, "%s", message);
}

/*
 * Verify (or, trusted/insecure, accept) `body`; `sig` is the detached
 * signature for a Release file, NULL for InRelease.
 */
static int check_signature(release_doc *doc, copa__apt_repo *repo, const copa__pgp_keyring *kr,
                           const copa__apt_options *opts, const char *body, size_t len,
                           const copa__http_response *sig, int have_sig)
{
    copa__pgp_result r;
    const char *what = sig == NULL ? "InRelease" : "Release.gpg";
    int rc;

    memset(&r, 0, sizeof(r));
    if (repo->src.trusted)
        return unverified_text(doc, body, len, sig == NULL);
    if (sig == NULL)
        rc = copa__pgp_verify_cleartext(&r, kr, body, len, opts->now);
    else if (have_sig)
        rc = copa__pgp_verify_detached(&r, kr, body, len, sig->body.data, sig->body.length,
                                       opts->now);
    else
        rc = copa__error_set(COPA_EVERIFY, "the repository is not signed (no InRelease, no "
                                           "Release.gpg)");
    if (rc != 0) {
        rc = copa__error_prefix("%s: %s: ", repo->name, what);
        if (rc == COPA_EINVALID)
            rc = as_verify_failure();
        if (!opts->insecure_allow_unsigned)
            return rc;
        copa_error_clear();
        repo->insecure = 1;
        return unverified_text(doc, body, len, sig == NULL);
    }
    memcpy(repo->fingerprint, r.fingerprint, sizeof(r.fingerprint));
    memcpy(repo->primary_fingerprint, r.primary_fingerprint, sizeof(r.primary_fingerprint));
    memcpy(repo->key_id, r.key_id, sizeof(r.key_id));
    if (sig == NULL) {
        doc->text = r.text;
        doc->len = r.text_len;
        r.text = NULL;
        copa__pgp_result_clear(&r);
        return 0;
    }
    copa__pgp_result_clear(&r);
    return unverified_text(doc, body, len, 0);
}

/* Release + Release.gpg, for repositories without InRelease. */
static int fetch_detached(release_doc *doc, copa__apt_repo *repo, const copa__pgp_keyring *kr,
                          const copa__apt_options *opts)
{
    copa__http_response rel, sig;
    char *sig_url = NULL;
    int rc;

    free(repo->release_url);
    repo->release_url = NULL;
    memset(&sig, 0, sizeof(sig));
    if ((rc = copa__apt_source_file_url(&repo->release_url, &repo->src, "Release")) != 0)
        return rc;
    rc = http_get(&rel, opts, repo->release_url, NULL);
    if (rc == 0 && rel.status != 200)
        rc = status_error(repo, repo->release_url, rel.status);
    if (rc == 0)
        rc = copa__apt_source_file_url(&sig_url, &repo->src, "Release.gpg");
    if (rc == 0)
        rc = http_get(&sig, opts, sig_url, NULL);
    if (rc == 0 && sig.status != 200 && sig.status != 404)
        rc = status_error(repo, sig_url, sig.status);
    if (rc == 0)
        rc = check_signature(doc, repo, kr, opts, rel.body.data ? rel.body.data : "",
                             rel.body.length, &sig, sig.status == 200);
    copa__http_response_free(&rel);
    copa__http_response_free(&sig);
    free(sig_url);
    return rc;
}

/* Conditional headers from the cached copy; `lines` holds two slots + NULL. */
static int conditional_headers(copa__buf *store, const char *lines[3], const copa__apt_cached *c)
{
    size_t n = 0, split = 0;
    int rc = 0;

    if (c->etag != NULL) {
        rc = copa__buf_appendf(store, "If-None-Match: %s", c->etag);
        split = store->length + 1;
        if (rc == 0)
            rc = copa__buf_append(store, "\0", 1);
    }
    if (rc == 0 && c->last_modified != NULL)
        rc = copa__buf_appendf(store, "If-Modified-Since: %s", c->last_modified);
    if (rc != 0)
        return rc;
    if (c->etag != NULL)
        lines[n++] = store->data;
    if (c->last_modified != NULL)
        lines[n++] = store->data + split;
    lines[n] = NULL;
    return 0;
}

static int fetch_inrelease(release_doc *doc, copa__apt_repo *repo, const copa__pgp_keyring *kr,
                           const copa__apt_options *opts, const char *cache_dir)
{
    copa__apt_cached cached;
    copa__http_response res;
    copa__buf hstore = COPA__BUF_INIT;
    const char *lines[3] = {NULL, NULL, NULL};
    char *cache_path = NULL, *etag = NULL, *lastmod = NULL;
    int rc, have_cache;

    memset(&res, 0, sizeof(res));
    if ((rc = copa__apt_source_file_url(&repo->release_url, &repo->src, "InRelease")) != 0 ||
        (rc = copa__apt_cache_release_path(&cache_path, cache_dir, repo->release_url)) != 0)
        return rc;
    have_cache = copa__apt_cache_read_doc(&cached, cache_path) == 0;
    copa_error_clear();
    if (have_cache)
        rc = conditional_headers(&hstore, lines, &cached);
    if (rc == 0)
        rc = http_get(&res, opts, repo->release_url, lines);
    if (rc == 0 && res.status == 304 && have_cache) {
        repo->release_cached = 1;
        rc = check_signature(doc, repo, kr, opts, cached.body, cached.len, NULL, 0);
    } else if (rc == 0 && res.status == 404) {
        rc = fetch_detached(doc, repo, kr, opts);
    } else if (rc == 0 && res.status == 200) {
        rc = check_signature(doc, repo, kr, opts, res.body.data ? res.body.data : "",
                             res.body.length, NULL, 0);
        /* Only verified (or explicitly trusted) content enters the cache. */
        if (rc == 0) {
            copa__http_header(&etag, &res, "ETag");
            copa__http_header(&lastmod, &res, "Last-Modified");
            copa_error_clear();
            if (copa__file_mkdirs_parent(cache_path) == 0)
                copa__apt_cache_write_doc(cache_path, etag, lastmod, res.body.data,
                                          res.body.length);
            copa_error_clear(); /* a read-only cache costs only the next download */
        }
    } else if (rc == 0) {
        rc = status_error(repo, repo->release_url, res.status);
    }
    copa__http_response_free(&res);
    if (have_cache)
        copa__apt_cached_free(&cached);
    copa__buf_free(&hstore);
    free(cache_path);
    free(etag);
    free(lastmod);
    return rc;
}

static int check_components(const copa__apt_repo *repo)
{
    const copa__apt_release *rel = &repo->release;
    copa__buf have = COPA__BUF_INIT;
    size_t i, j;
    int rc;

    if (repo->src.flat || rel->component_count == 0)
        return 0;
    for (i = 0; i < repo->src.component_count; i++) {
        for (j = 0; j < rel->component_count; j++)
            if (copa__apt_release_component_matches(rel->components[j], repo->src.components[i]))
                break;
        if (j < rel->component_count)
            continue;
        for (j = 0; j < rel->component_count; j++)
            copa__buf_appendf(&have, "%s%s", j ? " " : "", rel->components[j]);
        rc = copa__error_set(COPA_ENOTFOUND,
                             "%s: component '%s' does not exist in the repository (Release "
                             "Components: %s)",
                             repo->name, repo->src.components[i], have.data ? have.data : "");
        copa__buf_free(&have);
        return rc;
    }
    return 0;
}

/*
 * A signed Release proves the archive published it, not that it is this
 * suite's: apt names the expected and the found suite ("Conflicting
 * distribution") and we refuse, so another suite's genuine Release (say
 * bookworm-updates served as bookworm-security) cannot hide updates. Flat
 * repositories name no suite; trusted=yes ones prove nothing either way.
 * A Release with neither Suite nor Codename names no distribution to
 * conflict with (third-party repositories made with a bare
 * `apt-ftparchive release`); apt takes it, and so do we.
 */
static int check_suite(const copa__apt_repo *repo)
{
    const copa__apt_release *rel = &repo->release;
    int names_none = (rel->suite == NULL || rel->suite[0] == '\0') &&
                     (rel->codename == NULL || rel->codename[0] == '\0');

    if (repo->src.flat || repo->src.trusted || names_none ||
        copa__apt_release_names_suite(rel, repo->src.suite))
        return 0;
    return copa__error_set(COPA_EVERIFY,
                           "%s: the Release is of another distribution: expected '%s', found "
                           "Suite '%s' and Codename '%s'",
                           repo->name, repo->src.suite, rel->suite ? rel->suite : "",
                           rel->codename ? rel->codename : "");
}

/*
 * Valid-Until passed, or Date beyond apt's clock-skew margin: both are
 * about time, both yield to --insecure-ignore-valid-until (flagged), as
 * apt's Check-Date switch turns both off.
 */
static int check_time(copa__apt_repo *repo, const copa__apt_options *opts)
{
    const copa__apt_release *rel = &repo->release;
    int rc = 0;

    if (repo->src.check_valid_until)
        rc = copa__apt_release_check_date(rel, (time_t)opts->now);
    if (rc == 0)
        rc = copa__apt_release_check_not_future(rel, (time_t)opts->now,
                                                COPA__APT_MAX_FUTURE_SECONDS);
    if (rc != 0 && opts->insecure_ignore_valid_until) {
        copa_error_clear();
        repo->insecure = 1;
        rc = 0;
    }
    return rc;
}

int copa__apt_fetch_release(copa__apt_repo *repo, const copa__pgp_keyring *keyring,
                            const copa__apt_options *opts, const char *cache_dir)
{
    release_doc doc = {NULL, 0};
    int rc = fetch_inrelease(&doc, repo, keyring, opts, cache_dir);

    if (rc == 0) {
        rc = copa__apt_release_parse(&repo->release, repo->name, doc.text, doc.len);
        repo->have_release = rc == 0;
    }
    free(doc.text);
    if (rc == 0)
        rc = check_time(repo, opts);
    if (rc == 0)
        rc = check_suite(repo);
    if (rc == 0)
        rc = check_components(repo);
    if (rc == 0)
        rc = copa__apt_release_history(repo, cache_dir);
    return rc;
}
