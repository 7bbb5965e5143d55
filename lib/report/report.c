/*
 * The public report API: reading the bytes, parsing the JSON, choosing the
 * format parser, then normalizing; plus the accessors.
 */
#include "report/prune.h"
#include "report/report.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

enum { DEFAULT_PLUGIN_TIMEOUT_MS = 60000 };

static const char *const format_names[] = {"auto", "trivy", "grype", "native", "plugin"};

const char *copa_report_format_name(copa_report_format format)
{
    if ((unsigned int)format < sizeof(format_names) / sizeof(format_names[0]))
        return format_names[format];
    return "unknown";
}

int copa_report_format_from_name(copa_report_format *out, const char *name)
{
    unsigned int i;

    if (out == NULL)
        return copa__error_set(COPA_EINVALID, "copa_report_format_from_name: NULL out");
    *out = COPA_REPORT_AUTO;
    if (name == NULL)
        return copa__error_set(COPA_EINVALID, "copa_report_format_from_name: NULL name");
    /* "plugin" is not a format a caller chooses: it comes with a scanner name. */
    for (i = 0; i < COPA_REPORT_PLUGIN; i++) {
        if (strcasecmp(format_names[i], name) == 0) {
            *out = (copa_report_format)i;
            return 0;
        }
    }
    return copa__error_set(
        COPA_EINVALID, "unknown report format '%s' (expected trivy, grype, native or auto)", name);
}

int copa_report_options_init(copa_report_options *opts, unsigned int version)
{
    static const copa_report_options defaults = COPA_REPORT_OPTIONS_INIT;

    if (opts == NULL)
        return copa__error_set(COPA_EINVALID, "copa_report_options_init: NULL options");
    if (version != COPA_REPORT_OPTIONS_VERSION)
        return copa__error_set(COPA_EINVALID, "copa_report_options_init: unknown version %u",
                               version);
    *opts = defaults;
    return 0;
}

const char *copa__report_str(copa_report *r, const char *s)
{
    return copa__arena_strdup(&r->pool, s != NULL ? s : "");
}

/* Grow an array of `size`-byte elements so one more fits. */
static int grow(void **array, size_t *cap, size_t count, size_t size)
{
    size_t new_cap;
    void *bigger;

    if (count < *cap)
        return 0;
    new_cap = *cap != 0 ? *cap * 2 : 64;
    if (new_cap < *cap || new_cap > ((size_t)-1) / size)
        return copa__error_oom();
    bigger = realloc(*array, new_cap * size);
    if (bigger == NULL)
        return copa__error_oom();
    *array = bigger;
    *cap = new_cap;
    return 0;
}

int copa__report_add_entry(copa_report *r, const copa__report_entry *entry)
{
    copa__report_entry *e;
    int rc = grow((void **)&r->entries, &r->entry_cap, r->entry_count, sizeof(*r->entries));

    if (rc != 0)
        return rc;
    e = &r->entries[r->entry_count];
    e->name = copa__report_str(r, entry->name);
    e->installed = copa__report_str(r, entry->installed);
    e->fixed = copa__report_str(r, entry->fixed);
    e->vuln_id = copa__report_str(r, entry->vuln_id);
    e->status = copa__report_str(r, entry->status);
    e->type = copa__report_str(r, entry->type);
    e->path = copa__report_str(r, entry->path);
    e->purl = copa__report_str(r, entry->purl);
    if (e->name == NULL || e->installed == NULL || e->fixed == NULL || e->vuln_id == NULL ||
        e->status == NULL || e->type == NULL || e->path == NULL || e->purl == NULL)
        return copa__error_oom();
    e->lang = entry->lang;
    e->seq = r->entry_count++;
    return 0;
}

int copa__report_add_unfixed(copa_report *r, const copa__report_entry *entry)
{
    copa_report_unfixed *u;
    int rc = grow((void **)&r->unfixed, &r->unfixed_cap, r->unfixed_count, sizeof(*r->unfixed));
    if (rc != 0)
        return rc;
    u = &r->unfixed[r->unfixed_count++];
    u->name = entry->name;
    u->installed_version = entry->installed;
    u->vulnerability_id = entry->vuln_id;
    u->status = entry->status;
    u->pkg_class = entry->lang ? "lang-pkgs" : "os-pkgs";
    return 0;
}

int copa__report_warn(copa_report *r, const char *fmt, ...)
{
    char message[1024];
    const char *copy;
    va_list ap;
    int rc;

    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    rc = grow((void **)&r->warnings, &r->warning_cap, r->warning_count, sizeof(*r->warnings));
    if (rc != 0)
        return rc;
    copy = copa__report_str(r, message);
    if (copy == NULL)
        return copa__error_oom();
    r->warnings[r->warning_count++] = copy;
    return 0;
}

void copa_report_free(copa_report *report)
{
    if (report == NULL)
        return;
    free(report->entries);
    free(report->updates);
    free(report->langs);
    free(report->unfixed);
    free(report->warnings);
    copa__arena_free(&report->pool);
    free(report);
}

