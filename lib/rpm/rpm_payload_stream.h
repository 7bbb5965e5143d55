/*
 * The decompressed payload of a .rpm, checked as it streams: libarchive's
 * cpio reader sizes its buffers by the name length a member header claims
 * (up to 4 GiB), and a compressed payload can expand without end. This
 * stream decompresses with the header's compressor, checks each newc member
 * header (magic, a name of at most 4096 bytes, a size within the package)
 * and stops at a total the header's file sizes justify, before the bytes
 * reach the cpio reader.
 */
#ifndef COPA_LIB_RPM_RPM_PAYLOAD_STREAM_H
#define COPA_LIB_RPM_RPM_PAYLOAD_STREAM_H

#include <archive.h>
#include <stddef.h>
#include <stdint.h>

enum { COPA__RPM_CPIO_NAME_MAX = 4096, COPA__RPM_CPIO_HEADER_LEN = 110 };

typedef struct copa__rpm_payload_stream copa__rpm_payload_stream;

/*
 * Open the stream over `data` (compressed with `compressor`) and hand it to
 * `cpio` (a reader with the cpio format enabled), which then owns it;
 * *stream stays valid until `cpio` is freed. `limit` caps the decompressed
 * bytes. 0, COPA_EUNSUPPORTED (compressor), COPA_EINVALID (the data cannot
 * be opened), COPA_ENOMEM.
 */
int copa__rpm_payload_stream_open(struct archive *cpio, const char *compressor, const void *data,
                                  size_t len, uint64_t limit, copa__rpm_payload_stream **stream);

/*
 * Why the stream stopped (a check failed), or NULL. Needed because the cpio
 * reader then reports only that its input was short.
 */
const char *copa__rpm_payload_stream_error(const copa__rpm_payload_stream *stream);

/* Enable the decompression filter for an rpm PAYLOADCOMPRESSOR name. */
int copa__rpm_payload_filter(struct archive *ar, const char *compressor);

#endif
