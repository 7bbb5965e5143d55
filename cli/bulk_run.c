/*
 * The bulk worker pool: jobs are taken in plan order by `workers` threads,
 * each running copa_patch() for its job. Without --ignore-errors the first
 * failure stops new jobs from starting (running ones finish; the rest are
 * "Not run"). Progress lines carry the job key.
 */
#include "bulk.h"
#include "exit_codes.h"
#include "text_output.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A scanner report of a patched image, from -r DIR. */
typedef struct known_report {
    char *artifact; /* normalized reference */
    char *path;
    size_t fixable;
} known_report;

typedef struct pool {
    const cli_bulk_run *run;
    const copa_bulk_plan *plan;
    cli_bulk_summary *summary;
    known_report *reports;
    size_t report_count;
    pthread_mutex_t lock;
    char *started; /* per job: taken by a worker */
    size_t done;
    int stop;
} pool;

/* The progress callback's payload: the job's key for each line. */
typedef struct job_progress {
    pool *pool;
    const char *key;
} job_progress;

static char *dup_or_empty(const char *s)
{
    return strdup(s != NULL ? s : "");
}

/* The normalized form of a reference ("docker.io/library/x:1"), or a copy. */
static char *normalized(const char *text)
{
    copa_reference *ref = NULL;
    char *out;

    if (copa_reference_parse(&ref, text) != 0)
        return strdup(text);
    out = strdup(copa_reference_string(ref));
    copa_reference_free(ref);
    return out;
}

static int progress_line(const copa_progress *event, void *payload)
{
    job_progress *jp = payload;
    char *json = NULL;

    if (jp->pool->run->progress == CLI_PROGRESS_QUIET)
        return 0;
    if (jp->pool->run->progress == CLI_PROGRESS_JSON) {
        if (copa_progress_to_json(&json, event) == 0 && json[0] == '{') {
            /* the job key first, then the event's own fields */
            pthread_mutex_lock(&jp->pool->lock);
            cli_put(stderr, "{\"job\":");
            cli_json_string(stderr, jp->key);
            cli_printf(stderr, "%s%s\n", json[1] == '}' ? "" : ",", json + 1);
            pthread_mutex_unlock(&jp->pool->lock);
        }
        copa_progress_json_free(json);
        return 0;
    }
    if (event->kind != COPA_PROGRESS_STAGE_BEGIN)
        return 0;
    pthread_mutex_lock(&jp->pool->lock);
    cli_printf(stderr, "[%s] %s%s%s\n", jp->key, event->stage, event->message[0] ? ": " : "",
               event->message);
    pthread_mutex_unlock(&jp->pool->lock);
    return 0;
}