static int is_blank(const char *data, size_t length)
{
    size_t i;
    for (i = 0; i < length; i++)
        if (data[i] != ' ' && data[i] != '\t' && data[i] != '\n' && data[i] != '\r')
            return 0;
    return 1;
}

/*
 * Validate the bytes, drop what no parser reads, then build the tree.
 * `owned`, when not NULL, is the caller's malloc'd copy of data: it is freed
 * as soon as the pruned copy exists, so both never coexist with the tree.
 */
static int parse_json(cJSON **root, const char *data, size_t length, char **owned)
{
    char *pruned;
    size_t pruned_length;
    int rc;

    *root = NULL;
    if (is_blank(data, length))
        return copa__error_set(COPA_EINVALID, "the report is empty");
    rc = copa__json_prune(&pruned, &pruned_length, data, length);
    if (owned != NULL) {
        free(*owned);
        *owned = NULL;
    }
    if (rc != 0)
        return rc;
    *root = cJSON_ParseWithLength(pruned, pruned_length);
    free(pruned);
    if (*root == NULL)
        return copa__error_set(COPA_ENOMEM, "out of memory while building the JSON tree");
    if (!cJSON_IsObject(*root)) {
        rc = copa__error_set(COPA_EINVALID, "expected a JSON object at the top level, got %s",
                             cJSON_IsArray(*root) ? "an array" : "a scalar");
        cJSON_Delete(*root);
        *root = NULL;
        return rc;
    }
    return 0;
}

static int dispatch(copa_report *r, const cJSON *root, copa_report_format format)
{
    int rc;

    if (format == COPA_REPORT_AUTO) {
        rc = copa__report_detect(&format, root);
        if (rc != 0)
            return rc;
    }
    r->meta.format = format;
    switch (format) {
    case COPA_REPORT_TRIVY:
        return copa__report_parse_trivy(r, root);
    case COPA_REPORT_GRYPE:
        return copa__report_parse_grype(r, root);
    case COPA_REPORT_NATIVE:
    case COPA_REPORT_PLUGIN:
        return copa__report_parse_native(r, root);
    default:
        return copa__error_set(COPA_EINVALID, "unknown report format %d", (int)format);
    }
}

/* The parsers point the raw metadata into the JSON tree; keep copies. */
static int copy_raw_metadata(copa_report *r)
{
    const char **fields[] = {&r->raw.family,  &r->raw.version,  &r->raw.arch,
                             &r->raw.variant, &r->raw.artifact, &r->raw.os};
    size_t i;

    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        *fields[i] = copa__report_str(r, *fields[i]);
        if (*fields[i] == NULL)
            return copa__error_oom();
    }
    return 0;
}

static int parse_into(copa_report *r, const char *data, size_t length, char **owned,
                      copa_report_format format)
{
    cJSON *root = NULL;
    int rc = parse_json(&root, data, length, owned);

    if (rc != 0)
        return rc;
    rc = dispatch(r, root, format);
    if (rc == 0)
        rc = copy_raw_metadata(r);
    /* The tree is no longer needed: every kept string is in the pool. */
    cJSON_Delete(root);
    if (rc != 0)
        return rc;
    rc = copa__report_normalize(r);
    if (rc != 0)
        return rc;
    return copa__report_aggregate(r);
}

static int report_new(copa_report **out, const char *name, const copa_report_options *opts)
{
    copa_report *r = calloc(1, sizeof(*r));

    if (r == NULL)
        return copa__error_oom();
    r->ignore_errors = opts->ignore_errors;
    r->source = copa__report_str(r, name != NULL ? name : "report");
    r->meta.os_family = r->meta.os_version = r->meta.arch = r->meta.variant = r->meta.artifact = "";
    if (r->source == NULL) {
        copa_report_free(r);
        return copa__error_oom();
    }
    *out = r;
    return 0;
}

static int check_args(copa_report **out, const copa_report_options **opts)
{
    static const copa_report_options defaults = COPA_REPORT_OPTIONS_INIT;

    if (out == NULL)
        return copa__error_set(COPA_EINVALID, "copa_report_parse: NULL out");
    *out = NULL;
    if (*opts == NULL)
        *opts = &defaults;
    else if ((*opts)->version != COPA_REPORT_OPTIONS_VERSION)
        return copa__error_set(COPA_EINVALID, "copa_report_parse: unknown options version %u",
                               (*opts)->version);
    return 0;
}

/* Finish a parse: hand the report over or free it with context in the message. */
static int finish(copa_report **out, copa_report *r, int rc, const char *name)
{
    if (rc != 0) {
        copa_report_free(r);
        return copa__error_prefix("%s: ", name);
    }
    *out = r;
    return 0;
}

