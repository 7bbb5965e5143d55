/*
 * The os-release of an image (os_release.c).
 */
#ifndef COPA_LIB_IMAGE_OS_RELEASE_H
#define COPA_LIB_IMAGE_OS_RELEASE_H

#include "image/transport.h"

/*
 * Stream the layers of `m` once and parse /etc/os-release (or
 * /usr/lib/os-release), following the image's symlinks, into a JSON object
 * of its KEY=VALUE pairs in *out; *out is NULL when the image has neither.
 * Errors of reading or verifying a layer are returned.
 */
int copa__image_os_release(cJSON **out, copa__source *src, const copa__manifest *m,
                           const copa__config *c);

#endif
