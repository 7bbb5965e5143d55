/*
 * Driving transfers: one loop over the curl multi interface runs a single
 * request or several in parallel, schedules retries after their delay and
 * polls the cancel callback between steps.
 */
#include "net/transfer.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

enum { WAITING, RUNNING, DONE };
enum { POLL_MAX_MS = 200 };

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A failed transfer keeps its own message: the thread's is the latest one only. */
static void keep_message(copa__transfer *t)
{
    if (t->result != 0)
        snprintf(t->response->error, sizeof(t->response->error), "%s", copa_error_last());
}

static void finish(CURLM *multi, copa__transfer *t, CURLcode code, size_t *done)
{
    long delay;

    curl_multi_remove_handle(multi, t->easy);
    delay = copa__transfer_finish_attempt(t, code);
    if (delay < 0) {
        keep_message(t);
        t->state = DONE;
        (*done)++;
        return;
    }
    t->state = WAITING;
    t->not_before_ms = now_ms() + delay;
}

/* Start waiting transfers whose time has come; returns how long to sleep at most. */
static long start_ready(CURLM *multi, copa__transfer *ts, size_t count, size_t *running,
                        size_t *done, unsigned int max_parallel)
{
    int64_t now = now_ms();
    long wait = POLL_MAX_MS;
    size_t i;

    for (i = 0; i < count; i++) {
        copa__transfer *t = &ts[i];
        if (t->state != WAITING)
            continue;
        if (t->not_before_ms > now) {
            if (t->not_before_ms - now < wait)
                wait = (long)(t->not_before_ms - now);
            continue;
        }
        if (*running >= max_parallel)
            continue;
        if (copa__transfer_begin_attempt(t) != 0 ||
            curl_multi_add_handle(multi, t->easy) != CURLM_OK) {
            t->result = copa__error_set(COPA_ERROR, "%s %s: cannot start the transfer",
                                        t->request->method, t->safe_url);
            keep_message(t);
            t->state = DONE;
            (*done)++;
            continue;
        }
        t->state = RUNNING;
        (*running)++;
    }
    return wait;
}

static int cancel_all(CURLM *multi, copa__transfer *ts, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++) {
        if (ts[i].state == RUNNING)
            curl_multi_remove_handle(multi, ts[i].easy);
        if (ts[i].state != DONE) {
            ts[i].result = copa__error_set(COPA_ECANCELLED, "%s %s: transfer cancelled",
                                           ts[i].request->method, ts[i].safe_url);
            keep_message(&ts[i]);
        }
        ts[i].state = DONE;
    }
    return copa__error_set(COPA_ECANCELLED, "transfer cancelled");
}

static int run(CURLM *multi, const copa__http_options *o, copa__transfer *ts, size_t count)
{
    size_t done = 0, running = 0;

    while (done < count) {
        int still = 0, queued = 0;
        long wait;
        CURLMsg *msg;

        if (o->cancel != NULL && o->cancel(o->cancel_payload) != 0)
            return cancel_all(multi, ts, count);
        wait = start_ready(multi, ts, count, &running, &done, o->max_parallel);
        if (curl_multi_perform(multi, &still) != CURLM_OK)
            return copa__error_set(COPA_ERROR, "libcurl multi interface failed");
        while ((msg = curl_multi_info_read(multi, &queued)) != NULL) {
            copa__transfer *t = NULL;
            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
            running--;
            finish(multi, t, msg->data.result, &done);
        }
        if (done < count)
            curl_multi_poll(multi, NULL, 0, running > 0 ? (wait < 50 ? wait : 50) : wait, NULL);
    }
    return 0;
}

int copa__http_perform_many(const copa__http_options *options, const copa__http_request *requests,
                            copa__http_response *responses, int *results, size_t count)
{
    copa__http_options o = *options;
    copa__transfer *ts;
    CURLM *multi;
    int rc = 0;
    size_t i;

    copa__http_options_defaults(&o);
    for (i = 0; i < count; i++)
        memset(&responses[i], 0, sizeof(responses[i]));
    if (count == 0)
        return 0;
    ts = calloc(count, sizeof(*ts));
    multi = curl_multi_init();
    if (ts == NULL || multi == NULL) {
        free(ts);
        if (multi != NULL)
            curl_multi_cleanup(multi);
        return copa__error_oom();
    }
    for (i = 0; i < count && rc == 0; i++) {
        ts[i].options = &o;
        ts[i].request = &requests[i];
        ts[i].response = &responses[i];
        ts[i].state = WAITING;
        rc = copa__transfer_setup(&ts[i]);
    }
    if (rc == 0)
        rc = run(multi, &o, ts, count);
    for (i = 0; i < count; i++) {
        if (results != NULL)
            results[i] = ts[i].result;
        if (rc == 0 && ts[i].result != 0)
            rc = ts[i].result;
        copa__transfer_cleanup(&ts[i]);
    }
    curl_multi_cleanup(multi);
    free(ts);
    return rc;
}

int copa__http_perform(const copa__http_options *options, const copa__http_request *request,
                       copa__http_response *response)
{
    int result = 0;
    int rc = copa__http_perform_many(options, request, response, &result, 1);
    return rc != 0 ? rc : result;
}

void copa__http_response_free(copa__http_response *response)
{
    if (response == NULL)
        return;
    copa__buf_free(&response->body);
    copa__buf_free(&response->headers);
    free(response->effective_url);
    response->effective_url = NULL;
}

int copa__http_header(char **out, const copa__http_response *response, const char *name)
{
    const char *line = response->headers.data;
    size_t name_length = strlen(name);

    *out = NULL;
    while (line != NULL && *line != '\0') {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        if (length > name_length && line[name_length] == ':' &&
            strncasecmp(line, name, name_length) == 0) {
            const char *v = line + name_length + 1, *e = line + length;
            while (v < e && (*v == ' ' || *v == '\t'))
                v++;
            while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
                e--;
            if ((*out = strndup(v, (size_t)(e - v))) == NULL)
                return copa__error_oom();
            return 0;
        }
        line = end ? end + 1 : NULL;
    }
    return COPA_ENOTFOUND;
}
