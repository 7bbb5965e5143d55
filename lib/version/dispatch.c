/*
 * The public version-ordering API: argument checks, then the format's own
 * ordering.
 */
#include "copa/pkgversion.h"
#include "util/error.h"
#include "version/version.h"

#include <stddef.h>
#include <strings.h>

typedef struct format_ops {
    copa_pkg_format format;
    const char *name;
    int (*check)(const char *version);
    int (*compare)(int *out, const char *a, const char *b);
} format_ops;

static const format_ops formats[] = {
    {COPA_PKG_DEB, "deb", copa__deb_version_check, copa__deb_version_compare},
    {COPA_PKG_RPM, "rpm", copa__rpm_version_check, copa__rpm_version_compare},
    {COPA_PKG_APK, "apk", copa__apk_version_check, copa__apk_version_compare},
};

static const format_ops *find_format(copa_pkg_format format)
{
    size_t i;
    for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if (formats[i].format == format)
            return &formats[i];
    return NULL;
}

int copa_version_compare(int *out, copa_pkg_format format, const char *a, const char *b)
{
    const format_ops *ops = find_format(format);

    if (ops == NULL)
        return copa__error_set(COPA_EINVALID, "unknown package format %d", (int)format);
    if (out == NULL || a == NULL || b == NULL)
        return copa__error_set(COPA_EINVALID, "copa_version_compare: NULL argument");
    return ops->compare(out, a, b);
}

int copa_version_valid(copa_pkg_format format, const char *v)
{
    const format_ops *ops = find_format(format);

    if (ops == NULL)
        return copa__error_set(COPA_EINVALID, "unknown package format %d", (int)format);
    if (v == NULL)
        return copa__error_set(COPA_EINVALID, "copa_version_valid: NULL version");
    return ops->check(v);
}

int copa_pkg_format_from_name(copa_pkg_format *out, const char *name)
{
    size_t i;

    if (out == NULL)
        return copa__error_set(COPA_EINVALID, "copa_pkg_format_from_name: NULL out");
    *out = COPA_PKG_UNKNOWN;
    if (name == NULL)
        return copa__error_set(COPA_EINVALID, "copa_pkg_format_from_name: NULL name");
    for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (strcasecmp(formats[i].name, name) == 0) {
            *out = formats[i].format;
            return 0;
        }
    }
    return copa__error_set(COPA_EINVALID, "unknown package format '%s' (expected deb, rpm or apk)",
                           name);
}

const char *copa_pkg_format_name(copa_pkg_format format)
{
    const format_ops *ops = find_format(format);
    return ops != NULL ? ops->name : "unknown";
}