int copa_report_parse_buffer(copa_report **out, const char *data, size_t length, const char *name,
                             const copa_report_options *opts)
{
    copa_report *r = NULL;
    int rc = check_args(out, &opts);

    if (rc != 0)
        return rc;
    if (name == NULL)
        name = "report";
    if (data == NULL && length != 0)
        return copa__error_set(COPA_EINVALID, "copa_report_parse_buffer: NULL data");
    if (opts->scanner != NULL)
        return copa__error_set(
            COPA_EINVALID, "%s: scanner plugins read a file; use copa_report_parse_file()", name);
    rc = report_new(&r, name, opts);
    if (rc != 0)
        return rc;
    rc = parse_into(r, data != NULL ? data : "", length, NULL, opts->format);
    return finish(out, r, rc, name);
}

/* Far above any real scanner report; a bigger file is refused before reading it. */
#define REPORT_FILE_MAX ((size_t)512 << 20)

/* A regular file of at most REPORT_FILE_MAX bytes: a directory, a device
 * such as /dev/zero or a fifo would otherwise be read without end. */
static int read_file(char **data, size_t *length, const char *path)
{
    struct stat st;
    size_t used = 0;
    char *buf;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

    if (fd < 0) {
        if (errno == ENOENT)
            return copa__error_set(COPA_ENOTFOUND, "%s: no such file", path);
        return copa__error_set(COPA_ERROR, "%s: cannot open: %s", path, strerror(errno));
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return copa__error_set(COPA_EINVALID, "%s: not a regular file (a report is a JSON file)",
                               path);
    }
    if ((uintmax_t)st.st_size > REPORT_FILE_MAX) {
        close(fd);
        return copa__error_set(COPA_EINVALID, "%s: report is larger than the limit of %zu MiB",
                               path, REPORT_FILE_MAX >> 20);
    }
    if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
        close(fd);
        return copa__error_oom();
    }
    /* The size is what fstat said; a file that grows meanwhile is cut there. */
    while (used < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + used, (size_t)st.st_size - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;
            free(buf);
            close(fd);
            return copa__error_set(COPA_ERROR, "%s: cannot read: %s", path, strerror(err));
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    close(fd);
    buf[used] = '\0';
    *data = buf;
    *length = used;
    return 0;
}

int copa_report_parse_file(copa_report **out, const char *path, const copa_report_options *opts)
{
    copa_report_format format;
    copa_report *r = NULL;
    char *data = NULL;
    size_t length = 0;
    int rc = check_args(out, &opts);

    if (rc != 0)
        return rc;
    if (path == NULL)
        return copa__error_set(COPA_EINVALID, "copa_report_parse_file: NULL path");
    if (opts->scanner != NULL) {
        rc = copa__report_run_plugin(&data, &length, opts->scanner, path,
                                     opts->plugin_timeout_ms != 0 ? opts->plugin_timeout_ms
                                                                  : DEFAULT_PLUGIN_TIMEOUT_MS);
        format = COPA_REPORT_PLUGIN;
    } else {
        rc = read_file(&data, &length, path);
        format = opts->format;
    }
    if (rc != 0)
        return rc;
    rc = report_new(&r, path, opts);
    if (rc == 0) {
        rc = parse_into(r, data, length, &data, format);
        /* Output a plugin got wrong is the plugin's failure, not the user's. */
        if (rc != 0 && opts->scanner != NULL) {
            copa__error_prefix("invalid output of scanner plugin copa-%s: ", opts->scanner);
            if (rc == COPA_EINVALID) {
                char message[2048];
                snprintf(message, sizeof(message), "%s", copa_error_last());
                rc = copa__error_set(COPA_EEXTERNAL, "%s", message);
            }
        }
        rc = finish(out, r, rc, path);
    }
    free(data);
    return rc;
}

const copa_report_metadata *copa_report_metadata_get(const copa_report *report)
{
    return report != NULL ? &report->meta : NULL;
}

size_t copa_report_update_count(const copa_report *report)
{
    return report != NULL ? report->update_count : 0;
}

const copa_report_update *copa_report_update_get(const copa_report *report, size_t index)
{
    return report != NULL && index < report->update_count ? &report->updates[index] : NULL;
}

size_t copa_report_lang_count(const copa_report *report)
{
    return report != NULL ? report->lang_count : 0;
}

const copa_report_update *copa_report_lang_get(const copa_report *report, size_t index)
{
    return report != NULL && index < report->lang_count ? &report->langs[index] : NULL;
}

size_t copa_report_unfixed_count(const copa_report *report)
{
    return report != NULL ? report->unfixed_count : 0;
}

const copa_report_unfixed *copa_report_unfixed_get(const copa_report *report, size_t index)
{
    return report != NULL && index < report->unfixed_count ? &report->unfixed[index] : NULL;
}

size_t copa_report_warning_count(const copa_report *report)
{
    return report != NULL ? report->warning_count : 0;
}

const char *copa_report_warning_get(const copa_report *report, size_t index)
{
    return report != NULL && index < report->warning_count ? report->warnings[index] : NULL;
}
