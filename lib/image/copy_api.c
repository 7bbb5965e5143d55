/*
 * copa_image_copy(): the public face of copa__image_copy.
 */
#include "image/deadline.h"
#include "image/transport.h"
#include "util/error.h"
#include "util/temp.h"

#include <stddef.h>
#include <string.h>

int copa_copy_options_init(copa_copy_options *options, unsigned int version)
{
    copa_copy_options defaults = COPA_COPY_OPTIONS_INIT;
    /* Version 1 ends before timeout_ms, which version 2 appended. */
    size_t size = version == 1 ? offsetof(copa_copy_options, timeout_ms) : sizeof(defaults);

    if (options == NULL || version < 1 || version > COPA_COPY_OPTIONS_VERSION)
        return copa__error_set(COPA_EINVALID, "copa_copy_options_init: unknown version %u",
                               version);
    defaults.version = version;
    memcpy(options, &defaults, size);
    return 0;
}

static int copy(const copa_reference *from, const copa_reference *to,
                const copa_copy_options *options)
{
    copa__transport_options transport;
    copa__deadline deadline;
    copa__platform want;

    memset(&transport, 0, sizeof(transport));
    transport.credentials = options->credentials;
    transport.insecure_registries = options->insecure_registries;
    transport.ca_file = options->ca_file;
    transport.cert_dir = options->cert_dir;
    transport.cache_dir = options->cache_dir;
    if (options->platform != NULL) {
        int error = copa__platform_parse(&want, options->platform);
        if (error != 0)
            return error;
    }
    copa__deadline_start(&deadline, options->version >= 2 ? options->timeout_ms : 0, &transport);
    return copa__deadline_result(
        &deadline, copa__image_copy(from, to, options->platform != NULL ? &want : NULL, &transport),
        to->string);
}

int copa_image_copy(const char *from, const char *to, const copa_copy_options *options)
{
    copa_copy_options defaults = COPA_COPY_OPTIONS_INIT;
    copa_reference *source = NULL, *dest = NULL;
    int error;

    if (from == NULL || to == NULL)
        return copa__error_set(COPA_EINVALID, "copa_image_copy: NULL argument");
    if (options == NULL)
        options = &defaults;
    copa__temp_reap_stale(); /* what killed runs left in TMPDIR */
    if (options->version < 1)
        return copa__error_set(COPA_EINVALID, "copa_image_copy: options version %u unknown",
                               options->version);
    if ((error = copa_reference_parse(&source, from)) == 0 &&
        (error = copa_reference_parse(&dest, to)) == 0)
        error = copy(source, dest, options);
    copa_reference_free(source);
    copa_reference_free(dest);
    return error;
}
