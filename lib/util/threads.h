/*
 * How many worker threads copa's parallel stages use (decoding packages,
 * compressing the layer). Their output never depends on the count.
 */
#ifndef COPA_LIB_UTIL_THREADS_H
#define COPA_LIB_UTIL_THREADS_H

/* Threads chosen from the processor count are capped here (past it the
 * stages are bound by the unpacker and the disk) ... */
#define COPA__THREADS_AUTO_MAX 8
/* ... and explicit requests (an option, $COPA_THREADS) here, to bound memory. */
#define COPA__THREADS_MAX 64

/*
 * The thread count for `requested`: itself if > 0, else $COPA_THREADS if
 * set, else the online processors capped at COPA__THREADS_AUTO_MAX.
 * COPA_EINVALID for a malformed $COPA_THREADS or a count above
 * COPA__THREADS_MAX.
 */
int copa__threads_count(int *out, int requested);

#endif
