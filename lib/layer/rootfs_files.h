/*
 * The image-files callbacks (util/image_files.h) over a merged rootfs
 * view, so the package adapters and the apt client read an image the same
 * way they read a directory.
 */
#ifndef COPA_LIB_LAYER_ROOTFS_FILES_H
#define COPA_LIB_LAYER_ROOTFS_FILES_H

#include "layer/rootfs.h"
#include "util/image_files.h"

/*
 * Fill `out` with callbacks reading `fs` (borrowed; it must outlive `out`).
 * Reading a file whose content the view did not keep is COPA_EUNSUPPORTED
 * naming the path. Nothing to free.
 */
void copa__rootfs_files(copa__image_files *out, const copa__rootfs *fs);

#endif
