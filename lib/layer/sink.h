/*
 * The output stage of the layer writer: takes the uncompressed tar, hashes
 * it (diff_id), compresses it (gzip with a fixed header on several threads,
 * zstd, or nothing), hashes and counts the compressed bytes (digest, size)
 * and writes them to a file descriptor.
 */
#ifndef COPA_LIB_LAYER_SINK_H
#define COPA_LIB_LAYER_SINK_H

#include "layer/layer.h"

/* What a written layer is, for its descriptor and the config's diff_ids. */
typedef struct copa__layer_result {
    char digest[COPA_DIGEST_STRING_MAX];  /* of the bytes written */
    char diff_id[COPA_DIGEST_STRING_MAX]; /* of the uncompressed tar */
    int64_t size;                         /* bytes written */
    const char *media_type;               /* static string */
} copa__layer_result;

typedef struct copa__layer_sink copa__layer_sink;

/*
 * `level`: 0 for the default of the compression. `threads`: gzip compressor
 * threads, 0 for $COPA_THREADS or the processor count (the bytes do not
 * depend on it). 0 or COPA_ENOMEM/COPA_EINVALID/COPA_ERROR.
 */
int copa__layer_sink_new(copa__layer_sink **out, copa__compression compression, int level,
                         int threads, int fd);
/* Feed uncompressed tar bytes. 0 or COPA_ERROR (write failures name errno). */
int copa__layer_sink_write(copa__layer_sink *sink, const void *data, size_t length);
/* Flush the compressor and fill `result`. */
int copa__layer_sink_finish(copa__layer_sink *sink, copa__layer_result *result);
void copa__layer_sink_free(copa__layer_sink *sink);

#endif
