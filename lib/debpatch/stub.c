/*
 * TEMPORARY stand-in for the Debian engine (download + patch layer) until
 * its branch is merged; removed at merge time. Everything that needs it
 * fails with COPA_EUNSUPPORTED, and the tests of the layer-writing path
 * skip when `copa patch` answers "layer building not merged yet".
 */
#include "debpatch/debpatch.h"
#include "util/error.h"

#include <stdlib.h>

int copa__debpatch_fetch(char ***paths, const copa__rs_plan *plan,
                         const copa__debpatch_fetch_options *options)
{
    (void)plan;
    (void)options;
    *paths = NULL;
    return copa__error_set(COPA_EUNSUPPORTED, "layer building not merged yet");
}

void copa__debpatch_paths_free(char **paths, size_t count)
{
    size_t i;
    for (i = 0; paths != NULL && i < count; i++)
        free(paths[i]);
    free(paths);
}

int copa__debpatch_build(copa__debpatch_result *out, const copa__debpatch_input *input)
{
    (void)out;
    (void)input;
    return copa__error_set(COPA_EUNSUPPORTED, "layer building not merged yet");
}

void copa__debpatch_result_free(copa__debpatch_result *result)
{
    (void)result;
}
