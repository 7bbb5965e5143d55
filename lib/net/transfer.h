/*
 * Internal to lib/net: the state of one transfer between attempts.
 */
#ifndef COPA_LIB_NET_TRANSFER_H
#define COPA_LIB_NET_TRANSFER_H

#include <curl/curl.h>

#include "copa/common.h"
#include "net/http.h"

typedef struct copa__transfer {
    const copa__http_options *options;
    const copa__http_request *request;
    copa__http_response *response;
    CURL *easy;
    struct curl_slist *headers;
    copa__sha256 *sha;
    uint64_t read_position;
    int delivered; /* bytes went to the write callback in this attempt */
    int error;     /* a callback's failure, ends the transfer */
    int result;    /* final code once done */
    int state;     /* see perform.c */
    int64_t not_before_ms;
    char safe_url[1024];
    char curl_error[CURL_ERROR_SIZE];
} copa__transfer;

/* Create the easy handle for t->request; 0 or a COPA_E* code. */
int copa__transfer_setup(copa__transfer *t);
/* Reset the per-attempt state before (re)adding the handle. */
int copa__transfer_begin_attempt(copa__transfer *t);
/* After an attempt: the delay in ms before retrying, or -1 when done (t->result set). */
long copa__transfer_finish_attempt(copa__transfer *t, CURLcode code);
void copa__transfer_cleanup(copa__transfer *t);

#endif
