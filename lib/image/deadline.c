/*
 * Timeouts of copa_image_copy() and copa_image_inspect() (deadline.h).
 */
#include "image/deadline.h"
#include "util/error.h"

#include <time.h>

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void copa__deadline_start(copa__deadline *d, unsigned long ms, copa__transport_options *transport)
{
    d->ms = ms;
    d->at = ms > 0 ? now() + (double)ms / 1000.0 : 0;
    if (ms > 0) {
        transport->cancel = copa__deadline_passed;
        transport->cancel_payload = d;
    }
}

int copa__deadline_passed(void *payload)
{
    const copa__deadline *d = payload;

    return d->at > 0 && now() >= d->at;
}

int copa__deadline_result(const copa__deadline *d, int error, const char *what)
{
    if (error == 0 || !copa__deadline_passed((void *)d))
        return error;
    return copa__error_set(COPA_ETIMEOUT, "%s: timed out after %.3g s; raise --timeout", what,
                           (double)d->ms / 1000.0);
}
