/*
 * Whether a bulk job's source tag exists: a `strategy: list` tag is taken
 * as written, so it may name nothing, and that is a skip, not a failure.
 */
#include "copa/bulk.h"
#include "copa/image.h"
#include "image/transport.h"
#include "registry/registry.h"
#include "util/error.h"

#include <stdint.h>
#include <stdlib.h>

int copa_bulk_job_source_exists(const copa_bulk_job *job, const copa_bulk_options *options)
{
    copa__transport_options transport = {0};
    copa__registry *registry = NULL;
    copa_reference *ref = NULL;
    char digest[COPA_DIGEST_STRING_MAX];
    char *bundle = NULL, *media_type = NULL;
    uint64_t size = 0;
    int rc;

    if (job == NULL || job->error_code != 0 || job->source_tag == NULL ||
        job->source_tag[0] == '\0')
        return copa__error_set(COPA_EINVALID, "copa_bulk_job_source_exists: a job to run is "
                                              "required");
    if ((rc = copa_reference_parse(&ref, job->source)) != 0)
        return rc;
    if (options != NULL) {
        transport.credentials = options->credentials;
        transport.insecure_registries = options->insecure_registries;
        transport.ca_file = options->ca_file;
        transport.cert_dir = options->cert_dir;
    }
    rc = copa__transport_registry_new(&registry, &bundle, &transport, copa_reference_registry(ref));
    if (rc == 0)
        rc = copa__registry_manifest_head(digest, &media_type, &size, registry,
                                          copa_reference_registry(ref),
                                          copa_reference_repository(ref), job->source_tag);
    free(media_type);
    copa__registry_free(registry);
    copa__transport_bundle_free(bundle);
    copa_reference_free(ref);
    if (rc == COPA_ENOTFOUND) {
        copa_error_clear();
        return 0;
    }
    return rc == 0 ? 1 : rc;
}
