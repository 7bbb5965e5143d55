/*
 * One yum/dnf/tdnf configuration file: INI sections of "key=value" lines,
 * '#' and ';' comments, values continued on lines that start with
 * whitespace. [main] sets the defaults (in the main configuration file
 * only); every other section is a repository. Options we do not use are
 * skipped; malformed lines are errors naming file and line; values a tool
 * would ignore (a bad boolean, a bad repo id) are skipped with a note, as
 * the tools do.
 */
#include "rpmrepo/repo_conf.h"
#include "util/buffer.h"
#include "util/error.h"
#include "util/grow.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Bounds for hostile files: real ones are a few KiB with a few repositories. */
enum {
    MAX_CONF_TEXT = 1024 * 1024,
    MAX_VALUE = 64 * 1024,
    MAX_REPOS = 4096,
    MAX_LIST_ITEMS = 1024,
    MAX_NOTES = 256
};

typedef struct parse_state {
    copa__rpm_conf *conf;
    const copa__rpm_vars *vars;
    const char *path;
    int is_main;
    copa__rpm_repo *target; /* the section's repo, &conf->defaults, or NULL */
    int in_main;            /* the section is [main] */
    int seen_section;
    int have_key;
    char key[64];
    unsigned key_line;
    copa__buf value;
} parse_state;

static int add_note(copa__rpm_conf *conf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int add_note(copa__rpm_conf *conf, const char *fmt, ...)
{
    char line[512];
    const char **grown;
    va_list ap;

    if (conf->note_count >= MAX_NOTES)
        return 0; /* the first ones say enough */
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (copa__grow_needed(conf->notes, conf->note_count)) {
        grown = realloc(conf->notes, copa__grow_slots(conf->note_count + 1) * sizeof(*grown));
        if (grown == NULL)
            return copa__error_oom();
        conf->notes = grown;
    }
    conf->notes[conf->note_count] = copa__arena_strdup(&conf->arena, line);
    if (conf->notes[conf->note_count] == NULL)
        return copa__error_oom();
    conf->note_count++;
    return 0;
}

static void set_defaults(copa__rpm_repo *d, copa__rpm_flavor flavor)
{
    memset(d, 0, sizeof(*d));
    if (flavor == COPA_RPM_FLAVOR_TDNF) {
        /* tdnf's fixed repository defaults (its TDNF_REPO_DEFAULT_*). */
        d->enabled = 0;
        d->gpgcheck = 1;
        d->priority = 50;
    } else {
        /* dnf.conf(5) and yum's config: gpgcheck and repo_gpgcheck False. */
        d->enabled = 1;
        d->gpgcheck = 0;
        d->priority = 99;
    }
}

int copa__rpm_conf_new(copa__rpm_conf **out, copa__rpm_flavor flavor)
{
    copa__rpm_conf *conf = calloc(1, sizeof(*conf));

    if (conf == NULL)
        return copa__error_oom();
    copa__arena_init(&conf->arena);
    conf->flavor = flavor;
    set_defaults(&conf->defaults, flavor);
    *out = conf;
    return 0;
}

void copa__rpm_conf_free(copa__rpm_conf *conf)
{
    if (conf == NULL)
        return;
    free(conf->repos);
    free((void *)conf->notes);
    copa__arena_free(&conf->arena);
    free(conf);
}

const copa__rpm_repo *copa__rpm_conf_find(const copa__rpm_conf *conf, const char *id)
{
    size_t i;

    for (i = 0; conf != NULL && i < conf->repo_count; i++)
        if (strcmp(conf->repos[i].id, id) == 0)
            return &conf->repos[i];
    return NULL;
}

/* ---- values ---- */

static int parse_bool(int *out, const char *v)
{
    static const char *const yes[] = {"1", "yes", "true", "on"};
    static const char *const no[] = {"0", "no", "false", "off"};
    size_t i;

    for (i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
        if (strcasecmp(v, yes[i]) == 0)
            return *out = 1, 0;
        if (strcasecmp(v, no[i]) == 0)
            return *out = 0, 0;
    }
    return -1;
}

static int parse_int(int *out, const char *v)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || n < INT_MIN || n > INT_MAX)
        return -1;
    *out = (int)n;
    return 0;
}

static int is_list_sep(char c)
{
    return c == ',' || isspace((unsigned char)c);
}

