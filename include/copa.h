/**
 * @file
 * The one header users of libcopa include.
 *
 * libcopa patches the OS-package vulnerabilities of container images
 * without a container daemon. See docs/architecture.md for the map.
 */
#ifndef COPA_H
#define COPA_H

#include "copa/common.h"
#include "copa/apt.h"
#include "copa/bulk.h"
#include "copa/errors.h"
#include "copa/global.h"
#include "copa/image.h"
#include "copa/packages.h"
#include "copa/pkgversion.h"
#include "copa/report.h"
#include "copa/patch.h"
#include "copa/vex.h"

#endif
