/*
 * APT preferences (pinning): /etc/apt/preferences and preferences.d/ of the
 * image, and the pin priority apt gives each package version. The rules
 * follow apt 2.6 (apt-pkg/policy.cc, versionmatch.cc) rather than only
 * apt_preferences(5), where the two differ; docs/apt.md ("Preferences")
 * lists them, and tests/unit/apt/test_preferences_differential.c checks
 * them against `apt-cache policy`.
 */
#ifndef COPA_LIB_APT_PREFERENCES_H
#define COPA_LIB_APT_PREFERENCES_H

#include "apt/apt.h"
#include "util/image_files.h"

#include <regex.h>
#include <stddef.h>

/* apt's default priorities. */
#define COPA__APT_PRIO_DEFAULT 500
#define COPA__APT_PRIO_INSTALLED 100   /* also NotAutomatic + ButAutomaticUpgrades */
#define COPA__APT_PRIO_NOT_AUTOMATIC 1 /* NotAutomatic alone (experimental) */
#define COPA__APT_PRIO_NEVER (-32768)  /* "Pin-Priority: never" */

/* A string pattern as apt matches it: /regex/ (extended, case-insensitive,
 * unanchored) or a glob (fnmatch, case-insensitive). */
typedef struct copa__apt_expr {
    char *text; /* NULL: the condition is absent */
    int is_regex;
    int regex_ok; /* compiled; an invalid regex matches nothing, as in apt */
    regex_t re;
} copa__apt_expr;

typedef enum copa__apt_pin_type {
    COPA__PIN_VERSION = 1,
    COPA__PIN_RELEASE,
    COPA__PIN_ORIGIN
} copa__apt_pin_type;

/* One parsed Pin: value (apt's pkgVersionMatch). */
typedef struct copa__apt_pin_match {
    copa__apt_pin_type type;
    int match_all; /* "release *" */
    int none;      /* "release" with too many ',' conditions: matches nothing */
    /* version: ver (trailing '*' cut, ver_prefix set); release: v= */
    copa__apt_expr ver;
    int ver_prefix;
    copa__apt_expr origin, archive, codename, release, label, component, arch; /* o a n - l c b */
    copa__apt_expr site;                                                       /* origin HOST */
} copa__apt_pin_match;

/* One package token of a record (a record with "Package: a b" makes two). */
typedef struct copa__apt_pin {
    copa__apt_expr name;        /* package (or source) name or pattern; text NULL: Package: * */
    int pattern;                /* glob or /regex/: matched, else compared */
    int source;                 /* "src:NAME" */
    char *arch;                 /* ":ARCH" qualifier, NULL: the native architecture */
    copa__apt_pin_match *match; /* shared by the tokens of one record */
    int priority;
    const char *file; /* in copa__apt_prefs.files */
    size_t line;      /* the record's first line */
} copa__apt_pin;

typedef struct copa__apt_prefs {
    copa__apt_pin *specific; /* Package: names, in file order: the first match wins */
    size_t specific_count;
    copa__apt_pin *generic; /* Package: *, in file order: first match per Release wins */
    size_t generic_count;
    copa__apt_pin_match **matches; /* owned Pin values */
    size_t match_count;
    char **files; /* file names read, in order */
    size_t file_count;
    size_t ignored; /* records apt ignores too (no Pin:, unknown pin type) */
    char *native_arch;
} copa__apt_prefs;

/* An empty set (every priority the default) for an image of `native_arch`. */
int copa__apt_prefs_init(copa__apt_prefs *p, const char *native_arch);
void copa__apt_prefs_free(copa__apt_prefs *p);

/*
 * Parse one preferences file's text and append its records. `file` names
 * it in messages ("FILE:LINE: ..."). COPA_EINVALID where apt refuses the
 * file (no Package field, priority missing, zero or out of range, "never"
 * on a specific record, malformed stanza), COPA_ENOMEM.
 */
int copa__apt_prefs_parse(copa__apt_prefs *p, const char *file, const char *text, size_t len);

