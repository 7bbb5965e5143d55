/* Placeholder: replaced by the real rpm ordering. */
#include "util/error.h"
#include "version/version.h"

int copa__rpm_version_check(const char *version)
{
    (void)version;
    return copa__error_set(COPA_EUNSUPPORTED, "rpm versions not implemented yet");
}

int copa__rpm_version_compare(int *out, const char *a, const char *b)
{
    (void)out;
    (void)a;
    (void)b;
    return copa__error_set(COPA_EUNSUPPORTED, "rpm versions not implemented yet");
}
