/*
 * The loader behind the public copa_apt_* functions, shared by
 * copa_apt_open_dir (a directory) and copa_apt_open_image (lib/patch).
 */
#ifndef COPA_LIB_APT_PUBLIC_H
#define COPA_LIB_APT_PUBLIC_H

#include "copa/apt.h"
#include "util/image_files.h"

/* Load the repositories the image `files` declare, for dpkg architecture `arch`. */
int copa__apt_public_load(copa_apt **out, const copa__image_files *files, const char *arch,
                          const copa_apt_options *opts);

#endif
