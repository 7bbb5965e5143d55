/*
 * One vocabulary for OS families, whichever scanner named them, and the
 * package format each family uses.
 *
 * Trivy names families as fanal does ("redhat", "opensuse.leap",
 * "cbl-mariner"); Grype uses the os-release ID ("rhel", "amzn", "ol",
 * "mariner"); native reports use copa's names. Anything not listed here
 * (windows, arch, gentoo, busybox, an empty or invented name) is an OS copa
 * cannot patch.
 */
#include "report/report.h"
#include "util/error.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

typedef struct family {
    const char *name;
    copa_pkg_format format;
    /* Other spellings, normalized (lower case, '-' for ' ', '_' and '.'). */
    const char *aliases[5];
} family;

static const family families[] = {
    {"debian", COPA_PKG_DEB, {NULL}},
    {"ubuntu", COPA_PKG_DEB, {NULL}},
    {"alpine", COPA_PKG_APK, {NULL}},
    {"wolfi", COPA_PKG_APK, {NULL}},
    {"chainguard", COPA_PKG_APK, {NULL}},
    {"rhel", COPA_PKG_RPM, {"redhat", "red-hat", "red-hat-enterprise-linux", NULL}},
    {"centos", COPA_PKG_RPM, {NULL}},
    {"rocky", COPA_PKG_RPM, {"rockylinux", "rocky-linux", NULL}},
    {"alma", COPA_PKG_RPM, {"almalinux", "alma-linux", NULL}},
    {"fedora", COPA_PKG_RPM, {NULL}},
    {"oracle", COPA_PKG_RPM, {"ol", "oraclelinux", "oracle-linux", NULL}},
    {"amazon", COPA_PKG_RPM, {"amzn", "amazonlinux", "amazon-linux", NULL}},
    {"cbl-mariner", COPA_PKG_RPM, {"mariner", "cblmariner", NULL}},
    {"azurelinux", COPA_PKG_RPM, {"azure-linux", "azl", NULL}},
    {"sles", COPA_PKG_RPM, {"sle", "slem", "suse", "suse-linux-enterprise-server", NULL}},
    {"opensuse-leap", COPA_PKG_RPM, {"opensuse", "opensuse-leap", NULL}},
    {"opensuse-tumbleweed", COPA_PKG_RPM, {NULL}},
    {"photon", COPA_PKG_RPM, {"photon-os", NULL}},
};

static void normalize_name(char *out, size_t size, const char *raw)
{
    size_t i = 0;

    while (*raw == ' ')
        raw++;
    for (; *raw != '\0' && i + 1 < size; raw++) {
        unsigned char c = (unsigned char)*raw;
        out[i++] = (c == ' ' || c == '_' || c == '.') ? '-' : (char)tolower(c);
    }
    while (i > 0 && out[i - 1] == '-')
        i--;
    out[i] = '\0';
}

int copa__report_os_family(const char **name, copa_pkg_format *format, const char *raw)
{
    char key[64];
    size_t i, j;

    normalize_name(key, sizeof(key), raw);
    for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
        int match = strcmp(families[i].name, key) == 0;
        for (j = 0; !match && families[i].aliases[j] != NULL; j++)
            match = strcmp(families[i].aliases[j], key) == 0;
        if (match) {
            *name = families[i].name;
            *format = families[i].format;
            return 0;
        }
    }
    return copa__error_set(COPA_EUNSUPPORTED,
                           "the report is for OS '%s', which copa cannot patch (supported: "
                           "debian, ubuntu, alpine, wolfi, chainguard, rhel, centos, rocky, "
                           "alma, fedora, oracle, amazon, cbl-mariner, azurelinux, sles, "
                           "opensuse-leap, opensuse-tumbleweed, photon)",
                           raw);
}
