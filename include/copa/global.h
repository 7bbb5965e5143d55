/**
 * @file
 * Library set-up and tear-down, library version.
 */
#ifndef COPA_GLOBAL_H
#define COPA_GLOBAL_H

#include "common.h"

COPA_BEGIN_DECL

/**
 * Initialize libcopa's global state (libcurl and OpenSSL).
 *
 * Call it once before any function that touches the network or verifies
 * signatures. Calls are reference counted: every successful copa_init()
 * must be matched by one copa_shutdown(). Thread-safe.
 *
 * Functions that are pure computations (version ordering, report parsing)
 * work without it.
 *
 * @return the number of outstanding initializations (>= 1) on success, or a
 *         negative code (COPA_ERROR when libcurl fails to initialize).
 */
COPA_EXTERN(int) copa_init(void);

/**
 * Release what copa_init() set up, once the last reference is gone.
 *
 * @return the number of initializations still outstanding (0 when global
 *         state was released), or COPA_ERROR when called without a matching
 *         copa_init().
 */
COPA_EXTERN(int) copa_shutdown(void);

/**
 * The version of the library that is running, "MAJOR.MINOR.PATCH".
 *
 * Compare it with COPA_VERSION to detect a header/library mismatch.
 *
 * @return a static string.
 */
COPA_EXTERN(const char *) copa_version(void);

COPA_END_DECL

#endif
