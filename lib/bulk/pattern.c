/*
 * Tag patterns. Copacetic compiles `pattern` with Go's regexp (RE2
 * syntax); we use POSIX extended regular expressions (regcomp with
 * REG_EXTENDED, unanchored search like Go's MatchString). The common RE2
 * shorthand \d is rewritten to [0-9] (glibc would read it as a literal
 * 'd' and silently match nothing); RE2-only constructs that POSIX lacks
 * or reads differently are refused with a message instead of being
 * misread: groups with flags or names "(?", lazy quantifiers "*?" "+?"
 * "??" "}?", and the classes \D \pX \PX. Backreferences (\1..\9, which
 * RE2 does not have) and counted repetitions whose nested counts multiply
 * beyond 1000 (RE2's limit) are refused too: glibc matches the first in
 * exponential time and compiles the second into its full expansion.
 */
#include "bulk/config.h"
#include "util/buffer.h"
#include "util/error.h"
#include "util/regex_cost.h"

#include <stdlib.h>
#include <string.h>

enum { REPEAT_MAX = 1000, GROUP_DEPTH_MAX = 100 };

/*
 * How much counted repetition multiplies: weight[d] is the largest product
 * of counts inside the group open at depth d; `atom` is the product of the
 * atom just read (a group's is its inner weight), which a following {m,n}
 * multiplies again.
 */
typedef struct repeats {
    unsigned long weight[GROUP_DEPTH_MAX + 1];
    unsigned long atom;
    int depth;
    int in_count; /* inside "{m,n}", whose characters are no atoms */
} repeats;

/* Valid POSIX, but costly in glibc and refused by Go's regexp. */
static int refuse_costly(const char *pattern, const char *what)
{
    return copa__error_set(COPA_EINVALID,
                           "'%s': %s: Go's regexp refuses it, and glibc's would take very long",
                           pattern, what);
}

static int refuse(const char *pattern, const char *what)
{
    return copa__error_set(COPA_EINVALID,
                           "'%s': %s is Go regexp syntax that POSIX extended regular "
                           "expressions do not have",
                           pattern, what);
}

static void atom_read(repeats *r, unsigned long weight)
{
    r->atom = weight;
    if (r->weight[r->depth] < weight)
        r->weight[r->depth] = weight;
}

/*
 * Track the structure at `p` (outside brackets): groups, and "{m}", "{m,}"
 * or "{m,n}" after an atom; 0, or refuse.
 */
static int track_repeats(repeats *r, const char *pattern, const char *p)
{
    unsigned long count = 0, highest = 0;

    if (r->in_count) {
        r->in_count = *p != '}';
    } else if (*p == '(') {
        if (r->depth == GROUP_DEPTH_MAX)
            return refuse_costly(pattern, "more than 100 nested groups");
        r->weight[++r->depth] = 1;
        r->atom = 1;
    } else if (*p == ')' && r->depth > 0) {
        atom_read(r, r->weight[r->depth--]);
    } else if (*p == '{' && p[1] >= '0' && p[1] <= '9') {
        r->in_count = 1;
        for (p++; *p != '}' && *p != '\0'; p++) {
            if (*p == ',') {
                count = 0;
                continue;
            }
            if (*p < '0' || *p > '9') { /* no repetition: regcomp judges it */
                r->in_count = 0;
                atom_read(r, 1);
                return 0;
            }
            if ((count = count * 10 + (unsigned long)(*p - '0')) > REPEAT_MAX)
                return refuse_costly(pattern, "a repeat count above 1000");
            if (count > highest)
                highest = count;
        }
        if (r->atom * (highest ? highest : 1) > REPEAT_MAX)
            return refuse_costly(pattern, "repetitions nested to more than 1000 copies");
        atom_read(r, r->atom * (highest ? highest : 1));
    } else if (strchr("*+?", *p) == NULL) {
        atom_read(r, 1);
    }
    return 0;
}

/* Rewrite `pattern` into POSIX ERE in `out`, or refuse it. */
static int translate(copa__buf *out, const char *pattern)
{
    repeats r = {{1}, 1, 0, 0};
    int in_bracket = 0, rc = 0;
    const char *p;

    for (p = pattern; rc == 0 && *p != '\0'; p++) {
        if (in_bracket) {
            /* "[:digit:]" and friends end with ":]", not the first ']' */
            if (p[0] == '[' && p[1] == ':') {
                const char *end = strstr(p + 2, ":]");
                size_t n = end != NULL ? (size_t)(end + 2 - p) : 1;

                rc = copa__buf_append(out, p, n);
                p += n - 1;
                continue;
            }
            if (p[0] == '\\' && p[1] == 'd') {
                rc = copa__buf_append_str(out, "0-9");
                in_bracket = 2;
                p++;
                continue;
            }
            if (*p == ']' && in_bracket > 1)
                in_bracket = 0;
            else if (in_bracket == 1 && *p == '^')
                ; /* "[^": a ']' right after still belongs to the set */
            else
                in_bracket = 2;
            rc = copa__buf_append(out, p, 1);
            continue;
        }
        if (p[0] == '\\' && p[1] != '\0') {
            atom_read(&r, 1);
            if (p[1] >= '1' && p[1] <= '9')
                return refuse_costly(pattern, "a backreference");
            if (p[1] == 'd')
                rc = copa__buf_append_str(out, "[0-9]");
            else if (p[1] == 'D' || p[1] == 'p' || p[1] == 'P')
                return refuse(pattern, p[1] == 'D' ? "\\D" : "\\p/\\P");
            else
                rc = copa__buf_append(out, p, 2);
            p++;
            continue;
        }
        if (p[0] == '(' && p[1] == '?')
            return refuse(pattern, "\"(?\"");
        if (strchr("*+?}", p[0]) != NULL && p[1] == '?')
            return refuse(pattern, "a lazy quantifier");
        if (p[0] == '[') {
            in_bracket = 1;
            atom_read(&r, 1);
        } else if ((rc = track_repeats(&r, pattern, p)) != 0) {
            return rc;
        }
        rc = copa__buf_append(out, p, 1);
    }
    return rc != 0 ? copa__error_oom() : 0;
}

int copa__bulk_pattern_compile(regex_t *out, const char *pattern)
{
    copa__buf ere = COPA__BUF_INIT;
    char message[256];
    int rc;

    if ((rc = translate(&ere, pattern)) != 0 || (rc = copa__buf_append(&ere, "", 0)) != 0) {
        copa__buf_free(&ere);
        return rc < 0 ? rc : copa__error_oom();
    }
    /* '+' doubles what it repeats in glibc ("b++++..." grows as 2^n), which
     * the counted-repetition check above does not see. */
    if (ere.data != NULL && !copa__regex_cost_ok(ere.data, REPEAT_MAX)) {
        copa__buf_free(&ere);
        return refuse_costly(pattern, "repetitions nested to more than 1000 copies");
    }
    rc = regcomp(out, ere.data != NULL ? ere.data : "", REG_EXTENDED | REG_NOSUB);
    copa__buf_free(&ere);
    if (rc != 0) {
        regerror(rc, out, message, sizeof(message));
        return copa__error_set(COPA_EINVALID, "'%s': invalid regular expression: %s", pattern,
                               message);
    }
    return 0;
}
