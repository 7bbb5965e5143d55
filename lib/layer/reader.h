/*
 * The layer reader: one pass over a layer's bytes that decompresses, parses
 * the tar, classifies whiteouts, rejects paths escaping the root, and checks
 * the digest, size and diff_id of the whole stream.
 *
 * Entries are handed to a callback as they are parsed; they are provisional
 * until copa__layer_read returns 0, which happens only after the last byte
 * has been hashed and the digests compared. A caller that builds state from
 * the entries must be able to throw it away when the read fails (the rootfs
 * view does this by marking itself unusable).
 */
#ifndef COPA_LIB_LAYER_READER_H
#define COPA_LIB_LAYER_READER_H

#include "layer/layer.h"

typedef struct copa__layer_reader copa__layer_reader;

/*
 * Called once per entry. `reader` may be passed to copa__layer_reader_data
 * to read a regular file's content (any part not read is skipped). Return 0
 * to go on; anything else stops the read and is returned unchanged.
 */
typedef int (*copa__layer_entry_fn)(void *payload, const copa__layer_entry *entry,
                                    copa__layer_reader *reader);

/*
 * Read a layer. `desc->media_type` decides the decompression and is checked
 * against the magic bytes. Errors: COPA_EVERIFY (digest, size or diff_id
 * mismatch, naming the layer digest), COPA_EINVALID (bad tar, magic
 * mismatch, a path or hardlink target with ".."), COPA_EUNSUPPORTED (media
 * type), COPA_ERROR (I/O), or the callback's code.
 */
int copa__layer_read(const copa__layer_desc *desc, const copa__layer_source *source,
                     copa__layer_entry_fn fn, void *payload);

/* Read up to `length` bytes of the current entry: count, 0 at its end, or < 0. */
ssize_t copa__layer_reader_data(copa__layer_reader *reader, void *buf, size_t length);

/* A name for the layer in messages: its digest, or "(unnamed)". */
const char *copa__layer_reader_name(const copa__layer_reader *reader);

#endif
