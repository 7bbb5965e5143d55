/*
 * RFC 2822 dates as apt writes them in Release files:
 *   [Day, ]DD Mon YYYY HH:MM:SS ZONE   with ZONE = UTC | GMT | Z | +hhmm | -hhmm
 * Parsed by hand so the result never depends on the process locale.
 */
#include "repo/release.h"
#include "util/error.h"

#include <string.h>
#include <strings.h>

static const char *skip_spaces(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static int take_number(const char **s, int min_digits, int max_digits, int *out)
{
    int n = 0, v = 0;
    while (**s >= '0' && **s <= '9' && n < max_digits) {
        v = v * 10 + (**s - '0');
        (*s)++;
        n++;
    }
    if (n < min_digits || (**s >= '0' && **s <= '9'))
        return -1;
    *out = v;
    return 0;
}

static int take_month(const char **s, int *out)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int i;
    for (i = 0; i < 12; i++) {
        if (strncasecmp(*s, months + 3 * i, 3) == 0) {
            *s += 3;
            *out = i;
            return 0;
        }
    }
    return -1;
}

static int take_zone(const char *s, long *offset)
{
    int hh, mm;
    if (strcasecmp(s, "UTC") == 0 || strcasecmp(s, "GMT") == 0 || strcasecmp(s, "Z") == 0 ||
        strcasecmp(s, "UT") == 0) {
        *offset = 0;
        return 0;
    }
    if ((s[0] != '+' && s[0] != '-') || strlen(s) != 5)
        return -1;
    hh = (s[1] - '0') * 10 + (s[2] - '0');
    mm = (s[3] - '0') * 10 + (s[4] - '0');
    if (strspn(s + 1, "0123456789") != 4 || hh > 23 || mm > 59)
        return -1;
    *offset = (s[0] == '-' ? -1 : 1) * (long)(hh * 3600 + mm * 60);
    return 0;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 without timegm(), which is not in C11. */
static long days_from_civil(int y, int m, int d)
{
    static const int before[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    long days = 0;
    int yy;
    for (yy = 1970; yy < y; yy++)
        days += is_leap(yy) ? 366 : 365;
    days += before[m] + (m > 1 && is_leap(y)) + d - 1;
    return days;
}

int copa__apt_parse_date(time_t *out, const char *text)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *s = skip_spaces(text);
    int day, mon, year, hh, mi, ss;
    long zone;

    if (strchr(s, ',') != NULL)
        s = skip_spaces(strchr(s, ',') + 1);
    if (take_number(&s, 1, 2, &day) < 0 || *(s = skip_spaces(s)) == '\0' ||
        take_month(&s, &mon) < 0 || (s = skip_spaces(s), take_number(&s, 4, 4, &year)) < 0 ||
        (s = skip_spaces(s), take_number(&s, 2, 2, &hh)) < 0 || *s++ != ':' ||
        take_number(&s, 2, 2, &mi) < 0 || *s++ != ':' || take_number(&s, 2, 2, &ss) < 0 ||
        take_zone(skip_spaces(s), &zone) < 0)
        return copa__error_set(COPA_EINVALID,
                               "bad date '%s' (expected like 'Sat, 10 Jun 2023 "
                               "09:00:00 UTC')",
                               text);
    if (year < 1970 || day < 1 || day > mdays[mon] || (mon == 1 && day == 29 && !is_leap(year)) ||
        hh > 23 || mi > 59 || ss > 60)
        return copa__error_set(COPA_EINVALID, "date out of range: '%s'", text);
    *out = (time_t)(days_from_civil(year, mon, day) * 86400L + hh * 3600L + mi * 60L + ss - zone);
    return 0;
}
