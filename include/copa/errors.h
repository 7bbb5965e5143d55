/**
 * @file
 * Error codes and the per-thread last-error message.
 *
 * Every libcopa function that can fail returns an int: 0 on success or one
 * of the negative codes below. The human-readable reason of the most recent
 * failure on the calling thread is kept until the next failure (or until
 * copa_error_clear()) and is read with copa_error_last().
 */
#ifndef COPA_ERRORS_H
#define COPA_ERRORS_H

#include "common.h"

COPA_BEGIN_DECL

/**
 * Return codes. This list is append-only: a value, once released, keeps its
 * meaning and number forever.
 */
typedef enum copa_error_code {
    /** Success. */
    COPA_OK = 0,
    /** A failure that fits no other code (for example an I/O error). */
    COPA_ERROR = -1,
    /** The thing asked for does not exist (image, tag, file, package). */
    COPA_ENOTFOUND = -2,
    /** Authentication or authorization failed. */
    COPA_EAUTH = -3,
    /** Input is malformed: a bad argument, version string, report or file. */
    COPA_EINVALID = -4,
    /** Valid input that this version of libcopa cannot handle. */
    COPA_EUNSUPPORTED = -5,
    /** A digest, checksum or signature did not verify. */
    COPA_EVERIFY = -6,
    /** A network operation failed after its retries. */
    COPA_ENETWORK = -7,
    /** The requested package versions cannot be reached. */
    COPA_EUNSATISFIABLE = -8,
    /** A progress callback asked to stop. */
    COPA_ECANCELLED = -9,
    /** Memory allocation failed. */
    COPA_ENOMEM = -10,
    /** An external program (for example a scanner plugin) failed. */
    COPA_EEXTERNAL = -11,
    /** An operation ran out of its time limit. */
    COPA_ETIMEOUT = -12,
    /**
     * The new layer could not be written: an entry (named in the message,
     * with the package it came from) cannot be stored in the layer's tar.
     */
    COPA_ELAYER = -13
} copa_error_code;

/**
 * The message of the last failure on the calling thread.
 *
 * @return a NUL-terminated message, never NULL ("" when no failure has been
 *         recorded since the thread started or since copa_error_clear()).
 *         The string is owned by libcopa and stays valid until the next
 *         libcopa call on the same thread.
 */
COPA_EXTERN(const char *) copa_error_last(void);

/**
 * The code of the last failure on the calling thread, or COPA_OK when none
 * has been recorded.
 */
COPA_EXTERN(int) copa_error_last_code(void);

/** Forget the last failure of the calling thread. */
COPA_EXTERN(void) copa_error_clear(void);

/**
 * The symbolic name of a return code, for example "COPA_EINVALID".
 *
 * @param code a value of copa_error_code.
 * @return a static string; "COPA_UNKNOWN" for a value not in the enum.
 */
COPA_EXTERN(const char *) copa_error_name(int code);

COPA_END_DECL

#endif
