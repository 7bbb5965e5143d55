/*
 * Internal error reporting: set the per-thread message and return the code.
 */
#ifndef COPA_LIB_UTIL_ERROR_H
#define COPA_LIB_UTIL_ERROR_H

#include "copa/errors.h"

/*
 * Record a failure on the calling thread and return `code`, so that a
 * failing path reads `return copa__error_set(COPA_EINVALID, "...", ...);`.
 */
int copa__error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Prepend context to the current message ("report.json: " + message) and
 * return the current code. Used by callers that know which file or object
 * a lower layer was working on. A message that already starts with the
 * prefix keeps it once (two layers naming the same image).
 */
int copa__error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Shorthand for an allocation failure. */
int copa__error_oom(void);

#endif
