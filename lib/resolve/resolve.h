/*
 * The upgrade resolver: installed set + candidate set + requests → a plan.
 *
 * Report mode: each requested package (every installed architecture of it)
 * must reach its policy candidate, and that candidate must be >= the fixed
 * version. Update-all mode: every installed package with a newer candidate.
 * The closure follows Pre-Depends/Depends (versions, alternatives, arch
 * qualifiers, Provides), Multi-Arch: same siblings, strict dependencies of
 * installed packages (lock-step sources), Breaks and Conflicts. Packages only
 * ever move to their policy candidate; nothing is removed or downgraded.
 * See docs/resolver.md.
 */
#ifndef COPA_LIB_RESOLVE_RESOLVE_H
#define COPA_LIB_RESOLVE_RESOLVE_H

#include "resolve/world.h"

/* One report entry: `name` must reach >= `fixed_version` because of `ids`. */
typedef struct copa__rs_request {
    const char *name;
    const char *fixed_version;
    const char *const *ids; /* vulnerability IDs (borrowed) */
    size_t nids;
} copa__rs_request;

struct copa_report;

/*
 * The OS package updates of a normalized report as requests (malloc'd
 * array, free() it; strings borrowed from the report, which must outlive
 * them). Returns 0, COPA_EINVALID for a NULL report, COPA_ENOMEM.
 */
int copa__rs_requests_from_report(copa__rs_request **out, size_t *count,
                                  const struct copa_report *report);

typedef enum copa__rs_action { COPA__RS_UPGRADE = 0, COPA__RS_NEW } copa__rs_action;

/* Why a package is in the plan. */
typedef enum copa__rs_why {
    COPA__RS_WHY_REPORT = 0, /* requested by the report (ids) */
    COPA__RS_WHY_UPDATE_ALL, /* update-all mode */
    COPA__RS_WHY_DEPENDS,    /* `by`'s Depends/Pre-Depends `rel` needs it */
    COPA__RS_WHY_REVDEP,     /* its own dependency `rel` on `by` broke */
    COPA__RS_WHY_SIBLING,    /* Multi-Arch: same instance of `by` */
    COPA__RS_WHY_BREAKS,     /* `by` Breaks/Conflicts its installed version */
    COPA__RS_WHY_REVBREAKS,  /* its installed version Breaks/Conflicts `by` */
    COPA__RS_WHY_SOURCE      /* built from the same source version as `by` */
} copa__rs_why;

typedef struct copa__rs_step {
    const char *name;
    const char *arch;
    const char *from; /* installed version; NULL for a new package */
    const char *to;
    copa__rs_action action;
    copa__rs_why why;
    const char *why_text; /* "CVE-1, CVE-2", "update-all", "needed by X (...)" */
    const char *const *ids;
    size_t nids;
    const copa__rs_pkg *pkg; /* the candidate: size, sha256, url, repo, scripts */
} copa__rs_step;

/* Why a package cannot reach what was asked. */
typedef enum copa__rs_cause {
    COPA__RS_NOT_INSTALLED = 0, /* the report names a package that is not installed */
    COPA__RS_NOT_IN_SOURCES,    /* no version of it in the sources */
    COPA__RS_TOO_OLD,           /* the best available is below the fixed version */
    COPA__RS_HELD,              /* it (or a package it needs to move) is held */
    COPA__RS_CONFLICT,          /* Breaks/Conflicts with a package that cannot move */
    COPA__RS_DEPENDENCY,        /* a dependency cannot be satisfied */
    COPA__RS_SIBLING            /* a Multi-Arch: same instance cannot follow */
} copa__rs_cause;

typedef struct copa__rs_problem {
    const char *name;
    const char *arch;      /* NULL when not installed */
    const char *installed; /* NULL when not installed */
    const char *required;  /* ">= 1.2" (report) or the candidate's version (update-all) */
    const char *best;      /* the best available version, NULL when none */
    copa__rs_cause cause;
    const char *culprit; /* the other package involved ("name" or "name:arch"), or NULL */
    const char *message; /* one sentence: which package, what, best version, why */
    const char *const *ids;
    size_t nids;
} copa__rs_problem;

typedef struct copa__rs_plan {
    copa__rs_step *steps; /* upgrades and new packages, sorted by name then arch */
    size_t nsteps;
    copa__rs_problem *failures; /* report mode: fixes that cannot be made (sorted) */
    size_t nfailures;
    copa__rs_problem *kept; /* held or kept back, not failures (sorted) */
    size_t nkept;
    uint64_t download_size;
    int update_all;
    copa__arena arena; /* the plan's own strings */
} copa__rs_plan;

/*
 * Resolve. With update_all == 0 the `nreqs` requests are the report; with
 * update_all != 0 they must be empty. The plan borrows package strings from
 * `w` (free the plan first) and is filled even when some fixes fail.
 * Returns 0 when every request can be met (update-all: always, kept-back
 * packages are listed), COPA_EUNSATISFIABLE with the first failure's message
 * when some cannot (the plan lists them all), COPA_EINVALID for bad
 * arguments or request versions, COPA_ENOMEM.
 */
int copa__resolve(copa__rs_plan *out, const copa__rs_world *w, const copa__rs_request *reqs,
                  size_t nreqs, int update_all);

void copa__rs_plan_free(copa__rs_plan *plan);

/* "not-installed", "not-in-sources", "too-old", "held", "conflict", ... */
const char *copa__rs_cause_name(copa__rs_cause cause);

/* The plan as a plain-text table (NUL-terminated, malloc'd). */
int copa__rs_plan_render_text(char **out, const copa__rs_plan *plan);

/* The plan as JSON (NUL-terminated, malloc'd; free with free()). */
int copa__rs_plan_render_json(char **out, const copa__rs_plan *plan);

#endif
