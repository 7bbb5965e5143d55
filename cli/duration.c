/*
 * --timeout durations: a non-negative number with an optional unit.
 */
#include "duration.h"

#include <stdlib.h>
#include <string.h>

long cli_duration_ms(const char *text)
{
    char *end;
    double v = strtod(text, &end);
    double scale = 1000.0;

    if (end == text || v < 0)
        return -1;
    if (strcmp(end, "ms") == 0)
        scale = 1.0;
    else if (strcmp(end, "m") == 0)
        scale = 60000.0;
    else if (strcmp(end, "h") == 0)
        scale = 3600000.0;
    else if (strcmp(end, "") != 0 && strcmp(end, "s") != 0)
        return -1;
    if (v * scale > 1e12)
        return -1;
    return (long)(v * scale);
}
