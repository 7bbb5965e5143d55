/*
 * Debian version ordering: dpkg's [epoch:]upstream[-revision].
 *
 * Validity is exactly the set of strings dpkg 1.21's parseversion() accepts
 * without an error or a warning (checked against `dpkg --compare-versions`
 * by tests/unit/version/test_deb_differential.c). A string is rejected when:
 *   - it is empty or only blanks (space, tab);
 *   - it has blanks between non-blank characters ("embedded spaces");
 *     leading and trailing blanks are trimmed and accepted, like dpkg;
 *   - it contains ':' and the text before the first ':' is not an epoch as
 *     strtol() reads it: optional whitespace, optional sign, decimal digits
 *     ("a:1", ":1", "1.0-a:b" are rejected; "+1:1" and "-0:1" are accepted
 *     because dpkg accepts them);
 *   - the epoch is negative or larger than INT_MAX;
 *   - nothing follows the epoch's ':';
 *   - the revision (after the last '-') is empty ("1.0-");
 *   - the upstream version is empty ("1:-1") or does not start with a digit;
 *   - the upstream version has a character other than ASCII letters, digits
 *     and ". + ~ - :", or the revision one other than letters, digits and
 *     ". + ~" (dpkg only warns about these three, we reject them).
 *
 * The ordering is dpkg's verrevcmp(): alternating non-digit and digit runs;
 * in non-digit runs '~' sorts before everything (even the end), the end
 * before letters, letters before other characters; digit runs compare as
 * numbers of any length, by length after stripping leading zeros.
 */
#include "util/error.h"
#include "version/version.h"

#include <limits.h>
#include <stddef.h>
#include <string.h>

typedef struct deb_version {
    int epoch;
    const char *upstream, *upstream_end;
    const char *revision, *revision_end; /* empty range when absent */
} deb_version;

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* dpkg trims and splits on c_isblank(): space and tab only. */
static int is_blank(int c)
{
    return c == ' ' || c == '\t';
}

