/*
 * The package names of a relation field ("a (>= 1) | b:any, c [amd64]")
 * without parsing the rest: what scoping needs (which names a package can
 * pull in or provide), for both raw deb822 values (continuation lines
 * included) and one-line copies.
 */
#ifndef COPA_LIB_REPO_RELATION_NAMES_H
#define COPA_LIB_REPO_RELATION_NAMES_H

#include <stddef.h>

/*
 * The next name in [p, end): sets *name and *len (a run of name
 * characters; *len is 0 for an alternative that does not start with one)
 * and returns where to continue, or NULL when no alternative is left.
 * Architecture qualifiers (":any"), versions and restrictions are skipped.
 */
const char *copa__relation_next_name(const char *p, const char *end, const char **name,
                                     size_t *len);

/*
 * Call fn(payload, name, len) for every name of the NUL-terminated
 * relation `text` (NULL has none), alternatives included; stops at and
 * returns the first non-zero result.
 */
int copa__relation_each_name(const char *text,
                             int (*fn)(void *payload, const char *name, size_t len), void *payload);

#endif