/* -r DIR: every *.json that parses as a report and names its artifact. */
static void load_reports(pool *p)
{
    DIR *dir = p->run->report_dir != NULL ? opendir(p->run->report_dir) : NULL;
    struct dirent *entry;

    if (p->run->report_dir != NULL && dir == NULL)
        cli_printf(stderr, "copa: warning: report directory %s: %s; patching every job\n",
                   p->run->report_dir, strerror(errno));
    while (dir != NULL && (entry = readdir(dir)) != NULL) {
        size_t n = strlen(entry->d_name);
        copa_report *report = NULL;
        const copa_report_metadata *meta;
        known_report *grown;
        char path[4096];

        if (n < 6 || strcmp(entry->d_name + n - 5, ".json") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", p->run->report_dir, entry->d_name);
        if (copa_report_parse_file(&report, path, NULL) != 0) {
            cli_printf(stderr, "copa: warning: %s: %s; not used for skipping\n", path,
                       copa_error_last());
            continue;
        }
        meta = copa_report_metadata_get(report);
        grown = realloc(p->reports, (p->report_count + 1) * sizeof(*grown));
        if (meta != NULL && meta->artifact != NULL && meta->artifact[0] != '\0' && grown != NULL) {
            p->reports = grown;
            grown[p->report_count].artifact = normalized(meta->artifact);
            grown[p->report_count].path = strdup(path);
            grown[p->report_count].fixable = copa_report_update_count(report);
            p->report_count++;
        } else if (grown != NULL) {
            p->reports = grown;
        }
        copa_report_free(report);
    }
    if (dir != NULL)
        closedir(dir);
}

static const known_report *report_for(const pool *p, const char *target)
{
    char *want = normalized(target);
    const known_report *found = NULL;
    size_t i;

    for (i = 0; want != NULL && i < p->report_count && found == NULL; i++)
        if (p->reports[i].artifact != NULL && strcmp(p->reports[i].artifact, want) == 0)
            found = &p->reports[i];
    free(want);
    return found;
}

static void set(cli_bulk_outcome *o, const char *status, const char *message)
{
    free(o->status);
    free(o->message);
    o->status = strdup(status);
    o->message = dup_or_empty(message);
}

/* "registry/repository" of a job's target "registry/repository:tag". */
static char *target_repository(const copa_bulk_job *job)
{
    size_t n = strlen(job->target) - strlen(job->target_tag) - 1;

    return strndup(job->target, n);
}

static int same_repository(const copa_bulk_job *job)
{
    size_t n = strlen(job->source) - strlen(job->source_tag) - 1;
    char *target = target_repository(job);
    int same = target != NULL && strlen(target) == n && strncmp(job->source, target, n) == 0;

    free(target);
    return same;
}

/* An OCI layout directory per config entry, so equal tags of different images never meet. */
static char *layout_dir(const cli_bulk_run *run, const copa_bulk_job *job)
{
    char *dir = NULL;
    const char *base = run->oci_dir != NULL ? run->oci_dir : "patched";
    const char *p;

    /* names are free text in the config: keep them to one safe path element */
    for (p = job->name; *p != '\0'; p++)
        if (strchr("/\\", *p) != NULL || (p == job->name && *p == '.'))
            return NULL;
    if (asprintf(&dir, "%s/%s", base, job->name) < 0)
        return NULL;
    mkdir(base, 0777);
    return dir;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* A private OCI layout for an image on its way to another repository; NULL on failure. */
static char *temp_layout(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = NULL;

    if (asprintf(&dir, "%s/copa-bulk-XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp") < 0)
        return NULL;
    if (mkdtemp(dir) == NULL) {
        free(dir);
        return NULL;
    }
    return dir;
}

static void remove_tree(const char *dir)
{
    if (dir != NULL)
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Copy a patched image from its OCI layout to the target registry repository. */
static int push_copy(const cli_bulk_run *run, const char *layout, const copa_bulk_job *job)
{
    copa_copy_options copy;
    char *from = NULL, *to = NULL;
    int rc;

    copa_copy_options_init(&copy, COPA_COPY_OPTIONS_VERSION);
    copy.credentials = run->base.credentials;
    copy.insecure_registries = run->base.insecure_registries;
    copy.ca_file = run->base.ca_file;
    copy.cert_dir = run->base.cert_dir;
    copy.cache_dir = run->base.cache_dir;
    copy.timeout_ms = run->base.timeout_ms;
    if (asprintf(&from, "oci:%s:%s", layout, job->target_tag) < 0 ||
        asprintf(&to, "docker://%s", job->target) < 0)
        rc = COPA_ENOMEM;
    else
        rc = copa_image_copy(from, to, &copy);
    free(from);
    free(to);
    return rc;
}

/* A string at a path of objects in an inspect description; NULL when absent. */
static const char *json_path(const cJSON *root, const char *a, const char *b, const char *c)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, a);

    if (b != NULL)
        item = cJSON_GetObjectItemCaseSensitive(item, b);
    if (c != NULL)
        item = cJSON_GetObjectItemCaseSensitive(item, c);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/*
 * Is the target already the patched form of the current source? Only when
 * the target exists, copa's label on it names the source's manifest digest
 * as its base, and a dry run of the target finds nothing to update.
 */
/* Whether the target's copa layer was made from this source's image of `platform` (NULL: the
 * host's). */
static int same_base(const cli_bulk_run *run, const copa_bulk_job *job, const char *platform)
{
    copa_inspect_options io;
    char *source = NULL, *target = NULL;
    cJSON *s = NULL, *t = NULL;
    const char *base, *digest;
    int same = 0;

    copa_inspect_options_init(&io, COPA_INSPECT_OPTIONS_VERSION);
    io.credentials = run->base.credentials;
    io.insecure_registries = run->base.insecure_registries;
    io.ca_file = run->base.ca_file;
    io.cert_dir = run->base.cert_dir;
    io.cache_dir = run->base.cache_dir;
    io.timeout_ms = run->base.timeout_ms;
    io.platform = platform;
    io.json = 1;
    if (copa_image_inspect(&target, job->target, &io) == 0 &&
        copa_image_inspect(&source, job->source, &io) == 0) {
        s = cJSON_Parse(source);
        t = cJSON_Parse(target);
        base = json_path(t, "config", "labels", "sh.copa.image.base.digest");
        digest = json_path(s, "manifest", "digest", NULL);
        same = base != NULL && digest != NULL && strcmp(base, digest) == 0;
    }
    cJSON_Delete(s);
    cJSON_Delete(t);
    free(source);
    free(target);
    return same;
}

/* same_base for every platform of a comma-separated list (NULL: the host's). */
static int same_bases(const cli_bulk_run *run, const copa_bulk_job *job, const char *platforms)
{
    size_t i;

    if (platforms == NULL)
        return same_base(run, job, NULL);
    for (i = 0; i < job->platform_count; i++)
        if (!same_base(run, job, job->platforms[i]))
            return 0;
    return 1;
}

static int target_up_to_date(const cli_bulk_run *run, const copa_bulk_job *job,
                             const char *platform)
{
    copa_patch_options dry = run->base;
    copa_patch_result *result = NULL;
    int up = 0;

    if (!same_bases(run, job, platform))
        return 0;
    dry.image = job->target;
    dry.dry_run = 1;
    dry.platform = platform;
    dry.progress = NULL;
    if (copa_patch(&result, &dry) == 0 && copa_patch_result_up_to_date(result))
        up = 1;
    copa_patch_result_free(result);
    copa_error_clear();
    return up;
}

/*
 * A tag named in a `strategy: list` that the registry does not have is
 * skipped with a warning, as in Copacetic, rather than failing the run: a
 * fleet config lists tags that come and go. Asked only after the patch
 * failed with COPA_ENOTFOUND, so a missing platform or package still fails.
 */
static int listed_tag_missing(const cli_bulk_run *run, const copa_bulk_job *job, int rc)
{
    copa_bulk_options access;
    int exists;

    if (rc != COPA_ENOTFOUND || !job->listed)
        return 0;
    copa_bulk_options_init(&access, COPA_BULK_OPTIONS_VERSION);
    access.credentials = run->base.credentials;
    access.insecure_registries = run->base.insecure_registries;
    access.ca_file = run->base.ca_file;
    access.cert_dir = run->base.cert_dir;
    exists = copa_bulk_job_source_exists(job, &access);
    return exists == 0;
}

static void skip_missing(cli_bulk_outcome *o, const copa_bulk_job *job)
{
    char *message = NULL;
    size_t n = strlen(job->source) - strlen(job->source_tag) - 1;

    if (asprintf(&message, "tag '%s' not found in %.*s", job->source_tag, (int)n, job->source) < 0)
        message = NULL;
    set(o, "Skipped", message != NULL ? message : "tag not found");
    free(message);
}

static void run_job(pool *p, const copa_bulk_job *job, cli_bulk_outcome *o)
{
    const cli_bulk_run *run = p->run;
    copa_patch_options opts = run->base;
    copa_patch_result *result = NULL;
    job_progress jp = {p, job->key};
    const known_report *report;
    char *layout = NULL;
    int rc, via_copy;

    if (job->error_code != 0) {
        set(o, "Failed", job->error);
        o->exit_code = cli_exit_code_for(job->error_code);
        return;
    }
    /* Several platforms: copa_patch takes them as one comma-separated list. */
    opts.platform = job->platform_count > 0 ? o->platforms : NULL;
    if (!run->dry_run && (report = report_for(p, job->target)) != NULL && report->fixable == 0) {
        set(o, "Up to date", "report shows no fixable vulnerabilities");
        return;
    }
    if (!run->dry_run && run->push && target_up_to_date(run, job, opts.platform)) {
        set(o, "Up to date", "target already patched from this source; nothing new");
        return;
    }
    opts.image = job->source;
    opts.tag = job->target_tag;
    opts.progress = progress_line;
    opts.progress_payload = &jp;
    opts.dry_run = run->dry_run;
    via_copy = run->push && !same_repository(job);
    if (run->push && !via_copy) {
        opts.push = 1;
    } else if (via_copy && !run->dry_run) {
        if ((layout = temp_layout()) == NULL) {
            set(o, "Failed", "cannot make a temporary directory");
            o->exit_code = CLI_EXIT_FAILURE;
            return;
        }
        opts.oci_dir = layout;
    } else if (!run->dry_run) {
        if ((layout = layout_dir(run, job)) == NULL) {
            set(o, "Failed",
                "the entry's name cannot be a directory name (no '/', no leading '.')");
            o->exit_code = CLI_EXIT_INVALID_INPUT;
            return;
        }
        opts.oci_dir = layout;
    }
    rc = copa_patch(&result, &opts);
    if (rc == 0 && via_copy && !copa_patch_result_up_to_date(result))
        rc = push_copy(run, layout, job);
    if (rc != 0 && listed_tag_missing(run, job, rc)) {
        skip_missing(o, job);
    } else if (rc != 0) {
        set(o, "Failed", copa_error_last());
        o->exit_code = cli_exit_code_for(rc);
    } else if (copa_patch_result_up_to_date(result)) {
        set(o, "Up to date", "nothing to patch");
    } else {
        set(o, run->dry_run ? "Planned" : "Patched", "");
        o->updates = copa_patch_result_update_count(result);
        free(o->digest);
        o->digest = dup_or_empty(copa_patch_result_digest(result));
    }
    copa_patch_result_free(result);
    if (via_copy)
        remove_tree(layout);
    free(layout);
}

/*
 * The next job in plan order. Jobs writing one target repository may run
 * at the same time: distribution 2.8's DIGEST_INVALID at a manifest PUT
 * racing another upload of a shared blob, which once made this pool run
 * them one after the other, is retried where it happens (lib/registry,
 * copa__registry_manifest_put_retrying). Called with the lock held.
 */
static int take_job(pool *p, size_t *out)
{
    size_t i;

    if (p->stop)
        return 0;
    for (i = 0; i < p->summary->count; i++) {
        if (!p->started[i]) {
            p->started[i] = 1;
            *out = i;
            return 1;
        }
    }
    return 0;
}

static void *worker(void *payload)
{
    pool *p = payload;

    for (;;) {
        size_t i;
        cli_bulk_outcome *o;

        pthread_mutex_lock(&p->lock);
        if (!take_job(p, &i)) {
            pthread_mutex_unlock(&p->lock);
            return NULL;
        }
        pthread_mutex_unlock(&p->lock);
        o = &p->summary->jobs[i];
        run_job(p, copa_bulk_plan_job(p->plan, i), o);
        pthread_mutex_lock(&p->lock);
        if (p->run->progress == CLI_PROGRESS_JSON) {
            cli_put(stderr, "{\"job\":");
            cli_json_string(stderr, o->key);
            cli_put(stderr, ",\"event\":\"job-end\",\"status\":");
            cli_json_string(stderr, o->status);
            cli_put(stderr, ",\"message\":");
            cli_json_string(stderr, o->message);
            cli_printf(stderr, ",\"exitCode\":%d}\n", o->exit_code);
        } else if (p->run->progress != CLI_PROGRESS_QUIET) {
            cli_printf(stderr, "[%s] %s%s%s%s\n", o->key,
                       strcmp(o->status, "Skipped") == 0 ? "warning: " : "", o->status,
                       o->message[0] ? ": " : "", o->message);
        }
        if (o->exit_code != 0 && !p->run->ignore_errors)
            p->stop = 1;
        pthread_mutex_unlock(&p->lock);
    }
}

static void init_outcome(cli_bulk_outcome *o, const copa_bulk_job *job)
{
    size_t i, length = 1;

    for (i = 0; i < job->platform_count; i++)
        length += strlen(job->platforms[i]) + 1;
    o->platforms = calloc(1, length);
    for (i = 0; o->platforms != NULL && i < job->platform_count; i++) {
        if (i > 0)
            strcat(o->platforms, ",");
        strcat(o->platforms, job->platforms[i]);
    }
    o->key = strdup(job->key);
    o->name = strdup(job->name);
    o->source = strdup(job->source);
    o->source_tag = strdup(job->source_tag);
    o->target = strdup(job->target);
    o->status = strdup("Not run");
    o->digest = strdup("");
    o->message = strdup("");
}

void cli_bulk_execute(cli_bulk_summary *summary, const cli_bulk_run *run,
                      const copa_bulk_plan *plan)
{
    pool p;
    pthread_t threads[64];
    unsigned int i, started = 0, workers = run->workers ? run->workers : 1;
    size_t j;

    memset(&p, 0, sizeof(p));
    p.run = run;
    p.plan = plan;
    p.summary = summary;
    if (workers > 64)
        workers = 64;
    summary->count = copa_bulk_plan_job_count(plan);
    summary->total = copa_bulk_plan_total_count(plan);
    summary->jobs = calloc(summary->count + 1, sizeof(*summary->jobs));
    p.started = calloc(summary->count + 1, 1);
    if (summary->jobs == NULL || p.started == NULL) {
        cli_printf(stderr, "copa: out of memory\n");
        summary->count = 0;
        goto done;
    }
    pthread_mutex_init(&p.lock, NULL);
    for (j = 0; j < summary->count; j++) {
        const copa_bulk_job *job = copa_bulk_plan_job(plan, j);

        init_outcome(&summary->jobs[j], job);
    }
    load_reports(&p);
    for (i = 0; i < workers && i < summary->count; i++)
        if (pthread_create(&threads[started], NULL, worker, &p) == 0)
            started++;
    if (started == 0)
        worker(&p);
    for (i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    for (j = 0; j < p.report_count; j++) {
        free(p.reports[j].artifact);
        free(p.reports[j].path);
    }
    free(p.reports);
    pthread_mutex_destroy(&p.lock);
done:
    free(p.started);
}