/* Split on whitespace and commas (dnf.conf(5) "list") into arena strings. */
static int split_list(copa__rpm_list *out, copa__arena *arena, const char *v, const char *where)
{
    size_t n = 0, i = 0;
    const char *p;

    for (p = v; *p;) {
        while (*p && is_list_sep(*p))
            p++;
        if (*p == '\0')
            break;
        n++;
        while (*p && !is_list_sep(*p))
            p++;
    }
    if (n > MAX_LIST_ITEMS)
        return copa__error_set(COPA_EINVALID, "%s: more than %d list items", where, MAX_LIST_ITEMS);
    out->items = n > 0 ? copa__arena_alloc(arena, n * sizeof(*out->items)) : NULL;
    if (n > 0 && out->items == NULL)
        return copa__error_oom();
    for (p = v; *p && i < n;) {
        const char *start;
        while (*p && is_list_sep(*p))
            p++;
        start = p;
        while (*p && !is_list_sep(*p))
            p++;
        out->items[i] = copa__arena_strndup(arena, start, (size_t)(p - start));
        if (out->items[i++] == NULL)
            return copa__error_oom();
    }
    out->count = n;
    return 0;
}

/* gpgkey: file:///abs/path is a key file in the image; anything else is only noted. */
static int set_gpgkeys(parse_state *st, copa__rpm_repo *r, const char *v, const char *where)
{
    copa__rpm_list all;
    size_t i, files = 0, urls = 0;
    int rc = split_list(&all, &st->conf->arena, v, where);

    if (rc != 0)
        return rc;
    r->gpgkey_paths.items = copa__arena_alloc(&st->conf->arena, (all.count + 1) * sizeof(char *));
    r->gpgkey_urls.items = copa__arena_alloc(&st->conf->arena, (all.count + 1) * sizeof(char *));
    if (r->gpgkey_paths.items == NULL || r->gpgkey_urls.items == NULL)
        return copa__error_oom();
    for (i = 0; i < all.count; i++) {
        const char *k = all.items[i];
        if (strncmp(k, "file://", 7) == 0 && k[7] == '/') {
            r->gpgkey_paths.items[files++] = k + 7;
        } else {
            r->gpgkey_urls.items[urls++] = k;
            if ((rc = add_note(st->conf,
                               "%s: gpgkey %s is not a file:// path in the image: not "
                               "fetched, the repository's keys must be in the image",
                               where, k)) != 0)
                return rc;
        }
    }
    r->gpgkey_paths.count = files;
    r->gpgkey_urls.count = urls;
    return 0;
}

static int set_bool(parse_state *st, int *field, const char *v, const char *where)
{
    if (parse_bool(field, v) != 0)
        return add_note(st->conf, "%s: %s=%s is not a boolean: the default stays", where, st->key,
                        v);
    return 0;
}

/* A string option; an empty value unsets it (name falls back to the id). */
static int set_string(const char **field, const char *v)
{
    *field = *v != '\0' ? v : NULL;
    return 0;
}

/* Options of both [main] and repositories ("OPTIONS FOR BOTH" in dnf.conf(5)). */
static int apply_shared(parse_state *st, copa__rpm_repo *r, const char *key, const char *v,
                        const char *where)
{
    if (strcmp(key, "gpgcheck") == 0 || strcmp(key, "pkg_gpgcheck") == 0)
        return set_bool(st, &r->gpgcheck, v, where);
    if (strcmp(key, "repo_gpgcheck") == 0)
        return set_bool(st, &r->repo_gpgcheck, v, where);
    if (strcmp(key, "skip_if_unavailable") == 0)
        return set_bool(st, &r->skip_if_unavailable, v, where);
    return 0;
}

/* [main]: where repositories are, global excludes, and the defaults dnf and yum inherit. */
static int apply_main(parse_state *st, const char *key, const char *v, const char *where)
{
    copa__arena *a = &st->conf->arena;

    if (strcmp(key, "reposdir") == 0 || strcmp(key, "repodir") == 0)
        return split_list(&st->conf->reposdirs, a, v, where);
    if (strcmp(key, "excludepkgs") == 0 || strcmp(key, "exclude") == 0)
        return split_list(&st->conf->main_excludepkgs, a, v, where);
    if (st->conf->flavor == COPA_RPM_FLAVOR_TDNF)
        return 0; /* tdnf's repository defaults are fixed */
    return apply_shared(st, &st->conf->defaults, key, v, where);
}

