/*
 * An APT Release file (the signed text of InRelease, or Release): metadata,
 * expiry, and the SHA256 table that anchors every index download.
 */
#ifndef COPA_LIB_REPO_RELEASE_H
#define COPA_LIB_REPO_RELEASE_H

#include "util/arena.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef struct copa__apt_release_file {
    const char *path;   /* relative to the Release file's directory */
    const char *sha256; /* 64 lowercase hex digits */
    uint64_t size;
} copa__apt_release_file;

typedef struct copa__apt_release {
    const char *name; /* repository name for messages (arena copy) */
    const char *origin, *label, *suite, *codename, *version;
    const char *date_text, *valid_until_text; /* as written, or NULL */
    time_t date, valid_until;                 /* 0 when absent */
    const char **architectures;
    size_t architecture_count;
    const char **components;
    size_t component_count;
    int acquire_by_hash;
    int no_support_arch_all;       /* No-Support-for-Architecture-all: Packages */
    int not_automatic;             /* NotAutomatic: yes (experimental, backports) */
    int but_automatic_upgrades;    /* ButAutomaticUpgrades: yes (backports) */
    copa__apt_release_file *files; /* the SHA256 table, in file order */
    size_t file_count;
    copa__arena arena;
} copa__apt_release;

/*
 * Parse the Release text (one stanza). `name` names the repository in
 * messages (e.g. "http://deb.example/debian bookworm"). Dates are parsed but
 * not checked; see copa__apt_release_check_date. Returns 0, COPA_EINVALID
 * ("NAME:LINE: ...") or COPA_ENOMEM; on failure `rel` is already freed.
 */
int copa__apt_release_parse(copa__apt_release *rel, const char *name, const char *text, size_t len);

void copa__apt_release_free(copa__apt_release *rel);

/*
 * COPA_EVERIFY naming the repository when Valid-Until is before `now`
 * (seconds since the epoch, passed in so that tests are deterministic).
 */
int copa__apt_release_check_date(const copa__apt_release *rel, time_t now);

/* apt's margin for a Release Date ahead of the local clock (Acquire::Max-FutureTime). */
#define COPA__APT_MAX_FUTURE_SECONDS 10L

/*
 * COPA_EVERIFY naming the repository when Date is more than `max_future`
 * seconds after `now` (apt: "Release file ... is not valid yet"). A Release
 * without Date passes.
 */
int copa__apt_release_check_not_future(const copa__apt_release *rel, time_t now, long max_future);

/*
 * Whether the Release belongs to the sources entry's (non-flat) `suite`, as
 * apt decides it: Suite or Codename equals `suite`, or `suite` without its
 * last "/part". 1 or 0.
 */
int copa__apt_release_names_suite(const copa__apt_release *rel, const char *suite);

/* Whether Release component `listed` names `component` ("updates/main" names "main"). */
int copa__apt_release_component_matches(const char *listed, const char *component);

/*
 * Whether the repository publishes a binary-all Packages index: its
 * Architectures list "all" and it does not say
 * No-Support-for-Architecture-all: Packages.
 */
int copa__apt_release_has_all_index(const copa__apt_release *rel);

/* The SHA256 entry for `path`, or NULL. */
const copa__apt_release_file *copa__apt_release_find(const copa__apt_release *rel,
                                                     const char *path);

/*
 * The best Packages index for `component`/`arch`: Packages.xz, else
 * Packages.gz, else Packages. `component` NULL means a flat repository
 * (paths "Packages*" next to the Release file). COPA_ENOTFOUND naming the
 * repository when the component is not listed or no variant exists.
 */
int copa__apt_release_packages(const copa__apt_release_file **out, const copa__apt_release *rel,
                               const char *component, const char *arch);

/*
 * The by-hash path of `file` ("main/binary-amd64/by-hash/SHA256/<hash>"),
 * malloc'd into `*out`. Callers use it only when rel->acquire_by_hash.
 */
int copa__apt_release_by_hash_path(char **out, const copa__apt_release_file *file);

/* Parse an RFC 2822 date as apt writes it ("Sat, 10 Jun 2023 09:00:00 UTC"). */
int copa__apt_parse_date(time_t *out, const char *text);

#endif
