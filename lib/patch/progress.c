/*
 * Progress events of a patch: stage begin/end, bytes, notes, with the
 * time since the start. The callback may cancel; its value is returned
 * unchanged (copa/patch.h). copa__progress_json is the CLI's
 * `--progress json` line format, kept here so bindings can share it.
 */
#include "patch/patch.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double copa__progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void copa__progress_init(copa__progress *p, copa_progress_cb cb, void *payload)
{
    memset(p, 0, sizeof(*p));
    p->cb = cb;
    p->payload = payload;
    p->start = p->stage_start = copa__progress_now();
    p->stage = "";
}

static int emit(copa__progress *p, copa_progress_kind kind, const char *item, double done,
                double total, double elapsed, const char *message)
{
    copa_progress e;
    int rc;

    if (p->cb == NULL)
        return 0;
    if (p->cancelled != 0)
        return p->cancelled;
    e.kind = kind;
    e.stage = p->stage;
    e.item = item != NULL ? item : "";
    e.done = done;
    e.total = total;
    e.elapsed = elapsed;
    e.message = message != NULL ? message : "";
    e.platform = p->platform != NULL ? p->platform : "";
    if ((rc = p->cb(&e, p->payload)) != 0) {
        p->cancelled = rc;
        copa__error_set(COPA_ECANCELLED, "cancelled by the progress callback during %s", p->stage);
    }
    return rc;
}

int copa__progress_begin(copa__progress *p, const char *stage, const char *message)
{
    p->stage = stage;
    p->stage_start = copa__progress_now();
    return emit(p, COPA_PROGRESS_STAGE_BEGIN, NULL, 0, 0, p->stage_start - p->start, message);
}

int copa__progress_end(copa__progress *p)
{
    double now = copa__progress_now();
    int rc = emit(p, COPA_PROGRESS_STAGE_END, NULL, 0, 0, now - p->stage_start, p->summary);
    p->summary[0] = '\0';
    return rc;
}

void copa__progress_summary(copa__progress *p, const char *message)
{
    snprintf(p->summary, sizeof(p->summary), "%s", message);
}

int copa__progress_bytes(copa__progress *p, const char *item, double done, double total)
{
    return emit(p, COPA_PROGRESS_BYTES, item, done, total, copa__progress_now() - p->start, NULL);
}

int copa__progress_note(copa__progress *p, const char *message)
{
    return emit(p, COPA_PROGRESS_NOTE, NULL, 0, 0, copa__progress_now() - p->start, message);
}

static const char *kind_name(copa_progress_kind kind)
{
    switch (kind) {
    case COPA_PROGRESS_STAGE_BEGIN:
        return "stage-begin";
    case COPA_PROGRESS_STAGE_END:
        return "stage-end";
    case COPA_PROGRESS_BYTES:
        return "bytes";
    case COPA_PROGRESS_NOTE:
    default:
        return "note";
    }
}

int copa__progress_json(char **out, const copa_progress *e)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o != NULL;

    *out = NULL;
    ok = ok && cJSON_AddStringToObject(o, "event", kind_name(e->kind)) != NULL;
    ok = ok && cJSON_AddStringToObject(o, "stage", e->stage != NULL ? e->stage : "") != NULL;
    if (ok && e->platform != NULL && e->platform[0] != '\0')
        ok = cJSON_AddStringToObject(o, "platform", e->platform) != NULL;
    if (ok && e->kind == COPA_PROGRESS_BYTES) {
        ok = cJSON_AddStringToObject(o, "item", e->item != NULL ? e->item : "") != NULL &&
             cJSON_AddNumberToObject(o, "done", e->done) != NULL &&
             cJSON_AddNumberToObject(o, "total", e->total) != NULL;
    }
    if (ok && e->message != NULL && e->message[0] != '\0')
        ok = cJSON_AddStringToObject(o, "message", e->message) != NULL;
    /* Milliseconds: whole numbers read well in logs and compare exactly. */
    ok = ok && cJSON_AddNumberToObject(
                   o, e->kind == COPA_PROGRESS_STAGE_END ? "duration_ms" : "elapsed_ms",
                   (double)(long)(e->elapsed * 1000.0)) != NULL;
    if (ok)
        *out = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return *out == NULL ? copa__error_oom() : 0;
}

int copa_progress_to_json(char **out, const copa_progress *event)
{
    if (out == NULL || event == NULL)
        return copa__error_set(COPA_EINVALID, "copa_progress_to_json: NULL argument");
    return copa__progress_json(out, event);
}

void copa_progress_json_free(char *json)
{
    cJSON_free(json);
}
