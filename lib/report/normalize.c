/*
 * Metadata normalization: the OS family to copa's vocabulary (which also
 * decides the version ordering) and the architecture to OCI names.
 */
#include "report/report.h"
#include "util/error.h"

int copa__report_normalize(copa_report *r)
{
    size_t i;
    int has_os = 0;
    int rc;

    for (i = 0; i < r->entry_count && !has_os; i++)
        has_os = !r->entries[i].lang;
    if (r->raw.family[0] != '\0') {
        rc = copa__report_os_family(&r->meta.os_family, &r->meta.pkg_format, r->raw.family);
        if (rc != 0)
            return rc;
    } else if (has_os) {
        return copa__error_set(COPA_EUNSUPPORTED,
                               "the report lists OS packages but names no OS family, so copa "
                               "cannot tell how to patch them");
    }
    r->meta.os_version = r->raw.version;
    r->meta.artifact = r->raw.artifact;
    copa__report_arch(&r->meta.arch, &r->meta.variant, r->raw.arch, r->raw.variant, r);
    return 0;
}
