/*
 * How a layer blob is compressed. Shared by the image model (which reads
 * it from media types) and the layer reader and writer.
 */
#ifndef COPA_LIB_LAYER_COMPRESSION_H
#define COPA_LIB_LAYER_COMPRESSION_H

typedef enum copa__compression {
    COPA__COMPRESSION_NONE = 0,
    COPA__COMPRESSION_GZIP = 1,
    COPA__COMPRESSION_ZSTD = 2
} copa__compression;

#endif
