/*
 * The resolver's working state (private to lib/resolve): one slot per
 * package instance (name + architecture) with its installed version, its
 * policy candidate and the version the plan currently intends; an undo log
 * so that a request whose closure fails leaves no trace; a work list of
 * slots whose intended version changed and must be checked.
 */
#ifndef COPA_LIB_RESOLVE_STATE_H
#define COPA_LIB_RESOLVE_STATE_H

#include "resolve/resolve.h"

#define RS_NONE ((size_t)-1)

typedef struct copa__rs_slot {
    const char *name;
    const char *arch; /* architecture key: "all" counts as the native one */
    const copa__rs_pkg *inst;
    const copa__rs_pkg *cand; /* policy candidate, newer than inst; NULL: none */
    const copa__rs_pkg *cur;  /* intended: inst, cand, or NULL (absent) */
    size_t req;               /* 1 + index of the request naming it, or 0 */
    int root;                 /* moved for its own sake (report or update-all) */
    copa__rs_why why;
    size_t by;                  /* the slot that pulled it, or RS_NONE */
    const copa__apt_dep *rel;   /* the relation involved, or NULL */
    const char *rel_field;      /* "Depends", "Breaks", ... */
    const copa__rs_pkg *rel_of; /* the package that states rel */
    size_t next;                /* 1 + index of the next slot with this name, or 0 */
} copa__rs_slot;

typedef struct copa__rs_provide {
    const char *name; /* the provided name */
    const copa__rs_pkg *pkg;
    const copa__apt_dep *dep; /* name and optional (= version) */
} copa__rs_provide;

typedef struct copa__rs_state {
    const copa__rs_world *w;
    copa__rs_slot *slots;
    size_t nslots, slots_cap;
    size_t *hash; /* 1 + index of the first slot of a name, open addressing */
    size_t hash_cap;
    const copa__rs_pkg **cands; /* candidates sorted by name */
    size_t ncands;
    copa__rs_provide *provs; /* installed and candidate Provides, sorted by name */
    size_t nprovs;
    copa__rs_slot *undo; /* saved slots; undo_idx says which */
    size_t *undo_idx;
    size_t nundo, undo_cap;
    size_t *work;
    size_t nwork, work_cap;
    /* The first problem met while closing the current root. */
    int failed;
    copa__rs_cause fail_cause;
    size_t fail_slot; /* slot whose move failed, or RS_NONE */
    const char *fail_best;
    char fail_culprit[256];
    char fail_text[1024];
} copa__rs_state;

int copa__rs_state_init(copa__rs_state *s, const copa__rs_world *w);
void copa__rs_state_free(copa__rs_state *s);

/* Compare versions in the world's format (versions were checked on input). */
int copa__rs_vcmp(const copa__rs_state *s, const char *a, const char *b);

/* "all" → the native architecture. */
const char *copa__rs_arch_key(const copa__rs_state *s, const char *arch);

/* First slot called `name`, or RS_NONE; follow slot.next. */
size_t copa__rs_find(const copa__rs_state *s, const char *name);

/* The slot of name + arch key, created (absent, no candidate) when missing. */
int copa__rs_slot_get(copa__rs_state *s, size_t *out, const char *name, const char *arch_key);

/* Candidates called `name`: first index in s->cands and count. */
size_t copa__rs_cands_of(const copa__rs_state *s, const char *name, size_t *count);

/* Providers of `name`: first index in s->provs and count. */
size_t copa__rs_provs_of(const copa__rs_state *s, const char *name, size_t *count);

/* apt's policy: highest priority, then highest version, for name + arch key. */
const copa__rs_pkg *copa__rs_policy(const copa__rs_state *s, const char *name,
                                    const char *arch_key);

/* Move slot `i` to `pkg` (logged for undo) and queue it for checking. */
int copa__rs_set(copa__rs_state *s, size_t i, const copa__rs_pkg *pkg, copa__rs_why why, size_t by,
                 const char *field, const copa__rs_pkg *of, const copa__apt_dep *rel);

/* Undo every change logged after `mark` (a previous s->nundo). */
void copa__rs_rollback(copa__rs_state *s, size_t mark);

/* Record the first problem of the current closure; returns COPA_EUNSATISFIABLE. */
int copa__rs_fail(copa__rs_state *s, copa__rs_cause cause, size_t slot, const char *best,
                  const char *culprit, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* --- match.c --- */

/* Relation text "name[:arch] (rel version)" into buf. */
const char *copa__rs_dep_str(char *buf, size_t size, const copa__apt_dep *d);

/* "name" or "name:arch" (foreign architectures only) into buf. */
const char *copa__rs_pkg_str(const copa__rs_state *s, char *buf, size_t size,
                             const copa__rs_pkg *p);

/*
 * Whether package `p` satisfies relation `d` stated by package `by`, as a
 * real package or through its Provides. `conflict`: Breaks/Conflicts
 * semantics (an unqualified name matches every architecture).
 */
int copa__rs_matches(const copa__rs_state *s, const copa__rs_pkg *p, const copa__apt_dep *d,
                     const copa__rs_pkg *by, int conflict);

/* Whether the intended state satisfies one alternative / a whole OR-group. */
int copa__rs_alt_ok(const copa__rs_state *s, const copa__apt_dep *d, const copa__rs_pkg *by);
int copa__rs_group_ok(const copa__rs_state *s, const copa__apt_dep_group *g,
                      const copa__rs_pkg *by);

/* --- closure.c --- */

/* Check queued slots until the work list is empty or a problem is met. */
int copa__rs_close(copa__rs_state *s);

/* --- resolve.c --- */

/* Run the roots: report requests in `order` (request indexes sorted by name)
 * or, in update-all mode, the installed slots in `order` (sorted by name and
 * arch). Problems are malloc'd arrays, strings in plan->arena. */
int copa__rs_run(copa__rs_plan *plan, copa__rs_problem **fails, size_t *nfails,
                 copa__rs_problem **kept, size_t *nkept, copa__rs_state *s,
                 const copa__rs_request *reqs, size_t nreqs, const size_t *order, size_t norder);

#endif
