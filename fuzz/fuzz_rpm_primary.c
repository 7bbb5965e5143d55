/*
 * Fuzz the primary.xml parser (decompression included: the input may be
 * gzip, xz, zstd or bzip2) with small caps, so that the limits are
 * reached too; and the updateinfo.xml parser on the same bytes.
 */
#include "rpmrepo/primary.h"
#include "rpmrepo/updateinfo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    copa__rpm_primary_limits lim = {16 << 20, 1000, 1000, 4096, 64 << 20};
    copa__rpm_primary *p = NULL;
    copa__rpm_updateinfo *ui = NULL;
    size_t i;
    int k;

    if (copa__rpm_primary_parse(&p, "primary.xml", data, size, &lim) == 0) {
        for (i = 0; i < p->count; i++) {
            const copa__rpm_pkg *pkg = &p->pkgs[i];
            if (pkg->name == NULL || pkg->arch == NULL || pkg->version == NULL ||
                pkg->release == NULL || pkg->checksum == NULL || pkg->href == NULL)
                abort();
            for (k = 0; k < COPA_RPM_DEP_KINDS; k++)
                if (pkg->dep_count[k] > 0 && pkg->deps[k][pkg->dep_count[k] - 1].name == NULL)
                    abort();
        }
        copa__rpm_primary_free(p);
    }
    if (copa__rpm_updateinfo_parse(&ui, "updateinfo.xml", data, size) == 0) {
        for (i = 0; i < ui->count; i++)
            if (ui->advisories[i].id == NULL)
                abort();
        copa__rpm_updateinfo_free(ui);
    }
    return 0;
}