/* The whitespace strtol() skips before the number, in the C locale. */
static int is_c_space(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static int invalid(const char *version, const char *problem)
{
    return copa__error_set(COPA_EINVALID, "invalid deb version '%s': %s", version, problem);
}

/*
 * Read the epoch in [p, colon) the way dpkg does with strtol(): leading
 * whitespace, a sign, then digits that must run up to the colon. The value
 * is computed from at most 10 significant digits, so it never overflows.
 */
static int parse_epoch(int *out, const char *version, const char *p, const char *colon)
{
    int negative = 0;
    const char *digits;
    long long value = 0;

    while (p < colon && is_c_space((unsigned char)*p))
        p++;
    if (p < colon && (*p == '+' || *p == '-'))
        negative = *p++ == '-';
    digits = p;
    while (p < colon && is_digit((unsigned char)*p))
        p++;
    if (p == digits)
        return invalid(version, colon == version ? "epoch is empty" : "epoch is not a number");
    if (p != colon)
        return invalid(version, "epoch is not a number");
    while (digits < colon - 1 && *digits == '0')
        digits++;
    if (negative && !(colon - digits == 1 && *digits == '0'))
        return invalid(version, "epoch is negative");
    if (colon - digits > 10)
        return invalid(version, "epoch is too large");
    for (; digits < colon; digits++)
        value = value * 10 + (*digits - '0');
    if (value > INT_MAX)
        return invalid(version, "epoch is too large");
    *out = (int)value;
    return 0;
}

static int check_chars(const char *version, const char *p, const char *end, const char *extra,
                       const char *problem)
{
    for (; p < end; p++) {
        unsigned char c = (unsigned char)*p;
        if (!is_digit(c) && !is_alpha(c) && (c == '\0' || strchr(extra, c) == NULL))
            return invalid(version, problem);
    }
    return 0;
}

static const char *last_hyphen(const char *p, const char *end)
{
    const char *found = NULL;
    for (; p < end; p++)
        if (*p == '-')
            found = p;
    return found;
}

/* Split `version` into its parts, or reject it (see the comment at the top). */
static int deb_parse(deb_version *out, const char *version)
{
    const char *start = version, *end, *rest, *colon, *hyphen;
    int rc;

    while (is_blank((unsigned char)*start))
        start++;
    if (*start == '\0')
        return invalid(version, "version is empty");
    for (end = start; *end != '\0' && !is_blank((unsigned char)*end); end++)
        ;
    for (rest = end; is_blank((unsigned char)*rest); rest++)
        ;
    if (*rest != '\0')
        return invalid(version, "embedded spaces");

    out->epoch = 0;
    colon = memchr(start, ':', (size_t)(end - start));
    if (colon != NULL) {
        if ((rc = parse_epoch(&out->epoch, version, start, colon)) != 0)
            return rc;
        if (colon + 1 == end)
            return invalid(version, "nothing after the epoch's ':'");
        start = colon + 1;
    }

    out->upstream = start;
    out->upstream_end = end;
    out->revision = out->revision_end = end;
    hyphen = last_hyphen(start, end);
    if (hyphen != NULL) {
        if (hyphen + 1 == end)
            return invalid(version, "revision is empty");
        out->upstream_end = hyphen;
        out->revision = hyphen + 1;
    }
    if (out->upstream == out->upstream_end)
        return invalid(version, "upstream version is empty");
    if (!is_digit((unsigned char)*out->upstream))
        return invalid(version, "upstream version does not start with a digit");
    if ((rc = check_chars(version, out->upstream, out->upstream_end,
                          ".-+~:", "invalid character in upstream version")) != 0)
        return rc;
    return check_chars(version, out->revision, out->revision_end, ".+~",
                       "invalid character in revision");
}

/* Weight of a character in a non-digit run; 0 stands for the end. */
static int order(const char *p, const char *end)
{
    unsigned char c;

    if (p >= end)
        return 0;
    c = (unsigned char)*p;
    if (is_digit(c))
        return 0;
    if (is_alpha(c))
        return c;
    if (c == '~')
        return -1;
    return c + 256;
}

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

/* Compare the digit runs at *a and *b as numbers, advancing both. */
static int compare_digits(const char **a, const char *a_end, const char **b, const char *b_end)
{
    const char *a_start, *b_start;
    size_t a_len, b_len;
    int rc;

    while (*a < a_end && **a == '0')
        (*a)++;
    while (*b < b_end && **b == '0')
        (*b)++;
    for (a_start = *a; *a < a_end && is_digit((unsigned char)**a); (*a)++)
        ;
    for (b_start = *b; *b < b_end && is_digit((unsigned char)**b); (*b)++)
        ;
    a_len = (size_t)(*a - a_start);
    b_len = (size_t)(*b - b_start);
    if (a_len != b_len)
        return a_len < b_len ? -1 : 1;
    rc = a_len > 0 ? memcmp(a_start, b_start, a_len) : 0;
    return sign(rc);
}

/* dpkg's verrevcmp() on two ranges. */
static int compare_part(const char *a, const char *a_end, const char *b, const char *b_end)
{
    while (a < a_end || b < b_end) {
        int rc;
        while ((a < a_end && !is_digit((unsigned char)*a)) ||
               (b < b_end && !is_digit((unsigned char)*b))) {
            int ac = order(a, a_end), bc = order(b, b_end);
            if (ac != bc)
                return ac < bc ? -1 : 1;
            a++;
            b++;
        }
        if ((rc = compare_digits(&a, a_end, &b, b_end)) != 0)
            return rc;
    }
    return 0;
}

int copa__deb_version_check(const char *version)
{
    deb_version parsed;
    return deb_parse(&parsed, version);
}

int copa__deb_version_compare(int *out, const char *a, const char *b)
{
    deb_version va, vb;
    int rc;

    if ((rc = deb_parse(&va, a)) != 0 || (rc = deb_parse(&vb, b)) != 0)
        return rc;
    if (va.epoch != vb.epoch)
        rc = va.epoch < vb.epoch ? -1 : 1;
    else if ((rc = compare_part(va.upstream, va.upstream_end, vb.upstream, vb.upstream_end)) == 0)
        rc = compare_part(va.revision, va.revision_end, vb.revision, vb.revision_end);
    *out = rc;
    return 0;
}
