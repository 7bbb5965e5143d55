/*
 * Whether a verified Release may be used here and now: its validity in time
 * (Valid-Until passed, Date in the future) and whether it belongs to the
 * suite the sources entry asked for. A correct signature proves only that
 * the archive once published the file, not that it is the current file of
 * this suite; these checks are apt's answer to replayed and swapped files.
 */
#include "repo/release.h"
#include "util/error.h"

#include <string.h>

int copa__apt_release_check_date(const copa__apt_release *rel, time_t now)
{
    if (rel->valid_until != 0 && now > rel->valid_until)
        return copa__error_set(COPA_EVERIFY,
                               "%s: Release file expired (Valid-Until: %s); the repository or a "
                               "mirror is stale, or it is replaying old metadata",
                               rel->name, rel->valid_until_text);
    return 0;
}

int copa__apt_release_check_not_future(const copa__apt_release *rel, time_t now, long max_future)
{
    if (rel->date != 0 && rel->date - max_future > now)
        return copa__error_set(COPA_EVERIFY,
                               "%s: Release file is dated in the future (Date: %s, %lld s ahead "
                               "of this machine's clock, more than the %ld s apt allows); check "
                               "the clock, or the repository is publishing bad metadata",
                               rel->name, rel->date_text, (long long)(rel->date - now), max_future);
    return 0;
}

static int names(const char *field, const char *dist, size_t len)
{
    return field != NULL && strlen(field) == len && strncmp(field, dist, len) == 0;
}

/*
 * apt's rule (metaIndex::CheckDist): the sources entry's suite equals the
 * Release's Suite or Codename, or does so without its last "/part" (the
 * old security layout "buster/updates" is codename "buster").
 */
int copa__apt_release_names_suite(const copa__apt_release *rel, const char *suite)
{
    const char *slash;
    size_t len;

    if (strcmp(suite, "../project/experimental") == 0)
        suite = "experimental";
    len = strlen(suite);
    if (names(rel->suite, suite, len) || names(rel->codename, suite, len))
        return 1;
    if ((slash = strrchr(suite, '/')) == NULL)
        return 0;
    len = (size_t)(slash - suite);
    if (len == 0 || (len == 1 && suite[0] == '.'))
        return 1;
    return names(rel->suite, suite, len) || names(rel->codename, suite, len);
}
