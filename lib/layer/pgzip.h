/*
 * Parallel, deterministic gzip: one standard gzip member compressed on
 * several threads, pigz-style.
 *
 * The input is cut into fixed COPA__PGZIP_BLOCK-byte blocks. Each block is
 * raw-deflated on its own, primed with the last 32 KiB of the preceding
 * block as dictionary, and ended with a sync flush (the last block with
 * Z_FINISH), so the outputs concatenate into one deflate stream. The bytes
 * depend only on the input, the level and the block size: never on the
 * number of threads or their timing (one thread uses the same blocks), so
 * machines with different core counts produce the same layer digest.
 */
#ifndef COPA_LIB_LAYER_PGZIP_H
#define COPA_LIB_LAYER_PGZIP_H

#include <stddef.h>

/*
 * 128 KiB, as pigz: per block the cost is one sync marker (5 bytes) plus a
 * fresh Huffman table (~100 bytes), about 0.1% of a ~45 KB compressed block;
 * the hand-off per block is a few microseconds against ~4 ms of deflate.
 * Part of the output format: changing it changes every layer digest.
 */
#define COPA__PGZIP_BLOCK (128 * 1024)

typedef struct copa__pgzip copa__pgzip;

/* Receives compressed bytes in order. 0, or a negative COPA_E* (message set). */
typedef int (*copa__pgzip_out_fn)(void *payload, const void *data, size_t length);

/*
 * Start a gzip member written through `out_fn` (header included).
 * `level`: 1-9, or 0 for zlib's default (6). `threads` >= 1 (1 compresses on
 * the calling thread). 0, COPA_ENOMEM, COPA_EINVALID (level), COPA_ERROR
 * (cannot start threads).
 */
int copa__pgzip_new(copa__pgzip **out, int level, int threads, copa__pgzip_out_fn out_fn,
                    void *payload);
/* Feed uncompressed bytes. 0 or the first error of a worker or of out_fn. */
int copa__pgzip_write(copa__pgzip *p, const void *data, size_t length);
/* Compress the rest and write the CRC32/ISIZE trailer. */
int copa__pgzip_finish(copa__pgzip *p);
/* Stops and joins the threads; safe after any error. NULL is a no-op. */
void copa__pgzip_free(copa__pgzip *p);

#endif
