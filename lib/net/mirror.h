/*
 * --mirror FROM=TO: repository URL prefix rewrites, the same for every
 * engine (apt sources, apk repositories, yum/dnf baseurls) and for every
 * URL an engine fetches (indexes and packages alike). A rule applies when
 * the URL is FROM or lies below it at a '/' boundary (trailing slashes
 * ignored); the first matching rule wins. Pure string functions.
 */
#ifndef COPA_LIB_NET_MIRROR_H
#define COPA_LIB_NET_MIRROR_H

#include <stddef.h>

typedef struct copa__mirrors {
    char **from; /* malloc'd prefixes, `count` of each */
    char **to;
    size_t count;
} copa__mirrors;

/*
 * Parse "FROM=TO" specs (split at the first '='). `out` is always
 * initialised (free with copa__mirrors_free). COPA_EINVALID naming the
 * spec when one is not FROM=TO with both sides non-empty, COPA_ENOMEM.
 */
int copa__mirrors_parse(copa__mirrors *out, const char *const *specs, size_t count);
void copa__mirrors_free(copa__mirrors *mirrors);

/*
 * `*out` = `url` rewritten by the first matching rule (return 1) or a copy
 * of `url` (return 0); NULL `mirrors` has no rules. Negative on error.
 */
int copa__mirrors_apply(char **out, const copa__mirrors *mirrors, const char *url);

/*
 * One rule: when `url` is `from` or lies below it, `*out` is `to` + the
 * rest and the return is 1; otherwise `*out` is a copy of `url` and the
 * return is 0. COPA_EINVALID for an empty FROM/TO, COPA_ENOMEM.
 */
int copa__mirror_rewrite(char **out, const char *url, const char *from, const char *to);

/* Split a "FROM=TO" argument at its first '='; both parts malloc'd. */
int copa__mirror_parse(char **from, char **to, const char *spec);

#endif
