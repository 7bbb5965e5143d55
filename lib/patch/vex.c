/*
 * Where the pipeline hands the fixed vulnerabilities to the OpenVEX
 * builder (a separate branch; wired up when it is merged). Until then a
 * requested VEX document is refused rather than silently not written.
 */
#include "patch/patch.h"
#include "util/error.h"

int patch_write_vex(const copa__patch_vex_input *in)
{
    return copa__error_set(COPA_EUNSUPPORTED, "%s: OpenVEX output is not merged yet", in->path);
}
