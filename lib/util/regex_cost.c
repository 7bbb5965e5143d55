/*
 * The copy count of a POSIX ERE under glibc's regcomp, bounded before
 * compiling (regex_cost.h).
 */
#include "util/regex_cost.h"

#include <stddef.h>

enum { DEPTH_MAX = 100 };

typedef struct cost {
    unsigned long group[DEPTH_MAX + 1]; /* largest copy count inside each open group */
    unsigned long atom;                 /* copies of the atom just read */
    unsigned long limit;
    int depth, over;
} cost;

static void atom(cost *c, unsigned long copies)
{
    c->atom = copies;
    if (copies > c->limit)
        c->over = 1;
    if (c->group[c->depth] < copies)
        c->group[c->depth] = copies;
}

/* "{m}", "{m,}" or "{m,n}" at p: its largest count, and p past it; 0 when it is none. */
static unsigned long count_at(const char **p)
{
    const char *q = *p + 1;
    unsigned long n = 0, largest = 0;
    int digits = 0;

    for (; *q != '}'; q++) {
        if (*q == ',') {
            n = 0;
            continue;
        }
        if (*q < '0' || *q > '9')
            return 0;
        if (n < 100000)
            n = n * 10 + (unsigned long)(*q - '0');
        if (n > largest)
            largest = n;
        digits = 1;
    }
    if (!digits)
        return 0;
    *p = q;
    return largest > 0 ? largest : 1;
}

/* p at '[': past the bracket expression ("[]a]", "[^]a]", "[[:digit:]]"). */
static const char *skip_bracket(const char *p)
{
    p++;
    if (*p == '^')
        p++;
    if (*p == ']')
        p++;
    for (; *p != '\0' && *p != ']'; p++)
        if (p[0] == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
            char close = p[1];
            for (p += 2; *p != '\0' && !(p[0] == close && p[1] == ']'); p++)
                ;
            if (*p == '\0')
                return p - 1;
            p++;
        }
    return *p == '\0' ? p - 1 : p;
}

int copa__regex_cost_ok(const char *pattern, unsigned long limit)
{
    cost c;
    const char *p;

    c.limit = limit;
    c.depth = 0;
    c.over = 0;
    c.atom = 1;
    c.group[0] = 1;
    for (p = pattern; *p != '\0' && !c.over; p++) {
        unsigned long n;
        if (*p == '\\' && p[1] != '\0') {
            p++;
            atom(&c, 1);
        } else if (*p == '[') {
            p = skip_bracket(p);
            atom(&c, 1);
        } else if (*p == '(') {
            if (c.depth == DEPTH_MAX)
                return 0;
            c.group[++c.depth] = 1;
            c.atom = 1;
        } else if (*p == ')' && c.depth > 0) {
            atom(&c, c.group[c.depth--]);
        } else if (*p == '+') {
            atom(&c, c.atom * 2);
        } else if (*p == '{' && (n = count_at(&p)) > 0) {
            atom(&c, c.atom > limit ? c.atom : c.atom * (n > limit ? limit + 1 : n));
        } else if (*p != '*' && *p != '?') {
            atom(&c, 1);
        }
    }
    return !c.over;
}