static int apply_priority(parse_state *st, copa__rpm_repo *r, const char *v, const char *where)
{
    if (parse_int(&r->priority, v) != 0)
        return add_note(st->conf, "%s: priority=%s is not a number: the default stays", where, v);
    return 0;
}

static int apply_repo(parse_state *st, copa__rpm_repo *r, const char *key, const char *v,
                      const char *where)
{
    copa__arena *a = &st->conf->arena;

    if (strcmp(key, "name") == 0)
        return set_string(&r->name, v);
    if (strcmp(key, "baseurl") == 0)
        return split_list(&r->baseurls, a, v, where);
    if (strcmp(key, "metalink") == 0)
        return set_string(&r->metalink, v);
    if (strcmp(key, "mirrorlist") == 0)
        return set_string(&r->mirrorlist, v);
    if (strcmp(key, "enabled") == 0)
        return set_bool(st, &r->enabled, v, where);
    if (strcmp(key, "module_hotfixes") == 0)
        return set_bool(st, &r->module_hotfixes, v, where);
    if (strcmp(key, "priority") == 0)
        return apply_priority(st, r, v, where);
    if (strcmp(key, "gpgkey") == 0)
        return set_gpgkeys(st, r, v, where);
    if (strcmp(key, "includepkgs") == 0)
        return split_list(&r->includepkgs, a, v, where);
    if (strcmp(key, "excludepkgs") == 0 || strcmp(key, "exclude") == 0)
        return split_list(&r->excludepkgs, a, v, where);
    return apply_shared(st, r, key, v, where);
}

static int flush_option(parse_state *st)
{
    char where[600], *expanded = NULL;
    const char *raw = st->value.data != NULL ? st->value.data : "";
    int rc;

    if (!st->have_key)
        return 0;
    st->have_key = 0;
    if (st->target == NULL)
        return 0;
    snprintf(where, sizeof(where), "%s:%u", st->path, st->key_line);
    rc = copa__rpm_vars_expand(&expanded, &st->conf->arena, st->vars, raw, where);
    if (rc == 0)
        rc = st->in_main ? apply_main(st, st->key, expanded, where)
                         : apply_repo(st, st->target, st->key, expanded, where);
    return rc;
}

/* ---- sections ---- */

/* dnf.conf(5): letters, digits, '-', '_', '.' and ':'. */
static int valid_repo_id(const char *id)
{
    if (*id == '\0')
        return 0;
    for (; *id; id++)
        if (!isalnum((unsigned char)*id) && !strchr("-_.:", *id))
            return 0;
    return 1;
}

static int add_repo(copa__rpm_repo **out, parse_state *st, const char *id, unsigned line)
{
    copa__rpm_conf *conf = st->conf;
    copa__rpm_repo *r;

    if (conf->repo_count >= MAX_REPOS)
        return copa__error_set(COPA_EINVALID, "%s:%u: more than %d repositories", st->path, line,
                               MAX_REPOS);
    if (copa__grow_needed(conf->repos, conf->repo_count)) {
        r = realloc(conf->repos, copa__grow_slots(conf->repo_count + 1) * sizeof(*r));
        if (r == NULL)
            return copa__error_oom();
        conf->repos = r;
    }
    r = &conf->repos[conf->repo_count];
    *r = conf->defaults;
    r->id = copa__arena_strdup(&conf->arena, id);
    r->file = copa__arena_strdup(&conf->arena, st->path);
    if (r->id == NULL || r->file == NULL)
        return copa__error_oom();
    r->line = line;
    conf->repo_count++;
    *out = r;
    return 0;
}

static int begin_section(parse_state *st, const char *id, unsigned line)
{
    copa__rpm_repo *r;
    int rc;

    st->target = NULL;
    st->in_main = 0;
    if (strcmp(id, "main") == 0) {
        if (!st->is_main)
            return add_note(st->conf, "%s:%u: [main] outside the main configuration: ignored",
                            st->path, line);
        st->in_main = 1;
        st->target = &st->conf->defaults;
        return 0;
    }
    if (!valid_repo_id(id))
        return add_note(st->conf, "%s:%u: bad repository id [%s]: section ignored", st->path, line,
                        id);
    if ((r = (copa__rpm_repo *)copa__rpm_conf_find(st->conf, id)) != NULL)
        return add_note(st->conf,
                        "%s:%u: repository %s is listed more than once (first in %s:%u): "
                        "this one is ignored",
                        st->path, line, id, r->file, r->line);
    if ((rc = add_repo(&r, st, id, line)) != 0)
        return rc;
    st->target = r;
    return 0;
}

