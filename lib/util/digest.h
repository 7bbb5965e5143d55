/*
 * Streaming SHA-256 (and SHA-512) digests, and OCI digest strings
 * ("sha256:<64 hex>"). Every blob, layer and package is checked with these.
 */
#ifndef COPA_LIB_UTIL_DIGEST_H
#define COPA_LIB_UTIL_DIGEST_H

#include <stddef.h>
#include <stdint.h>

enum { COPA_SHA256_LEN = 32, COPA_SHA256_HEX_LEN = 64, COPA_SHA512_LEN = 64 };

/* "sha256:" + 64 hex digits + NUL */
enum { COPA_DIGEST_STRING_MAX = 7 + COPA_SHA256_HEX_LEN + 1 };

typedef struct copa__sha256 copa__sha256;

/* Start a digest; returns 0 or COPA_ENOMEM/COPA_ERROR. */
int copa__sha256_new(copa__sha256 **out);
/* Feed bytes; returns 0 or COPA_ERROR. */
int copa__sha256_update(copa__sha256 *ctx, const void *data, size_t length);
/* Finish: raw bytes into `digest`; the context can then only be freed. */
int copa__sha256_final(copa__sha256 *ctx, unsigned char digest[COPA_SHA256_LEN]);
void copa__sha256_free(copa__sha256 *ctx);

/* One-shot digests of a buffer. */
int copa__sha256_buffer(unsigned char digest[COPA_SHA256_LEN], const void *data, size_t length);

/* Lower-case hex of `length` bytes into `out` (2 * length + 1 bytes). */
void copa__hex_encode(char *out, const unsigned char *bytes, size_t length);

/* The value of one hex digit (either case), or -1 for any other character. */
int copa__hex_value(char c);

/* "sha256:<hex>" of raw digest bytes into `out` (COPA_DIGEST_STRING_MAX bytes). */
void copa__digest_format(char out[COPA_DIGEST_STRING_MAX],
                         const unsigned char digest[COPA_SHA256_LEN]);

/*
 * Check that `digest` is a well-formed "sha256:<64 lower-case hex>" string.
 * Returns 0 or COPA_EINVALID (COPA_EUNSUPPORTED for another algorithm such
 * as "sha512:").
 */
int copa__digest_validate(const char *digest);

/* Hash a whole file: "sha256:..." into digest, its size into *size. */
int copa__file_digest(char *digest, double *size, const char *path);
/* The same from the current offset of an open file; `name` for messages. */
int copa__fd_digest(char *digest, double *size, int fd, const char *name);

/*
 * Check the file at `path`: `size` bytes (UINT64_MAX: any size) whose
 * SHA-256 is `hex` (64 lower-case hex digits; NULL: not checked). 0, or
 * COPA_EVERIFY naming the file and what differs, COPA_ENOTFOUND, COPA_ERROR.
 */
int copa__sha256_file_verify(const char *path, uint64_t size, const char *hex);
/* The same for an open file (`name` for messages), left at offset 0. */
int copa__sha256_fd_verify(int fd, const char *name, uint64_t size, const char *hex);

/* Compare a buffer's SHA-256 with an expected "sha256:..." string: 0 or COPA_EVERIFY. */
int copa__digest_verify_buffer(const char *expected, const void *data, size_t length);

#endif
