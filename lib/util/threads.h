/*
 * How many worker threads copa's parallel stages use (decoding packages,
 * compressing the layer).
 */
#ifndef COPA_LIB_UTIL_THREADS_H
#define COPA_LIB_UTIL_THREADS_H

/* Never more than this many workers: past it the stages are I/O-bound. */
#define COPA__THREADS_MAX 8

/*
 * `requested` when it is positive, else $COPA_THREADS when it is a positive
 * number, else the online CPUs; always within 1..COPA__THREADS_MAX.
 */
int copa__threads_count(int requested);

#endif
