/*
 * RPM version ordering: [epoch:]version[-release] compared like rpm 4.18's
 * rpmverCmp() (what `rpm.vercmp()` in rpm's lua does).
 *
 * Splitting: an epoch is the leading digits when a ':' follows them; the
 * release is what follows the last '-'. A missing epoch counts as "0"; a
 * missing release sorts before any release (so "1.0" < "1.0-1", unlike
 * rpm's dependency matching where a missing release matches anything).
 * Epochs are compared with rpmvercmp too, so "00:1" equals "0:1" and big
 * epochs never overflow.
 *
 * rpmvercmp(): split both strings into segments of ASCII digits or ASCII
 * letters; every other character separates segments, except '~' which
 * sorts before anything (even the end: "1.0~rc1" < "1.0") and '^' which
 * sorts after the end but before any further segment ("1.0" < "1.0^git1"
 * < "1.0.1"). Numeric segments compare as numbers of any length (leading
 * zeros ignored) and are newer than alphabetic ones; alphabetic segments
 * compare bytewise. When all segments match, the string with segments left
 * over is newer; differing separators alone do not matter ("1..0" = "1.0").
 *
 * Validity (our rule; rpm itself accepts almost anything): a version is
 * rejected when it is empty; has a byte outside printable ASCII (space,
 * control characters, non-ASCII); has a ':' not preceded only by digits
 * (a non-numeric or empty epoch, or a second ':'); has an empty version part
 * ("1:", "-1"); or has an empty release ("1.0-").
 */
#include "util/error.h"
#include "version/version.h"

#include <stddef.h>
#include <string.h>

typedef struct rpm_range {
    const char *p, *end; /* p == NULL: absent */
} rpm_range;

typedef struct rpm_version {
    rpm_range epoch, version, release;
} rpm_version;

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int invalid(const char *version, const char *problem)
{
    return copa__error_set(COPA_EINVALID, "invalid rpm version '%s': %s", version, problem);
}

static int rpm_parse(rpm_version *out, const char *version)
{
    const char *p, *end, *colon = NULL, *hyphen = NULL;

    if (*version == '\0')
        return invalid(version, "version is empty");
    for (p = version; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= ' ' || c >= 0x7f)
            return invalid(version, "whitespace, control or non-ASCII character");
        if (c == ':' && colon != NULL)
            return invalid(version, "more than one ':'");
        if (c == ':')
            colon = p;
        if (c == '-')
            hyphen = p;
    }
    end = p;
    out->epoch.p = out->epoch.end = NULL;
    out->version.p = version;
    if (colon != NULL) {
        if (colon == version)
            return invalid(version, "epoch is empty");
        for (p = version; p < colon; p++)
            if (!is_digit((unsigned char)*p))
                return invalid(version, "epoch is not a number");
        out->epoch.p = version;
        out->epoch.end = colon;
        out->version.p = colon + 1;
    }
    out->version.end = hyphen != NULL ? hyphen : end;
    out->release.p = out->release.end = NULL;
    if (hyphen != NULL) {
        if (hyphen + 1 == end)
            return invalid(version, "release is empty");
        out->release.p = hyphen + 1;
        out->release.end = end;
    }
    if (out->version.p == out->version.end)
        return invalid(version, "version part is empty");
    return 0;
}

/* Skip the separators: everything but letters, digits, '~' and '^'. */
static const char *skip_separators(const char *p, const char *end)
{
    while (p < end && !is_digit((unsigned char)*p) && !is_alpha((unsigned char)*p) && *p != '~' &&
           *p != '^')
        p++;
    return p;
}

static const char *segment_end(const char *p, const char *end, int numeric)
{
    while (p < end && (numeric ? is_digit((unsigned char)*p) : is_alpha((unsigned char)*p)))
        p++;
    return p;
}

/* Compare two segments of one kind; numbers by value, letters bytewise. */
static int compare_segment(const char *a, const char *a_end, const char *b, const char *b_end,
                           int numeric)
{
    size_t a_len, b_len, n;
    int rc;

    if (numeric) {
        while (a < a_end && *a == '0')
            a++;
        while (b < b_end && *b == '0')
            b++;
        if (a_end - a != b_end - b)
            return a_end - a < b_end - b ? -1 : 1;
    }
    a_len = (size_t)(a_end - a);
    b_len = (size_t)(b_end - b);
    n = a_len < b_len ? a_len : b_len;
    rc = n > 0 ? memcmp(a, b, n) : 0;
    if (rc != 0)
        return rc < 0 ? -1 : 1;
    if (a_len != b_len)
        return a_len < b_len ? -1 : 1;
    return 0;
}

/*
 * One step at a '~' or '^' on either side: returns -1/1 when that decides,
 * 0 when both sides had the same mark (consumed), 2 when neither had one.
 */
static int compare_marks(const char **a, const char *a_end, const char **b, const char *b_end)
{
    int ca = *a < a_end ? **a : 0, cb = *b < b_end ? **b : 0;

    if (ca == '~' || cb == '~') {
        if (ca != '~')
            return 1;
        if (cb != '~')
            return -1;
    } else if (ca == '^' || cb == '^') {
        if (ca == 0)
            return -1;
        if (cb == 0)
            return 1;
        if (ca != '^')
            return 1;
        if (cb != '^')
            return -1;
    } else {
        return 2;
    }
    (*a)++;
    (*b)++;
    return 0;
}

/* rpmvercmp() on two ranges (see the comment at the top). */
static int vercmp(const char *a, const char *a_end, const char *b, const char *b_end)
{
    for (;;) {
        const char *a_seg, *b_seg;
        int numeric, rc;

        a = skip_separators(a, a_end);
        b = skip_separators(b, b_end);
        rc = compare_marks(&a, a_end, &b, b_end);
        if (rc == 0)
            continue;
        if (rc != 2)
            return rc;
        if (a == a_end || b == b_end)
            break;
        numeric = is_digit((unsigned char)*a);
        a_seg = segment_end(a, a_end, numeric);
        b_seg = segment_end(b, b_end, numeric);
        if (b_seg == b) /* different kinds: a number is newer than letters */
            return numeric ? 1 : -1;
        if ((rc = compare_segment(a, a_seg, b, b_seg, numeric)) != 0)
            return rc;
        a = a_seg;
        b = b_seg;
    }
    if (a == a_end && b == b_end)
        return 0;
    return a == a_end ? -1 : 1;
}

/* Compare optional parts: absent sorts before present. */
static int compare_range(rpm_range a, rpm_range b)
{
    if (a.p == NULL || b.p == NULL)
        return (a.p != NULL) - (b.p != NULL);
    return vercmp(a.p, a.end, b.p, b.end);
}

static rpm_range epoch_or_zero(rpm_range epoch)
{
    static const char zero[] = "0";
    if (epoch.p == NULL) {
        epoch.p = zero;
        epoch.end = zero + 1;
    }
    return epoch;
}

int copa__rpm_version_check(const char *version)
{
    rpm_version parsed;
    return rpm_parse(&parsed, version);
}

int copa__rpm_version_compare(int *out, const char *a, const char *b)
{
    rpm_version va, vb;
    int rc;

    if ((rc = rpm_parse(&va, a)) != 0 || (rc = rpm_parse(&vb, b)) != 0)
        return rc;
    rc = compare_range(epoch_or_zero(va.epoch), epoch_or_zero(vb.epoch));
    if (rc == 0)
        rc = compare_range(va.version, vb.version);
    if (rc == 0)
        rc = compare_range(va.release, vb.release);
    *out = rc;
    return 0;
}
