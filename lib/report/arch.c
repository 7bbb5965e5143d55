/*
 * Architectures to OCI names (GOARCH + variant), from the spellings of
 * uname, Debian, RPM and Alpine that reports carry.
 */
#include "report/report.h"
#include "util/error.h"

#include <ctype.h>
#include <string.h>

typedef struct arch_alias {
    const char *raw;
    const char *arch;
    /* Implied variant, or NULL to keep the report's. */
    const char *variant;
} arch_alias;

static const arch_alias aliases[] = {
    {"amd64", "amd64", NULL},       {"x86_64", "amd64", NULL},
    {"x86-64", "amd64", NULL},      {"x64", "amd64", NULL},
    {"arm64", "arm64", NULL},       {"aarch64", "arm64", NULL},
    {"arm64/v8", "arm64", "v8"},    {"arm", "arm", NULL},
    {"armhf", "arm", "v7"},         {"armv7", "arm", "v7"},
    {"armv7l", "arm", "v7"},        {"armv7hl", "arm", "v7"},
    {"arm/v7", "arm", "v7"},        {"armel", "arm", "v6"},
    {"armv6", "arm", "v6"},         {"armv6l", "arm", "v6"},
    {"arm/v6", "arm", "v6"},        {"armhfp", "arm", "v7"},
    {"armv5", "arm", "v5"},         {"arm/v5", "arm", "v5"},
    {"386", "386", NULL},           {"i386", "386", NULL},
    {"i486", "386", NULL},          {"i586", "386", NULL},
    {"i686", "386", NULL},          {"x86", "386", NULL},
    {"ppc64le", "ppc64le", NULL},   {"ppc64el", "ppc64le", NULL},
    {"s390x", "s390x", NULL},       {"riscv64", "riscv64", NULL},
    {"mips64le", "mips64le", NULL}, {"mips64el", "mips64le", NULL},
    {"loong64", "loong64", NULL},   {"loongarch64", "loong64", NULL},
};

int copa__report_arch(const char **arch, const char **variant, const char *raw_arch,
                      const char *raw_variant, copa_report *r)
{
    char key[32];
    size_t i;

    *arch = "";
    *variant = raw_variant != NULL ? raw_variant : "";
    if (raw_arch == NULL || raw_arch[0] == '\0')
        return 1;
    for (i = 0; raw_arch[i] != '\0' && i + 1 < sizeof(key); i++)
        key[i] = (char)tolower((unsigned char)raw_arch[i]);
    key[i] = '\0';
    for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
        if (strcmp(aliases[i].raw, key) == 0) {
            *arch = aliases[i].arch;
            if (aliases[i].variant != NULL && (*variant)[0] == '\0')
                *variant = aliases[i].variant;
            return 1;
        }
    }
    *arch = raw_arch;
    copa__report_warn(r, "unknown architecture '%s', kept as given", raw_arch);
    return 0;
}
