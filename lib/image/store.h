/*
 * Files of the image area: blob readers that verify digests, a blob store
 * (root/blobs/<alg>/<hex>) written through temporary files, temporary
 * directories and tree removal.
 */
#ifndef COPA_LIB_IMAGE_STORE_H
#define COPA_LIB_IMAGE_STORE_H

#include <stddef.h>

typedef struct copa__blob_reader copa__blob_reader;

/*
 * Open a file whose bytes must hash to `digest` (and be `size` bytes long
 * unless size < 0). The check happens when the end is read.
 */
int copa__blob_reader_open(copa__blob_reader **out, const char *path, const char *digest,
                           double size);
/*
 * Read up to `capacity` bytes; *got == 0 means the end, reached only after
 * the digest and size verified (COPA_EVERIFY otherwise, naming the blob).
 */
int copa__blob_reader_read(copa__blob_reader *r, void *buffer, size_t capacity, size_t *got);
void copa__blob_reader_free(copa__blob_reader *r);
/* The file a reader reads (borrowed). */
const char *copa__blob_reader_path(const copa__blob_reader *r);
/* Read to the end, so the digest and size are checked; then rewind. */
int copa__blob_reader_verify(copa__blob_reader *r);

/* Read a whole blob of at most max bytes and verify it. */
int copa__blob_read_all(char **out, size_t *length, const char *path, const char *digest,
                        size_t max);
/* root/blobs/<alg>/<hex> (malloc'd), or NULL for a malformed digest or OOM. */
char *copa__blob_path(const char *root, const char *digest);
/*
 * Store a blob under root: skipped when a file that verifies is already
 * there; otherwise written to a temporary file, verified, renamed.
 * *created (may be NULL) says whether this call made the file, which is
 * what a failed write may remove again.
 */
int copa__blob_store_reader(const char *root, const char *digest, copa__blob_reader *reader,
                            int *created);
int copa__blob_store_buffer(const char *root, const char *digest, const void *data, size_t length,
                            int *created);

/* A new private directory under $TMPDIR (malloc'd path). */
int copa__tempdir_create(char **out);
/* rm -rf, without following symlinks. */
void copa__remove_tree(const char *path);

#endif
