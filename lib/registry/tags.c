/*
 * Tag listing: GET /v2/<name>/tags/list, page by page, following the
 * Link: <...>; rel="next" header of the distribution spec. A next link
 * must stay on the same registry (a path "/v2/..." or the same
 * scheme://host), so a registry cannot send our credentials elsewhere;
 * a next link naming a page already listed, or a page that adds no tag yet links
 * on, is refused, and pages, bytes and tags are bounded, so a looping registry
 * cannot hold us for long.
 */
#include "registry/client.h"
#include "util/error.h"
#include "util/grow.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* LIST_BYTES_MAX: all pages together; a million 40-character tags fit. */
enum {
    PAGE_BODY_MAX = 16 * 1024 * 1024,
    LIST_BYTES_MAX = 64 * 1024 * 1024,
    PAGES_MAX = 10000,
    TAGS_MAX = 1000000
};

void copa__registry_tags_free(char **tags, size_t count)
{
    size_t i;

    for (i = 0; tags != NULL && i < count; i++)
        free(tags[i]);
    free(tags);
}

/* Is "next" among the rel values in the parameters [params, end) of one link-value? */
static int rel_is_next(const char *params, const char *end)
{
    char *text = strndup(params, (size_t)(end - params)), *rel, *value, *save = NULL;
    int found = 0, quoted;

    if (text == NULL)
        return 0;
    /* the parameter "rel", not the tail of another name such as "prerel" */
    for (rel = strstr(text, "rel="); rel != NULL; rel = strstr(rel + 4, "rel="))
        if (rel == text || strchr("; \t", rel[-1]) != NULL)
            break;
    if (rel != NULL) {
        quoted = rel[4] == '"';
        value = rel + 4 + quoted;
        value[strcspn(value, quoted ? "\"" : "; \t")] = '\0';
        for (value = strtok_r(value, " ", &save); value != NULL && !found;
             value = strtok_r(NULL, " ", &save))
            found = strcasecmp(value, "next") == 0;
    }
    free(text);
    return found;
}

/*
 * The URL of rel="next" in a Link header value, as a path below the
 * registry; NULL when none. A header may carry several comma-separated
 * link-values (RFC 8288), rel="prev" among them, so each is judged by its
 * own parameters.
 */
static char *next_path(const char *link, const char *base)
{
    const char *open, *close, *end;
    char *target = NULL;

    for (open = strchr(link, '<'); open != NULL && target == NULL; open = strchr(end, '<')) {
        if ((close = strchr(open, '>')) == NULL)
            return NULL;
        end = close + 1 + strcspn(close + 1, ",");
        if (rel_is_next(close + 1, end))
            target = strndup(open + 1, (size_t)(close - open - 1));
    }
    if (target == NULL)
        return NULL;
    if (strncasecmp(target, base, strlen(base)) == 0 && target[strlen(base)] == '/')
        memmove(target, target + strlen(base), strlen(target + strlen(base)) + 1);
    return target;
}

/* Append the "tags" array of one page. */
static int add_page(char ***tags, size_t *count, const char *body, size_t length,
                    const char *repository)
{
    cJSON *root = cJSON_ParseWithLength(body, length);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "tags"), *item;
    int rc = 0;

    if (!cJSON_IsObject(root) || !(cJSON_IsArray(list) || cJSON_IsNull(list) || list == NULL)) {
        cJSON_Delete(root);
        return copa__error_set(COPA_EINVALID, "tag list of %s: not a JSON object with \"tags\"",
                               repository);
    }
    cJSON_ArrayForEach(item, list)
    {
        char **grown;

        if (!cJSON_IsString(item) || item->valuestring[0] == '\0') {
            rc =
                copa__error_set(COPA_EINVALID, "tag list of %s: a tag is not a string", repository);
            break;
        }
        if (*count >= TAGS_MAX) {
            rc = copa__error_set(COPA_EINVALID, "tag list of %s: more than %d tags", repository,
                                 TAGS_MAX);
            break;
        }
        grown = !copa__grow_needed(*tags, *count + 1)
                    ? *tags
                    : realloc(*tags, copa__grow_slots(*count + 2) * sizeof(char *));
        if (grown == NULL || (grown[*count] = strdup(item->valuestring)) == NULL) {
            if (grown != NULL)
                *tags = grown;
            rc = copa__error_oom();
            break;
        }
        *tags = grown;
        grown[++*count] = NULL;
    }
    cJSON_Delete(root);
    return rc;
}

