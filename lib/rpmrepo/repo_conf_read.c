/*
 * Reading an image's repository configuration through the image-files
 * table: pick the tool (tdnf.conf, else dnf.conf, else yum.conf), read its
 * main section, the variables of its variable directories, then every
 * *.repo file of its repository directories in name order.
 */
#include "rpmrepo/repo_conf.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TDNF_CONF "/etc/tdnf/tdnf.conf"
#define DNF_CONF "/etc/dnf/dnf.conf"
#define YUM_CONF "/etc/yum.conf"

/* Bounds for hostile images. */
enum { MAX_VARS = 256, MAX_VAR_VALUE = 4096, MAX_REPO_FILES = 1024 };

/* Read an optional file: 0 with *text NULL when it is not there. */
static int read_optional(char **text, size_t *len, const copa__image_files *files, const char *path)
{
    int rc = files->read(text, len, path, files->payload);

    if (rc == COPA_ENOTFOUND) {
        copa_error_clear();
        *text = NULL;
        return 0;
    }
    return rc;
}

static int exists(const copa__image_files *files, const char *path)
{
    char *text = NULL;
    size_t len;
    int found = read_optional(&text, &len, files, path) == 0 && text != NULL;

    free(text);
    copa_error_clear();
    return found;
}

static copa__rpm_flavor detect_flavor(const copa__image_files *files, const char **main_file)
{
    if (exists(files, TDNF_CONF))
        return *main_file = TDNF_CONF, COPA_RPM_FLAVOR_TDNF;
    if (exists(files, DNF_CONF))
        return *main_file = DNF_CONF, COPA_RPM_FLAVOR_DNF;
    if (exists(files, YUM_CONF))
        return *main_file = YUM_CONF, COPA_RPM_FLAVOR_YUM;
    *main_file = NULL;
    return COPA_RPM_FLAVOR_DNF;
}

static const char *main_file_of(copa__rpm_flavor flavor)
{
    switch (flavor) {
    case COPA_RPM_FLAVOR_TDNF:
        return TDNF_CONF;
    case COPA_RPM_FLAVOR_YUM:
        return YUM_CONF;
    default:
        return DNF_CONF;
    }
}

/* ---- variables ---- */

typedef struct var_table {
    const char *names[MAX_VARS];
    const char *values[MAX_VARS];
    size_t count;
} var_table;

static int var_index(const var_table *t, const char *name)
{
    size_t i;

    for (i = 0; i < t->count; i++)
        if (strcmp(t->names[i], name) == 0)
            return (int)i;
    return -1;
}

static int var_set(var_table *t, copa__arena *a, const char *name, const char *value, int replace)
{
    int i = var_index(t, name);

    if (i >= 0 && !replace)
        return 0;
    if (i < 0 && t->count >= MAX_VARS)
        return copa__error_set(COPA_EINVALID, "more than %d repository variables", MAX_VARS);
    if (i < 0) {
        i = (int)t->count++;
        t->names[i] = copa__arena_strdup(a, name);
    }
    t->values[i] = copa__arena_strdup(a, value);
    if (t->names[i] == NULL || t->values[i] == NULL)
        return copa__error_oom();
    return 0;
}

static int valid_var_name(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return 0;
    return 1;
}

/* releasever_major/_minor follow releasever, wherever it came from. */
static int derive_release_parts(var_table *t, copa__arena *a)
{
    int i = var_index(t, "releasever");
    const char *rv = i >= 0 ? t->values[i] : "", *dot = strchr(rv, '.');
    char major[256];
    int rc;

    snprintf(major, sizeof(major), "%.*s", dot != NULL ? (int)(dot - rv) : (int)strlen(rv), rv);
    rc = var_set(t, a, "releasever_major", major, 1);
    if (rc == 0)
        rc = var_set(t, a, "releasever_minor", dot != NULL ? dot + 1 : "", 1);
    return rc;
}

