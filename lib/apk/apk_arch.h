/*
 * /etc/apk/arch: the image's apk architecture (x86_64, aarch64, armv7,
 * armhf, ppc64le, s390x, riscv64, x86, loongarch64...), which names the
 * APKINDEX folder of each repository and the key folder under
 * /usr/share/apk/keys.
 */
#ifndef COPA_LIB_APK_APK_ARCH_H
#define COPA_LIB_APK_APK_ARCH_H

#include "util/image_files.h"

#include <stddef.h>

#define COPA__APK_ARCH_PATH "/etc/apk/arch"

/*
 * The architecture in `text` (blanks and newlines around it ignored) into
 * out[size]. COPA_EINVALID naming `path`: empty, more than one word, a
 * character outside [A-Za-z0-9_-], longer than size-1.
 */
int copa__apk_arch_parse(char *out, size_t size, const char *path, const char *text, size_t len);

/* Read /etc/apk/arch through `files`; COPA_ENOTFOUND when absent. */
int copa__apk_arch_load(char *out, size_t size, const copa__image_files *files);

#endif
