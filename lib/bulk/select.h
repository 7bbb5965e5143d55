/*
 * Choosing tags for one images[] entry from what the registry lists:
 * semantic-version parsing and ordering, then the strategy, exclude and
 * maxTags. Pure functions; the registry listing is lib/registry/tags.c.
 */
#ifndef COPA_LIB_BULK_SELECT_H
#define COPA_LIB_BULK_SELECT_H

#include <stddef.h>

#include "bulk/config.h"

/*
 * Compare two tags as semantic versions (an optional leading 'v', then
 * MAJOR[.MINOR[.PATCH]], then optional -PRERELEASE and +BUILD, as the
 * lenient parsers of the Go ecosystem accept). Sets *ok to 1 when both
 * parse; the result is <0, 0, >0 by semver precedence (build ignored).
 */
int copa__semver_compare(const char *a, const char *b, int *ok);

/* 1 when `tag` parses as a semantic version as above. */
int copa__semver_valid(const char *tag);

/*
 * The tags of `image` to patch, highest first, from the registry's
 * `available` tags (ignored for strategy list, which takes its list as
 * given, minus exclude). pattern: the matching tags ordered by semver
 * (tags that parse, highest first) then the others in descending lexical
 * order, minus exclude, the first maxTags. latest: the highest semver tag
 * without a pre-release part not excluded (the highest pre-release only
 * when every tag has one); COPA_ENOTFOUND when none parses. *out is a NULL-terminated
 * malloc'd array of malloc'd strings (free with copa__bulk_tags_free).
 */
int copa__bulk_select_tags(char ***out, size_t *count, const copa__bulk_image *image,
                           char *const *available, size_t available_count);

void copa__bulk_tags_free(char **tags, size_t count);

#endif