/* One variable directory: each file NAME holds the value on its first line. */
static int read_var_dir(var_table *t, copa__rpm_conf *conf, const copa__image_files *files,
                        const char *dir)
{
    char **names = NULL, path[4096];
    size_t count = 0, i;
    int rc = files->list(&names, &count, dir, files->payload);

    if (rc == COPA_ENOTFOUND) {
        copa_error_clear();
        return 0;
    }
    for (i = 0; rc == 0 && i < count; i++) {
        char *text = NULL;
        size_t len = 0;

        /* dnf.conf(5): arch and basearch cannot be overridden by files. */
        if (!valid_var_name(names[i]) || strcmp(names[i], "arch") == 0 ||
            strcmp(names[i], "basearch") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        rc = read_optional(&text, &len, files, path);
        if (rc != 0 && rc != COPA_ENOMEM) {
            copa_error_clear(); /* a directory or a dangling link is not a variable */
            rc = 0;
            continue;
        }
        if (rc == 0 && text != NULL) {
            text[strcspn(text, "\r\n")] = '\0';
            if (strlen(text) > MAX_VAR_VALUE)
                rc = copa__error_set(COPA_EINVALID, "%s: variable longer than %d bytes", path,
                                     MAX_VAR_VALUE);
            else
                rc = var_set(t, &conf->arena, names[i], text, 0);
        }
        free(text);
    }
    copa__image_files_free_names(names, count);
    return rc;
}

static int build_vars(var_table *t, copa__rpm_conf *conf, const copa__image_files *files,
                      const copa__rpm_conf_options *o)
{
    static const char *const dnf_dirs[] = {"/etc/dnf/vars", "/etc/yum/vars", NULL};
    static const char *const tdnf_dirs[] = {"/etc/tdnf/vars", "/etc/dnf/vars", "/etc/yum/vars",
                                            NULL};
    const char *const *dirs = conf->flavor == COPA_RPM_FLAVOR_TDNF ? tdnf_dirs : dnf_dirs;
    int rc = var_set(t, &conf->arena, "arch", o->arch != NULL ? o->arch : o->basearch, 1);

    if (rc == 0)
        rc = var_set(t, &conf->arena, "basearch", o->basearch, 1);
    /* Files first (a name defined by an earlier directory is kept), so that
     * /etc/dnf/vars/releasever (Amazon Linux 2023 pins its release with it)
     * wins over the caller's value, which only fills in what is missing. */
    for (; rc == 0 && *dirs != NULL; dirs++)
        rc = read_var_dir(t, conf, files, *dirs);
    if (rc == 0)
        rc = var_set(t, &conf->arena, "releasever", o->releasever, 0);
    if (rc == 0)
        rc = derive_release_parts(t, &conf->arena);
    return rc;
}

/* ---- files ---- */

/* Parse `path` when the image has it; *found says whether it did. */
static int parse_file(copa__rpm_conf *conf, const copa__rpm_vars *vars,
                      const copa__image_files *files, const char *path, int is_main, int *found)
{
    char *text = NULL;
    size_t len = 0;
    int rc = read_optional(&text, &len, files, path);

    *found = rc == 0 && text != NULL;
    if (*found)
        rc = copa__rpm_conf_parse(conf, vars, path, text, len, is_main);
    free(text);
    return rc;
}

static int has_repo_suffix(const char *s)
{
    size_t n = strlen(s);

    return n > 5 && strcmp(s + n - 5, ".repo") == 0;
}

static int read_repo_dir(copa__rpm_conf *conf, const copa__rpm_vars *vars,
                         const copa__image_files *files, const char *dir)
{
    char **names = NULL, path[4096];
    size_t count = 0, i, used = 0;
    int found, rc = files->list(&names, &count, dir, files->payload);

    if (rc == COPA_ENOTFOUND) {
        copa_error_clear();
        return 0;
    }
    for (i = 0; rc == 0 && i < count; i++) {
        if (!has_repo_suffix(names[i]))
            continue;
        if (++used > MAX_REPO_FILES) {
            rc =
                copa__error_set(COPA_EINVALID, "%s: more than %d .repo files", dir, MAX_REPO_FILES);
            break;
        }
        if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >= (int)sizeof(path))
            continue;
        rc = parse_file(conf, vars, files, path, 0, &found);
    }
    copa__image_files_free_names(names, count);
    return rc;
}

static const char *const dnf_reposdirs[] = {"/etc/yum.repos.d", "/etc/yum/repos.d",
                                            "/etc/distro.repos.d"};
static const char *const yum_reposdirs[] = {"/etc/yum.repos.d", "/etc/yum/repos.d"};
static const char *const tdnf_reposdirs[] = {"/etc/yum.repos.d"};

static int read_repo_dirs(copa__rpm_conf *conf, const copa__rpm_vars *vars,
                          const copa__image_files *files)
{
    const char *const *dirs;
    size_t n, i;
    int rc = 0;

    if (conf->reposdirs.count > 0) {
        dirs = conf->reposdirs.items;
        n = conf->reposdirs.count;
    } else if (conf->flavor == COPA_RPM_FLAVOR_TDNF) {
        dirs = tdnf_reposdirs, n = 1;
    } else if (conf->flavor == COPA_RPM_FLAVOR_YUM) {
        dirs = yum_reposdirs, n = 2;
    } else {
        dirs = dnf_reposdirs, n = 3;
    }
    for (i = 0; rc == 0 && i < n; i++) {
        if (dirs[i][0] != '/') {
            rc = copa__error_set(COPA_EINVALID, "%s: reposdir %s is not an absolute path",
                                 conf->main_file != NULL ? conf->main_file : "config", dirs[i]);
            break;
        }
        rc = read_repo_dir(conf, vars, files, dirs[i]);
    }
    return rc;
}

int copa__rpm_conf_read(copa__rpm_conf **out, const copa__image_files *files,
                        const copa__rpm_conf_options *options)
{
    copa__rpm_conf *conf = NULL;
    copa__rpm_flavor flavor = options->flavor;
    const char *main_file = NULL;
    var_table *vars_table;
    copa__rpm_vars vars;
    int rc, found = 0;

    *out = NULL;
    if (options->releasever == NULL || options->basearch == NULL)
        return copa__error_set(COPA_EINVALID, "repository configuration: releasever and "
                                              "basearch are required");
    if (flavor == COPA_RPM_FLAVOR_AUTO)
        flavor = detect_flavor(files, &main_file);
    else
        main_file = main_file_of(flavor);
    if ((rc = copa__rpm_conf_new(&conf, flavor)) != 0)
        return rc;
    vars_table = calloc(1, sizeof(*vars_table));
    if (vars_table == NULL) {
        copa__rpm_conf_free(conf);
        return copa__error_oom();
    }
    rc = build_vars(vars_table, conf, files, options);
    vars.names = vars_table->names;
    vars.values = vars_table->values;
    vars.count = vars_table->count;
    if (rc == 0 && main_file != NULL) {
        rc = parse_file(conf, &vars, files, main_file, 1, &found);
        conf->main_file = found ? main_file : NULL;
    }
    if (rc == 0)
        rc = read_repo_dirs(conf, &vars, files);
    free(vars_table);
    if (rc != 0) {
        copa__rpm_conf_free(conf);
        return rc;
    }
    *out = conf;
    return 0;
}
