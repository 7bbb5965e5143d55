/*
 * Text from an image (package names, os-release values) is bytes; JSON
 * must be UTF-8. cJSON copies bytes as they are, so a string that is not
 * valid UTF-8 would make the whole document invalid for every consumer.
 */
#ifndef COPA_LIB_UTIL_UTF8_H
#define COPA_LIB_UTIL_UTF8_H

#include "util/arena.h"

#include <stddef.h>

/*
 * The length (1-4) of the valid UTF-8 sequence that starts at `p`, reading
 * at most `avail` bytes; 0 when the bytes there are not one.
 */
size_t copa__utf8_sequence_length(const unsigned char *p, size_t avail);

/* 1 when the NUL-terminated `text` is valid UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF). */
int copa__utf8_valid(const char *text);

/*
 * A copy of `text` in `arena` with every byte that does not start a valid
 * UTF-8 sequence replaced by U+FFFD (valid text is copied unchanged).
 * NULL when memory runs out.
 */
char *copa__utf8_arena_dup(copa__arena *arena, const char *text);

#endif
