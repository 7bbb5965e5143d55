/*
 * --mirror prefix rewriting for every engine (net/mirror.h).
 */
#include "net/mirror.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static size_t without_trailing_slash(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '/')
        n--;
    return n;
}

int copa__mirror_rewrite(char **out, const char *url, const char *from, const char *to)
{
    size_t nfrom = without_trailing_slash(from), nto = without_trailing_slash(to);
    size_t rest;

    *out = NULL;
    if (nfrom == 0 || nto == 0)
        return copa__error_set(COPA_EINVALID, "--mirror needs FROM=TO with both URLs non-empty");
    if (strncmp(url, from, nfrom) != 0 || (url[nfrom] != '\0' && url[nfrom] != '/')) {
        if ((*out = strdup(url)) == NULL)
            return copa__error_oom();
        return 0;
    }
    rest = strlen(url + nfrom);
    if ((*out = malloc(nto + rest + 1)) == NULL)
        return copa__error_oom();
    memcpy(*out, to, nto);
    memcpy(*out + nto, url + nfrom, rest + 1);
    return 1;
}

int copa__mirror_parse(char **from, char **to, const char *spec)
{
    const char *eq = strchr(spec, '=');

    *from = *to = NULL;
    if (eq == NULL || eq == spec || eq[1] == '\0')
        return copa__error_set(COPA_EINVALID, "--mirror '%s': expected FROM=TO", spec);
    *from = strndup(spec, (size_t)(eq - spec));
    *to = strdup(eq + 1);
    if (*from == NULL || *to == NULL) {
        free(*from);
        free(*to);
        *from = *to = NULL;
        return copa__error_oom();
    }
    return 0;
}

int copa__mirrors_parse(copa__mirrors *out, const char *const *specs, size_t count)
{
    size_t i;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    if (count == 0)
        return 0;
    out->from = calloc(count, sizeof(*out->from));
    out->to = calloc(count, sizeof(*out->to));
    if (out->from == NULL || out->to == NULL)
        rc = copa__error_oom();
    for (i = 0; rc == 0 && i < count; i++) {
        rc = copa__mirror_parse(&out->from[i], &out->to[i], specs[i]);
        if (rc == 0)
            out->count++;
    }
    /* An empty side is refused now, not at the first URL it would rewrite. */
    for (i = 0; rc == 0 && i < out->count; i++)
        if (without_trailing_slash(out->from[i]) == 0 || without_trailing_slash(out->to[i]) == 0)
            rc = copa__error_set(COPA_EINVALID, "--mirror '%s': both URLs must be non-empty",
                                 specs[i]);
    if (rc != 0)
        copa__mirrors_free(out);
    return rc;
}

void copa__mirrors_free(copa__mirrors *mirrors)
{
    size_t i;

    if (mirrors == NULL)
        return;
    for (i = 0; i < mirrors->count; i++) {
        free(mirrors->from[i]);
        free(mirrors->to[i]);
    }
    free(mirrors->from);
    free(mirrors->to);
    memset(mirrors, 0, sizeof(*mirrors));
}

int copa__mirrors_apply(char **out, const copa__mirrors *mirrors, const char *url)
{
    size_t i;

    *out = NULL;
    for (i = 0; mirrors != NULL && i < mirrors->count; i++) {
        int rc = copa__mirror_rewrite(out, url, mirrors->from[i], mirrors->to[i]);
        if (rc != 0)
            return rc; /* 1: rewritten (first match wins), < 0: error */
        free(*out);
        *out = NULL;
    }
    if ((*out = strdup(url)) == NULL)
        return copa__error_oom();
    return 0;
}
