/*
 * Where a source's files live (--mirror rewriting is net/mirror.c's). Pure
 * string functions; nothing here touches the network.
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
