/*
 * Report → resolver requests: one request per OS package update of a
 * normalized report (language packages are not the resolver's business).
 */
#include "resolve/resolve.h"
#include "copa/report.h"
#include "util/error.h"

#include <stdlib.h>

int copa__rs_requests_from_report(copa__rs_request **out, size_t *count, const copa_report *report)
{
    size_t n = copa_report_update_count(report), i, k = 0;

    *out = NULL;
    *count = 0;
    if (report == NULL)
        return copa__error_set(COPA_EINVALID, "resolver: no report");
    if ((*out = calloc(n + 1, sizeof(**out))) == NULL)
        return copa__error_oom();
    for (i = 0; i < n; i++) {
        const copa_report_update *u = copa_report_update_get(report, i);
        if (u == NULL || !u->handled)
            continue;
        (*out)[k].name = u->name;
        (*out)[k].fixed_version = u->fixed_version;
        (*out)[k].ids = u->vulnerability_ids;
        (*out)[k].nids = u->vulnerability_count;
        k++;
    }
    *count = k;
    return 0;
}
