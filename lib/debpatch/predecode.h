/*
 * Decoding the plan's packages ahead of the unpacker (predecode.c): worker
 * threads decompress the data.tar of the next packages into unlinked
 * temporary files while the main thread unpacks the current one, so the
 * xz work of a plan runs on every core instead of one.
 */
#ifndef COPA_LIB_DEBPATCH_PREDECODE_H
#define COPA_LIB_DEBPATCH_PREDECODE_H

#include <stddef.h>

typedef struct copa__dp_predecode copa__dp_predecode;

/*
 * Start decoding the `count` .deb files at `paths` (which must outlive the
 * handle) in order on `threads` workers, at most threads + 1 packages and
 * (beyond the next one needed) 256 MiB of decoded data ahead of the
 * consumer. Temporary files go to $TMPDIR or /tmp.
 * COPA_ENOMEM or COPA_ERROR (no thread could be started).
 */
int copa__dp_predecode_start(copa__dp_predecode **out, const char *const *paths, size_t count,
                             int threads);

/*
 * Wait for package `i` and give its decoded data.tar (an fd the handle
 * owns, for copa__deb_open_decoded), or -1 when there was no temporary
 * space for it: then read the package directly (copa__deb_open). A
 * package that failed to decode returns its error, with the worker's
 * message.
 */
int copa__dp_predecode_wait(copa__dp_predecode *p, size_t i, int *fd);

/* Package `i` is unpacked: drop its file, let the workers go further. */
void copa__dp_predecode_done(copa__dp_predecode *p, size_t i);

/* Stop the workers (waiting for the packages they are decoding) and free. */
void copa__dp_predecode_free(copa__dp_predecode *p);

#endif
