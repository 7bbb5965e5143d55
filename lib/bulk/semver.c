/*
 * Semantic versions of tags (semver.org 2.0.0 precedence), parsed
 * leniently as tags are written in practice: "v1.2.3", "1.25", "3",
 * "1.2.3-rc.1", "1.0.0+build". Missing MINOR/PATCH count as 0. A tag such
 * as "3.19-alpine" parses with prerelease "alpine", as in Masterminds/semver,
 * which Copacetic's tag discovery uses.
 */
#include "bulk/select.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct semver {
    unsigned long long part[3];
    const char *pre; /* start of the prerelease, or NULL */
    size_t pre_len;
} semver;

static int parse_number(unsigned long long *out, const char **p)
{
    const char *s = *p;

    if (!isdigit((unsigned char)*s))
        return 0;
    if (s[0] == '0' && isdigit((unsigned char)s[1]))
        return 0; /* leading zeros are not semver */
    *out = 0;
    while (isdigit((unsigned char)*s)) {
        if (*out > (~0ULL - 9) / 10)
            return 0;
        *out = *out * 10 + (unsigned long long)(*s++ - '0');
    }
    *p = s;
    return 1;
}

static int identifiers_valid(const char *s, size_t n)
{
    size_t i, run = 0;

    if (n == 0)
        return 0;
    for (i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (run == 0)
                return 0;
            run = 0;
        } else if (isalnum((unsigned char)s[i]) || s[i] == '-') {
            run++;
        } else {
            return 0;
        }
    }
    return run > 0;
}

static int parse(semver *v, const char *tag)
{
    const char *p = tag, *plus;
    int i;

    memset(v, 0, sizeof(*v));
    if (*p == 'v')
        p++;
    for (i = 0; i < 3; i++) {
        if (!parse_number(&v->part[i], &p))
            return 0;
        if (*p != '.' || i == 2)
            break;
        p++;
    }
    if (*p == '-') {
        p++;
        plus = strchr(p, '+');
        v->pre = p;
        v->pre_len = plus != NULL ? (size_t)(plus - p) : strlen(p);
        if (!identifiers_valid(v->pre, v->pre_len))
            return 0;
        p += v->pre_len;
    }
    if (*p == '+') {
        p++;
        if (!identifiers_valid(p, strlen(p)))
            return 0;
        p += strlen(p);
    }
    return *p == '\0';
}

static int all_digits(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return n > 0;
}

/* Prerelease precedence: identifier by identifier, numbers numerically and below text. */
static int compare_pre(const semver *a, const semver *b)
{
    const char *x = a->pre, *y = b->pre, *xe = a->pre + a->pre_len, *ye = b->pre + b->pre_len;

    if (a->pre == NULL || b->pre == NULL)
        return a->pre == NULL ? (b->pre == NULL ? 0 : 1) : -1;
    while (x < xe && y < ye) {
        const char *xd = memchr(x, '.', (size_t)(xe - x)), *yd = memchr(y, '.', (size_t)(ye - y));
        size_t xn = (size_t)((xd != NULL ? xd : xe) - x), yn = (size_t)((yd != NULL ? yd : ye) - y);
        int xnum = all_digits(x, xn), ynum = all_digits(y, yn), c;

        if (xnum && ynum)
            c = xn != yn ? (xn < yn ? -1 : 1) : memcmp(x, y, xn);
        else if (xnum || ynum)
            c = xnum ? -1 : 1;
        else {
            c = memcmp(x, y, xn < yn ? xn : yn);
            if (c == 0 && xn != yn)
                c = xn < yn ? -1 : 1;
        }
        if (c != 0)
            return c < 0 ? -1 : 1;
        x += xn + (xd != NULL);
        y += yn + (yd != NULL);
    }
    return x < xe ? 1 : (y < ye ? -1 : 0);
}

int copa__semver_valid(const char *tag)
{
    semver v;

    return parse(&v, tag);
}

int copa__semver_compare(const char *a, const char *b, int *ok)
{
    semver x, y;
    int i;

    *ok = parse(&x, a) && parse(&y, b);
    if (!*ok)
        return 0;
    for (i = 0; i < 3; i++)
        if (x.part[i] != y.part[i])
            return x.part[i] < y.part[i] ? -1 : 1;
    return compare_pre(&x, &y);
}
