/*
 * Internal entry points of the per-format version orderings. Each returns
 * 0 or COPA_EINVALID (with a message naming the string), like the public
 * copa_version_compare().
 */
#ifndef COPA_LIB_VERSION_VERSION_H
#define COPA_LIB_VERSION_VERSION_H

int copa__deb_version_check(const char *version);
int copa__deb_version_compare(int *out, const char *a, const char *b);

int copa__rpm_version_check(const char *version);
int copa__rpm_version_compare(int *out, const char *a, const char *b);

int copa__apk_version_check(const char *version);
int copa__apk_version_compare(int *out, const char *a, const char *b);

#endif
