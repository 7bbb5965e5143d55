/**
 * @file
 * Version ordering of OS packages.
 *
 * Pure functions, thread-safe, no copa_init() needed.
 */
#ifndef COPA_PKGVERSION_H
#define COPA_PKGVERSION_H

#include "common.h"

COPA_BEGIN_DECL

/** A package format, which decides how its version strings are ordered. */
typedef enum copa_pkg_format {
    /** Not a format; returned for unknown names. */
    COPA_PKG_UNKNOWN = 0,
    /** Debian packages: dpkg's ordering ([epoch:]upstream[-revision]). */
    COPA_PKG_DEB = 1,
    /** RPM packages: rpmvercmp on [epoch:]version[-release]. */
    COPA_PKG_RPM = 2,
    /** Alpine packages: apk-tools' ordering (suffixes, -rN revisions). */
    COPA_PKG_APK = 3
} copa_pkg_format;

/**
 * Compare two version strings of one package format.
 *
 * @param[out] out set to -1, 0 or 1 when a is lower than, equal to or
 *                 higher than b. Left unchanged on error.
 * @param format   the ordering to use.
 * @param a        first version, NUL-terminated.
 * @param b        second version, NUL-terminated.
 * @return 0 on success; COPA_EINVALID when out, a or b is NULL, the format
 *         is unknown, or either string is not a valid version of that
 *         format (the message names the string and the problem).
 */
COPA_EXTERN(int)
copa_version_compare(int *out, copa_pkg_format format, const char *a, const char *b);

/**
 * Check that a string is a valid version of a package format, with the
 * same rules copa_version_compare() applies.
 *
 * @param format the format whose syntax applies.
 * @param v      the version string, NUL-terminated.
 * @return 0 when valid; COPA_EINVALID when not (the message says why).
 */
COPA_EXTERN(int) copa_version_valid(copa_pkg_format format, const char *v);

/**
 * Look up a package format by its name: "deb", "rpm" or "apk"
 * (case-insensitive).
 *
 * @param[out] out the format; COPA_PKG_UNKNOWN on error.
 * @param name     the name.
 * @return 0 on success, COPA_EINVALID for an unknown name.
 */
COPA_EXTERN(int) copa_pkg_format_from_name(copa_pkg_format *out, const char *name);

/**
 * The short name of a package format: "deb", "rpm", "apk", or "unknown".
 *
 * @return a static string.
 */
COPA_EXTERN(const char *) copa_pkg_format_name(copa_pkg_format format);

COPA_END_DECL

#endif