/* The repositories' names default to their ids once their sections are read. */
static void finish_names(copa__rpm_conf *conf)
{
    size_t i;

    for (i = 0; i < conf->repo_count; i++)
        if (conf->repos[i].name == NULL)
            conf->repos[i].name = conf->repos[i].id;
}

/* ---- lines ---- */

static char *trim(char *s)
{
    char *end;

    while (*s == ' ' || *s == '\t')
        s++;
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

static int parse_line(parse_state *st, char *line, unsigned lineno)
{
    char *t = trim(line), *eq, *key;
    int continuation = line[0] == ' ' || line[0] == '\t';
    size_t i;
    int rc;

    if (*t == '\0' || *t == '#' || *t == ';')
        return 0; /* comments and blank lines (a continued value ends at the next key) */
    if (continuation && st->have_key) {
        if (st->value.length + strlen(t) + 1 > MAX_VALUE)
            return copa__error_set(COPA_EINVALID, "%s:%u: value of %s longer than %d bytes",
                                   st->path, lineno, st->key, MAX_VALUE);
        if (copa__buf_append(&st->value, "\n", 1) != 0 || copa__buf_append_str(&st->value, t) != 0)
            return copa__error_oom();
        return 0;
    }
    if ((rc = flush_option(st)) != 0)
        return rc;
    if (*t == '[') {
        char *close = strchr(t, ']');
        if (close == NULL || close[1] != '\0')
            return copa__error_set(COPA_EINVALID, "%s:%u: malformed section header", st->path,
                                   lineno);
        *close = '\0';
        st->seen_section = 1;
        return begin_section(st, trim(t + 1), lineno);
    }
    eq = strchr(t, '=');
    if (eq == NULL)
        return copa__error_set(COPA_EINVALID, "%s:%u: expected key=value or [section]", st->path,
                               lineno);
    if (!st->seen_section)
        return copa__error_set(COPA_EINVALID, "%s:%u: option before any [section]", st->path,
                               lineno);
    *eq = '\0';
    key = trim(t);
    if (*key == '\0' || strlen(key) >= sizeof(st->key))
        return copa__error_set(COPA_EINVALID, "%s:%u: bad option name", st->path, lineno);
    for (i = 0; key[i]; i++)
        st->key[i] = (char)tolower((unsigned char)key[i]);
    st->key[i] = '\0';
    st->key_line = lineno;
    st->have_key = 1;
    copa__buf_clear(&st->value);
    if (copa__buf_append_str(&st->value, trim(eq + 1)) != 0)
        return copa__error_oom();
    if (st->value.length > MAX_VALUE)
        return copa__error_set(COPA_EINVALID, "%s:%u: value of %s longer than %d bytes", st->path,
                               lineno, st->key, MAX_VALUE);
    return 0;
}

int copa__rpm_conf_parse(copa__rpm_conf *conf, const copa__rpm_vars *vars, const char *path,
                         const char *text, size_t length, int is_main)
{
    parse_state st;
    const char *p = text, *end = text + length;
    unsigned lineno = 0;
    char *line = NULL;
    int rc = 0;

    if (length > MAX_CONF_TEXT)
        return copa__error_set(COPA_EINVALID, "%s: larger than %d bytes", path, MAX_CONF_TEXT);
    if (memchr(text, '\0', length) != NULL)
        return copa__error_set(COPA_EINVALID, "%s: holds a NUL byte: not a text file", path);
    memset(&st, 0, sizeof(st));
    st.conf = conf;
    st.vars = vars;
    st.path = path;
    st.is_main = is_main;
    while (rc == 0 && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

        lineno++;
        free(line);
        line = strndup(p, n);
        if (line == NULL) {
            rc = copa__error_oom();
            break;
        }
        rc = parse_line(&st, line, lineno);
        p += n + (nl != NULL);
    }
    if (rc == 0)
        rc = flush_option(&st);
    free(line);
    copa__buf_free(&st.value);
    finish_names(conf);
    return rc;
}
