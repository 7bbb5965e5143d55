/*
 * Tag patterns. Copacetic compiles `pattern` with Go's regexp (RE2
 * syntax); we use POSIX extended regular expressions (regcomp with
 * REG_EXTENDED, unanchored search like Go's MatchString). The common RE2
 * shorthand \d is rewritten to [0-9] (glibc would read it as a literal
 * 'd' and silently match nothing); RE2-only constructs that POSIX lacks
 * or reads differently are refused with a message instead of being
 * misread: groups with flags or names "(?", lazy quantifiers "*?" "+?"
 * "??" "}?", and the classes \D \pX \PX.
 */
#include "bulk/config.h"
#include "util/buffer.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static int refuse(const char *pattern, const char *what)
{
    return copa__error_set(COPA_EINVALID,
                           "'%s': %s is Go regexp syntax that POSIX extended regular "
                           "expressions do not have",
                           pattern, what);
}

/* Rewrite `pattern` into POSIX ERE in `out`, or refuse it. */
static int translate(copa__buf *out, const char *pattern)
{
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
        if (p[0] == '[')
            in_bracket = 1;
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
    rc = regcomp(out, ere.data != NULL ? ere.data : "", REG_EXTENDED | REG_NOSUB);
    copa__buf_free(&ere);
    if (rc != 0) {
        regerror(rc, out, message, sizeof(message));
        return copa__error_set(COPA_EINVALID, "'%s': invalid regular expression: %s", pattern,
                               message);
    }
    return 0;
}
