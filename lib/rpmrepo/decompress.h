/*
 * Metadata files of rpm-md repositories arrive compressed (primary.xml.gz,
 * .xz, .zst, .bz2) or plain; the parsers take the decompressed bytes in
 * chunks, so a large primary.xml is never held whole.
 */
#ifndef COPA_LIB_RPMREPO_DECOMPRESS_H
#define COPA_LIB_RPMREPO_DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

/* Receives each decompressed chunk; a non-zero return stops and is returned. */
typedef int (*copa__rpm_sink)(const void *data, size_t len, void *payload);

/*
 * Decompress `data` (gzip, xz, zstd, bzip2 recognised by their magic;
 * anything else is taken as plain) and hand the bytes to `sink`, at most
 * `max_out` of them: more is COPA_EINVALID naming `name`, as is a corrupt
 * stream. The sink is called once more with len 0 at the end.
 */
int copa__rpm_decompress(const char *name, const void *data, size_t len, uint64_t max_out,
                         copa__rpm_sink sink, void *payload);

#endif
