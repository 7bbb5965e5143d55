/*
 * A caller's timeout for image operations (copy, inspect): it reaches the
 * network and the OCI layout lock through the transport options' cancel
 * hook, and a failure after it passed is reported as COPA_ETIMEOUT.
 */
#ifndef COPA_LIB_IMAGE_DEADLINE_H
#define COPA_LIB_IMAGE_DEADLINE_H

#include "image/transport.h"

typedef struct copa__deadline {
    double at; /* monotonic seconds; 0: none */
    unsigned long ms;
} copa__deadline;

/* Start a deadline of `ms` milliseconds (0: none) and hook it into `transport`. */
void copa__deadline_start(copa__deadline *d, unsigned long ms, copa__transport_options *transport);

/* Cancel hook: non-zero once the deadline passed. */
int copa__deadline_passed(void *payload);

/* `error`, or COPA_ETIMEOUT naming `what` when it failed because the deadline passed. */
int copa__deadline_result(const copa__deadline *d, int error, const char *what);

#endif
