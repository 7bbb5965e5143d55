/*
 * Telling the formats apart by their top-level keys:
 *   Trivy  - SchemaVersion, ArtifactName, Results (capitalized, Go style)
 *   Grype  - matches (with source, distro, descriptor)
 *   native - apiVersion with metadata and updates / osupdates / langupdates
 */
#include "report/report.h"
#include "util/error.h"

static int has(const cJSON *root, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(root, key) != NULL;
}

int copa__report_detect(copa_report_format *out, const cJSON *root)
{
    int trivy = has(root, "SchemaVersion") || has(root, "Results");
    int grype = has(root, "matches");
    int native = has(root, "apiVersion") || has(root, "updates") || has(root, "osupdates") ||
                 has(root, "langupdates");

    if (trivy + grype + native > 1)
        return copa__error_set(COPA_EINVALID,
                               "cannot tell the report format: it has the keys of more than one "
                               "of trivy (SchemaVersion, Results), grype (matches) and native "
                               "(apiVersion, updates); pass --format trivy|grype|native");
    if (trivy + grype + native == 0)
        return copa__error_set(COPA_EINVALID,
                               "unknown report format: accepted are Trivy JSON (SchemaVersion 2), "
                               "Grype JSON, copa native v1alpha1/v1alpha2, or a scanner plugin "
                               "(--scanner NAME)");
    *out = trivy ? COPA_REPORT_TRIVY : grype ? COPA_REPORT_GRYPE : COPA_REPORT_NATIVE;
    return 0;
}
