/*
 * Decoding a .deb's data.tar ahead of unpacking it (deb_decode.c): one
 * thread decompresses into a plain tar file, another later iterates the
 * package's entries from that file with the ordinary data.tar reader.
 */
#ifndef COPA_LIB_PKG_DEB_DECODE_H
#define COPA_LIB_PKG_DEB_DECODE_H

#include "pkg/deb_file.h"

/*
 * Write the decompressed data.tar of the .deb at `path` to `fd` and check
 * the package's structure around it (debian-binary, control.tar, nothing
 * unexpected after data.tar). Thread-safe; errors as copa__deb_open's and
 * COPA_ERROR when `fd` cannot be written.
 */
int copa__deb_decode_data(const char *path, int fd);

/*
 * copa__deb_open for a package whose data.tar copa__deb_decode_data wrote
 * to `fd`: the control members come from `path`, the entries from `fd`
 * (read from its start; the caller keeps and closes it).
 */
int copa__deb_open_decoded(copa__deb **out, const char *path, int fd);

#endif