/* Whether apt reads preferences.d/`name` (no extension or ".pref", [A-Za-z0-9_.:-]). */
int copa__apt_prefs_file_name_ok(const char *name);

/*
 * Read the image's /etc/apt/preferences, then /etc/apt/preferences.d/
 * (sorted, apt's file-name rules; directories and dangling links skipped).
 * Missing files are no error. `p` is always initialized; free it.
 */
int copa__apt_prefs_load(copa__apt_prefs *p, const copa__image_files *fs, const char *native_arch);

/* What a pin can match about an index file (apt's package file + Release). */
typedef struct copa__apt_prefs_file {
    const char *origin, *label, *archive, *codename, *version; /* Release; NULL: absent */
    const char *component; /* the sources.list component; NULL for a flat repository */
    const char *arch;      /* the index's architecture */
    const char *site;      /* host of the source URI as written in the image, "" for file: */
    int not_automatic, but_automatic_upgrades;
    int status; /* dpkg's status file: installed versions (archive/component "now") */
} copa__apt_prefs_file;

/* The file description of a candidate; `site` is a buffer of `site_size` bytes for the host. */
void copa__apt_prefs_file_of(copa__apt_prefs_file *out, const copa__apt_candidate *c, char *site,
                             size_t site_size);

/* The file's priority: its default (500, 100, 1; status 100), then the first matching
 * generic record (a "never" record overrides). */
int copa__apt_prefs_file_priority(const copa__apt_prefs *p, const copa__apt_prefs_file *f);

/* A package version and every index that offers it (apt's version + its file list). */
typedef struct copa__apt_prefs_version {
    const char *name, *arch, *source, *version; /* source NULL: the name */
    const copa__apt_prefs_file *files;
    size_t file_count;
    int installed; /* the installed version (list a `status` file in `files` for it) */
} copa__apt_prefs_version;

/*
 * apt's priority of a version: the first specific record matching it (unless
 * every file offering it is pinned "never"), else the highest priority of
 * its files; 0 when no file offers it.
 */
int copa__apt_prefs_version_priority(const copa__apt_prefs *p, const copa__apt_prefs_version *v);

/*
 * The priority of one candidate (repository + package), as apt-cache policy
 * shows it when only that repository offers the version. When several
 * repositories offer the same version, apt gives it the highest of their
 * priorities: use copa__apt_prefs_candidates_priority.
 */
int copa__apt_prefs_priority(const copa__apt_prefs *p, const copa__apt_repo *repo,
                             const copa__apt_package *pkg);

/*
 * The priority of one version offered by `n` candidates (same name and
 * version) into *out. `inst` is the installed package when this version is
 * the installed one (dpkg's status file offers it too), else NULL; n may be
 * 0 then. 0 or COPA_ENOMEM.
 */
int copa__apt_prefs_candidates_priority(int *out, const copa__apt_prefs *p,
                                        const copa__apt_candidate *c, size_t n,
                                        const copa__apt_package *inst);

/* apt's ExpressionMatches: glob or /regex/ of `e` against `s` (NULL never matches). */
int copa__apt_expr_match(const copa__apt_expr *e, const char *s);

/* --- internal to the preferences files --- */
int copa__apt_expr_init(copa__apt_expr *e, const char *text, size_t len);
void copa__apt_expr_free(copa__apt_expr *e);
/* Parse a Pin: value after its type word (apt's pkgVersionMatch constructor). */
int copa__apt_pin_match_parse(copa__apt_pin_match *m, copa__apt_pin_type type, const char *data);
void copa__apt_pin_match_free(copa__apt_pin_match *m);
/* Whether a release/origin pin matches an index file (apt's FileMatch). */
int copa__apt_pin_file_matches(const copa__apt_pin_match *m, const copa__apt_prefs_file *f);
/* Whether a pin matches a version: its version text, or any file offering it. */
int copa__apt_pin_version_matches(const copa__apt_pin_match *m, const copa__apt_prefs_version *v);

#endif
