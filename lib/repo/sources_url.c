/*
 * Where a source's files live, and --mirror prefix rewriting. Pure string
 * functions; nothing here touches the network.
 */
#include "repo/sources.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* malloc'd concatenation of up to four parts. */
static int join(char **out, const char *a, const char *b, const char *c, const char *d)
{
    size_t len = strlen(a) + strlen(b) + strlen(c) + strlen(d) + 1;
    if ((*out = malloc(len)) == NULL)
        return copa__error_oom();
    snprintf(*out, len, "%s%s%s%s", a, b, c, d);
    return 0;
}

/* A flat suite without its leading "./" ("./" itself becomes ""). */
static const char *flat_dir(const char *suite)
{
    while (suite[0] == '.' && suite[1] == '/')
        suite += 2;
    while (suite[0] == '/')
        suite++;
    return suite;
}

int copa__apt_source_dist_url(char **out, const copa__apt_source *src)
{
    if (src->flat)
        return join(out, src->uri, "/", flat_dir(src->suite), "");
    return join(out, src->uri, "/dists/", src->suite, "/");
}

int copa__apt_source_file_url(char **out, const copa__apt_source *src, const char *relative)
{
    char *dir;
    int rc;
    if ((rc = copa__apt_source_dist_url(&dir, src)) < 0)
        return rc;
    rc = join(out, dir, relative, "", "");
    free(dir);
    return rc;
}

int copa__apt_source_pool_url(char **out, const copa__apt_source *src, const char *filename)
{
    while (filename[0] == '.' && filename[1] == '/')
        filename += 2;
    return join(out, src->uri, "/", filename, "");
}

static size_t without_trailing_slash(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '/')
        n--;
    return n;
}

int copa__apt_mirror_rewrite(char **out, const char *uri, const char *from, const char *to)
{
    size_t nfrom = without_trailing_slash(from), nto = without_trailing_slash(to);
    size_t rest;

    *out = NULL;
    if (nfrom == 0 || nto == 0)
        return copa__error_set(COPA_EINVALID, "--mirror needs FROM=TO with both URLs non-empty");
    if (strncmp(uri, from, nfrom) != 0 || (uri[nfrom] != '\0' && uri[nfrom] != '/')) {
        if ((*out = strdup(uri)) == NULL)
            return copa__error_oom();
        return 0;
    }
    rest = strlen(uri + nfrom);
    if ((*out = malloc(nto + rest + 1)) == NULL)
        return copa__error_oom();
    memcpy(*out, to, nto);
    memcpy(*out + nto, uri + nfrom, rest + 1);
    return 1;
}

int copa__apt_mirror_parse(char **from, char **to, const char *spec)
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
