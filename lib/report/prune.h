/*
 * A validating JSON pass that copies the document without whitespace and
 * without the members no report parser reads (descriptions, references,
 * CVSS blocks, package lists, ...). Those make up most of a scanner
 * report's bytes; dropping them before building the cJSON tree keeps the
 * peak memory of a 50 MB report near its file size instead of four times.
 */
#ifndef COPA_LIB_REPORT_PRUNE_H
#define COPA_LIB_REPORT_PRUNE_H

#include <stddef.h>

/*
 * Check that in[0..length) is one JSON value (with optional whitespace and
 * UTF-8 byte order mark around it) and write the pruned copy to *out
 * (malloc'd, NUL-terminated, *out_length bytes without the NUL).
 *
 * Returns 0; COPA_EINVALID for malformed JSON with the byte offset, line,
 * column and what was expected; COPA_ENOMEM.
 */
int copa__json_prune(char **out, size_t *out_length, const char *in, size_t length);

#endif
