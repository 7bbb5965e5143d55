/*
 * Bulk summaries: the table printed at the end of a run, and the JSON
 * written by --summary-json and read back by copa summary merge. The JSON
 * is stable (plan order, fixed key order, no times) so the merge of a
 * fleet's shards is byte-for-byte the summary of the same run unsharded.
 */
#include "bulk.h"
#include "exit_codes.h"
#include "text_output.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

enum { SUMMARY_MAX = 64 * 1024 * 1024 };

void cli_bulk_outcome_free(cli_bulk_outcome *o)
{
    free(o->key);
    free(o->name);
    free(o->source);
    free(o->source_tag);
    free(o->target);
    free(o->platforms);
    free(o->status);
    free(o->digest);
    free(o->message);
    memset(o, 0, sizeof(*o));
}

void cli_bulk_summary_free(cli_bulk_summary *summary)
{
    size_t i;

    for (i = 0; i < summary->count; i++)
        cli_bulk_outcome_free(&summary->jobs[i]);
    free(summary->jobs);
    memset(summary, 0, sizeof(*summary));
}

void cli_json_string(FILE *out, const char *text)
{
    const unsigned char *p;

    fputc('"', out);
    for (p = (const unsigned char *)text; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            cli_printf(out, "\\%c", *p);
        else if (*p == '\n')
            cli_put(out, "\\n");
        else if (*p < 0x20)
            cli_printf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

/* "registry/repository" length of a source ("...:tag" or no tag). */
static size_t repository_length(const cli_bulk_outcome *o)
{
    size_t n = strlen(o->source);

    return o->source_tag[0] != '\0' ? n - strlen(o->source_tag) - 1 : n;
}

static int compare_outcomes(const void *pa, const void *pb)
{
    const cli_bulk_outcome *a = pa, *b = pb;
    size_t la = repository_length(a), lb = repository_length(b);
    int c = memcmp(a->source, b->source, la < lb ? la : lb);

    if (c != 0)
        return c;
    if (la != lb)
        return la < lb ? -1 : 1;
    if ((c = strcmp(a->source_tag, b->source_tag)) != 0)
        return c;
    return strcmp(a->name, b->name);
}

void cli_bulk_summary_sort(cli_bulk_summary *summary)
{
    if (summary->count > 1)
        qsort(summary->jobs, summary->count, sizeof(*summary->jobs), compare_outcomes);
}

static int column(const char *text, int width)
{
    int n = (int)strlen(text);

    return n > width ? n : width;
}

void cli_bulk_summary_print(FILE *out, const cli_bulk_summary *summary)
{
    int w_image = 5, w_platforms = 9, w_status = 6, w_digest = 6;
    size_t i, failed = 0, patched = 0, current = 0;

    for (i = 0; i < summary->count; i++) {
        const cli_bulk_outcome *o = &summary->jobs[i];

        w_image = column(o->source, w_image);
        w_platforms = column(o->platforms[0] ? o->platforms : "-", w_platforms);
        w_status = column(o->status, w_status);
        w_digest = column(o->digest[0] ? o->digest : "-", w_digest);
    }
    cli_printf(out, "%-*s  %-*s  %-*s  %7s  %-*s  %s\n", w_image, "IMAGE", w_platforms, "PLATFORMS",
               w_status, "STATUS", "UPDATES", w_digest, "DIGEST", "MESSAGE");
    for (i = 0; i < summary->count; i++) {
        const cli_bulk_outcome *o = &summary->jobs[i];

        cli_printf(out, "%-*s  %-*s  %-*s  %7zu  %-*s  %s\n", w_image, o->source, w_platforms,
                   o->platforms[0] ? o->platforms : "-", w_status, o->status, o->updates, w_digest,
                   o->digest[0] ? o->digest : "-", o->message);
        failed += o->exit_code != 0;
        patched += strcmp(o->status, "Patched") == 0;
        current += strcmp(o->status, "Up to date") == 0;
    }
    cli_printf(out, "%zu job(s): %zu patched, %zu up to date, %zu failed, %zu other\n",
               summary->count, patched, current, failed,
               summary->count - patched - current - failed);
}

static void field(FILE *f, const char *key, const char *value, int last)
{
    cli_printf(f, "      ");
    cli_json_string(f, key);
    cli_put(f, ": ");
    cli_json_string(f, value);
    cli_put(f, last ? "\n" : ",\n");
}

int cli_bulk_summary_write(const cli_bulk_summary *summary, const char *path)
{
    FILE *f = fopen(path, "w");
    size_t i;

    if (f == NULL) {
        cli_printf(stderr, "copa: cannot write summary %s\n", path);
        return -1;
    }
    cli_printf(f, "{\n  \"kind\": \"CopaBulkSummary\",\n  \"version\": 1,\n");
    cli_printf(f, "  \"shard\": \"%u/%u\",\n  \"total\": %zu,\n  \"jobs\": [", summary->shard_index,
               summary->shard_count ? summary->shard_count : 1, summary->total);
    for (i = 0; i < summary->count; i++) {
        const cli_bulk_outcome *o = &summary->jobs[i];

        cli_put(f, i ? ",\n    {\n" : "\n    {\n");
        field(f, "key", o->key, 0);
        field(f, "name", o->name, 0);
        field(f, "image", o->source, 0);
        field(f, "sourceTag", o->source_tag, 0);
        field(f, "target", o->target, 0);
        field(f, "platforms", o->platforms, 0);
        field(f, "status", o->status, 0);
        cli_printf(f, "      \"updates\": %zu,\n", o->updates);
        field(f, "digest", o->digest, 0);
        cli_printf(f, "      \"exitCode\": %d,\n", o->exit_code);
        field(f, "message", o->message, 1);
        cli_put(f, "    }");
    }
    cli_put(f, summary->count ? "\n  ]\n}\n" : "]\n}\n");
    if (fclose(f) != 0) {
        cli_printf(stderr, "copa: cannot write summary %s\n", path);
        return -1;
    }
    return 0;
}

static int bad(const char *path, const char *what)
{
    cli_printf(stderr, "copa: %s: %s\n", path, what);
    return CLI_EXIT_INVALID_INPUT;
}

static char *string_of(const cJSON *object, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);

    return cJSON_IsString(item) ? strdup(item->valuestring) : NULL;
}

static int read_job(cli_bulk_outcome *o, const cJSON *item)
{
    const cJSON *updates = cJSON_GetObjectItemCaseSensitive(item, "updates");
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(item, "exitCode");

    o->key = string_of(item, "key");
    o->name = string_of(item, "name");
    o->source = string_of(item, "image");
    o->source_tag = string_of(item, "sourceTag");
    o->target = string_of(item, "target");
    o->platforms = string_of(item, "platforms");
    o->status = string_of(item, "status");
    o->digest = string_of(item, "digest");
    o->message = string_of(item, "message");
    if (!o->key || !o->name || !o->source || !o->source_tag || !o->target || !o->platforms ||
        !o->status || !o->digest || !o->message || !cJSON_IsNumber(updates) ||
        !cJSON_IsNumber(code) || updates->valuedouble < 0 || code->valuedouble < 0 ||
        code->valuedouble > 255)
        return -1;
    o->updates = (size_t)updates->valuedouble;
    o->exit_code = (int)code->valuedouble;
    return 0;
}

/*
 * Sorting takes "registry/repository" as the image minus ":sourceTag", so
 * the image must end with it (or sourceTag be "", for an entry that failed).
 */
static int tag_fits(const cli_bulk_outcome *o)
{
    size_t n = strlen(o->source), t = strlen(o->source_tag);

    return t == 0 ||
           (t < n && o->source[n - t - 1] == ':' && strcmp(o->source + n - t, o->source_tag) == 0);
}

int cli_bulk_summary_read(cli_bulk_summary *out, const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t length = 0;
    cJSON *root, *jobs, *item;
    const cJSON *total, *shard;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    if (f == NULL) {
        cli_printf(stderr, "copa: %s: cannot open\n", path);
        return CLI_EXIT_NOT_FOUND;
    }
    text = malloc(SUMMARY_MAX + 1);
    if (text != NULL)
        length = fread(text, 1, SUMMARY_MAX + 1, f);
    fclose(f);
    if (text == NULL || length > SUMMARY_MAX) {
        free(text);
        return bad(path, "too large");
    }
    root = cJSON_ParseWithLength(text, length);
    free(text);
    jobs = cJSON_GetObjectItemCaseSensitive(root, "jobs");
    total = cJSON_GetObjectItemCaseSensitive(root, "total");
    shard = cJSON_GetObjectItemCaseSensitive(root, "shard");
    if (!cJSON_IsArray(jobs) || !cJSON_IsNumber(total) || !cJSON_IsString(shard) ||
        strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "kind"))
                   ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "kind"))
                   : "",
               "CopaBulkSummary") != 0 ||
        sscanf(shard->valuestring, "%u/%u", &out->shard_index, &out->shard_count) != 2) {
        cJSON_Delete(root);
        return bad(path, "not a copa bulk summary (copa patch --config ... --summary-json)");
    }
    out->total = (size_t)total->valuedouble;
    out->jobs = calloc((size_t)cJSON_GetArraySize(jobs) + 1, sizeof(*out->jobs));
    if (out->jobs == NULL) {
        cJSON_Delete(root);
        return bad(path, "out of memory");
    }
    cJSON_ArrayForEach(item, jobs)
    {
        cli_bulk_outcome *o = &out->jobs[out->count++];

        if (read_job(o, item) != 0) {
            rc = bad(path, "a job lacks a field or has a wrong type");
            break;
        }
        if (!tag_fits(o)) {
            cli_printf(stderr, "copa: %s: job %s: sourceTag '%s' is not the tag of image '%s'\n",
                       path, o->key, o->source_tag, o->source);
            rc = CLI_EXIT_INVALID_INPUT;
            break;
        }
    }
    cJSON_Delete(root);
    if (rc != 0)
        cli_bulk_summary_free(out);
    return rc;
}
