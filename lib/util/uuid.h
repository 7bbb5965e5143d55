/*
 * Name-based UUIDs (RFC 9562 version 5, SHA-1): the same name always gives
 * the same UUID, so documents that carry one stay reproducible.
 */
#ifndef COPA_LIB_UTIL_UUID_H
#define COPA_LIB_UTIL_UUID_H

/* The URL namespace of RFC 9562 (6ba7b811-9dad-11d1-80b4-00c04fd430c8). */
extern const unsigned char copa__uuid_namespace_url[16];

/*
 * Write the version-5 UUID of `name` in `namespace` as 36 lower-case
 * characters plus a NUL into `out`. 0, or COPA_ERROR when SHA-1 fails.
 */
int copa__uuid_v5(char out[37], const unsigned char namespace[16], const char *name);

#endif
