/*
 * An image's yum/dnf/tdnf repository configuration: the main section of
 * /etc/dnf/dnf.conf, /etc/yum.conf or /etc/tdnf/tdnf.conf and the *.repo
 * files of its repository directories, with variables ($releasever,
 * $basearch, /etc/dnf/vars/...) expanded. docs/rpm-repos.md lists the
 * options, the defaults of each tool and what is refused.
 */
#ifndef COPA_LIB_RPMREPO_REPO_CONF_H
#define COPA_LIB_RPMREPO_REPO_CONF_H

#include "util/arena.h"
#include "util/image_files.h"

#include <stddef.h>

/* Which tool's defaults apply: they differ (tdnf: gpgcheck=1, enabled=0). */
typedef enum copa__rpm_flavor {
    COPA_RPM_FLAVOR_AUTO = 0, /* detect from the configuration files present */
    COPA_RPM_FLAVOR_DNF,      /* /etc/dnf/dnf.conf (Fedora, EL8+, Amazon Linux 2023) */
    COPA_RPM_FLAVOR_YUM,      /* /etc/yum.conf only */
    COPA_RPM_FLAVOR_TDNF      /* /etc/tdnf/tdnf.conf (CBL-Mariner, Azure Linux) */
} copa__rpm_flavor;

/* A list option (baseurl, gpgkey, excludepkgs, ...): arena strings. */
typedef struct copa__rpm_list {
    const char **items;
    size_t count;
} copa__rpm_list;

typedef struct copa__rpm_repo {
    const char *id;   /* the section name */
    const char *name; /* name=, else the id */
    copa__rpm_list baseurls;
    const char *metalink;   /* NULL when not set */
    const char *mirrorlist; /* NULL when not set */
    int enabled;
    int gpgcheck;
    int repo_gpgcheck;
    int skip_if_unavailable;
    int module_hotfixes;
    int priority;
    copa__rpm_list gpgkey_paths; /* file:// keys as absolute paths in the image */
    copa__rpm_list gpgkey_urls;  /* other key URLs: never fetched, noted */
    copa__rpm_list includepkgs;
    copa__rpm_list excludepkgs; /* the repo's own; main_excludepkgs apply too */
    const char *file;           /* the .repo file */
    unsigned line;              /* of the [section] header */
} copa__rpm_repo;

typedef struct copa__rpm_conf {
    copa__rpm_flavor flavor;
    const char *main_file; /* the main configuration read, or NULL */
    /* What a repository section starts from: the flavor's defaults, changed
     * by the [main] section where the tool inherits them (dnf, yum). */
    copa__rpm_repo defaults;
    copa__rpm_list main_excludepkgs; /* [main] excludepkgs/exclude: every repository */
    copa__rpm_list reposdirs;        /* [main] reposdir/repodir, else the default */
    copa__rpm_repo *repos;           /* in file name order, then file order */
    size_t repo_count;
    const char **notes; /* what was ignored and why, one line each */
    size_t note_count;
    copa__arena arena;
} copa__rpm_conf;

typedef struct copa__rpm_conf_options {
    copa__rpm_flavor flavor;
    const char *releasever; /* required: from the release package or os-release */
    const char *basearch;   /* required: x86_64, aarch64, ... */
    const char *arch;       /* NULL: the same as basearch */
} copa__rpm_conf_options;

/*
 * Read the configuration of the image seen through `files`. An image
 * without any of the configuration files and repository directories has
 * no repositories (0, repo_count 0). COPA_EINVALID for malformed input,
 * naming file and line; COPA_ENOMEM.
 */
int copa__rpm_conf_read(copa__rpm_conf **out, const copa__image_files *files,
                        const copa__rpm_conf_options *options);

void copa__rpm_conf_free(copa__rpm_conf *conf);

/* The repository with id `id`, or NULL. */
const copa__rpm_repo *copa__rpm_conf_find(const copa__rpm_conf *conf, const char *id);

/* ---- pieces, also used by the tests and the fuzzer ---- */

/* Variables for expansion: names and values (arena strings). */
typedef struct copa__rpm_vars {
    const char *const *names;
    const char *const *values;
    size_t count;
} copa__rpm_vars;

/*
 * Expand $name, ${name}, ${name:-default} and ${name:+alternative} in
 * `text` as dnf does: unknown names stay as written, a result is not
 * expanded again. `where` names file and line for messages.
 * COPA_EINVALID when the result exceeds the length cap.
 */
int copa__rpm_vars_expand(char **out, copa__arena *arena, const copa__rpm_vars *vars,
                          const char *text, const char *where);

/*
 * Parse one configuration file's text into `conf` (tests and the fuzzer
 * use it directly; copa__rpm_conf_read calls it for each file). `is_main`:
 * the file is the tool's main configuration, whose [main] section sets the
 * defaults; the defaults must be set before the .repo files are parsed.
 */
int copa__rpm_conf_parse(copa__rpm_conf *conf, const copa__rpm_vars *vars, const char *path,
                         const char *text, size_t length, int is_main);

/* An empty configuration with the flavor's defaults. */
int copa__rpm_conf_new(copa__rpm_conf **out, copa__rpm_flavor flavor);

#endif