/* GET one page; the next page's path (or NULL) goes to *next, its size is added to *received. */
static int get_page(char **next, size_t *received, char ***tags, size_t *count, copa__registry *r,
                    const char *registry, const char *repository, const char *url)
{
    copa__http_request request = {0};
    copa__http_response response = {0};
    char *scope = NULL, *link = NULL, *base = NULL, what[512];
    int rc;

    *next = NULL;
    snprintf(what, sizeof(what), "tag list of %s", repository);
    if (asprintf(&scope, "repository:%s:pull", repository) < 0)
        return copa__error_oom();
    request.method = "GET";
    request.url = url;
    request.max_body = PAGE_BODY_MAX;
    if ((rc = copa__registry_send(r, registry, scope, &request, &response)) != 0)
        goto done;
    if (response.status != 200) {
        rc = copa__registry_status_error(&response, registry, what);
        goto done;
    }
    *received += response.body.length;
    if ((rc = add_page(tags, count, response.body.data ? response.body.data : "{}",
                       response.body.data ? response.body.length : 2, repository)) != 0)
        goto done;
    if (copa__http_header(&link, &response, "Link") != 0)
        goto done;
    if ((rc = copa__registry_url(&base, r, registry, "%s", "")) != 0)
        goto done;
    *next = next_path(link, base);
    if (*next != NULL && strncmp(*next, "/v2/", 4) != 0) {
        rc =
            copa__error_set(COPA_EINVALID, "registry %s: %s: next page '%s' is not on the registry",
                            registry, what, *next);
        free(*next);
        *next = NULL;
    }
done:
    copa__http_response_free(&response);
    free(scope);
    free(link);
    free(base);
    return rc;
}

/* Was `url` one of the pages already listed? */
static int seen_before(char *const *seen, size_t count, const char *url)
{
    size_t i;

    for (i = 0; i < count; i++)
        if (strcmp(seen[i], url) == 0)
            return 1;
    return 0;
}

int copa__registry_tags_list(char ***out, size_t *count, copa__registry *r, const char *registry,
                             const char *repository, unsigned int page_size)
{
    char *url = NULL, *next = NULL, **seen = NULL;
    size_t before, pages = 0, i, received = 0;
    int rc;

    *out = NULL;
    *count = 0;
    if (page_size != 0)
        rc = copa__registry_url(&url, r, registry, "/v2/%s/tags/list?n=%u", repository, page_size);
    else
        rc = copa__registry_url(&url, r, registry, "/v2/%s/tags/list", repository);
    while (rc == 0 && url != NULL) {
        char **grown;

        if (pages == PAGES_MAX) {
            rc = copa__error_set(COPA_EINVALID, "registry %s: tag list of %s: more than %d pages",
                                 registry, repository, PAGES_MAX);
            break;
        }
        before = *count;
        rc = get_page(&next, &received, out, count, r, registry, repository, url);
        /* distinct pages of PAGE_BODY_MAX each would otherwise run to PAGES_MAX */
        if (rc == 0 && next != NULL && received > LIST_BYTES_MAX)
            rc = copa__error_set(COPA_EINVALID,
                                 "registry %s: tag list of %s: more than %d MiB over all pages",
                                 registry, repository, LIST_BYTES_MAX >> 20);
        /* the page is listed: it joins those a next link must not name again */
        if ((grown = realloc(seen, (pages + 1) * sizeof(char *))) == NULL) {
            free(url);
            rc = rc != 0 ? rc : copa__error_oom();
        } else {
            seen = grown;
            seen[pages++] = url;
        }
        url = NULL;
        /* a next link back to any listed page (itself, or A -> B -> A), or a
         * page that adds nothing yet promises more, would loop until PAGES_MAX */
        if (rc == 0 && next != NULL) {
            rc = copa__registry_url(&url, r, registry, "%s", next);
            if (rc == 0 && (seen_before(seen, pages, url) || *count == before))
                rc = copa__error_set(COPA_EINVALID,
                                     "registry %s: tag list of %s: the next page link loops",
                                     registry, repository);
        }
        free(next);
        next = NULL;
    }
    free(url);
    for (i = 0; i < pages; i++)
        free(seen[i]);
    free(seen);
    /* no tag at all ("tags": null or []) is still the promised NULL-terminated array */
    if (rc == 0 && *out == NULL && (*out = calloc(1, sizeof(char *))) == NULL)
        rc = copa__error_oom();
    if (rc != 0) {
        copa__registry_tags_free(*out, *count);
        *out = NULL;
        *count = 0;
    }
    return rc;
}
