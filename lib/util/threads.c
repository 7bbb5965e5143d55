/* copa__threads_count: the worker count of parallel stages. */
#include "util/threads.h"

#include <stdlib.h>
#include <unistd.h>

static int clamp(long n)
{
    if (n < 1)
        return 1;
    return n > COPA__THREADS_MAX ? COPA__THREADS_MAX : (int)n;
}

int copa__threads_count(int requested)
{
    const char *env = getenv("COPA_THREADS");
    char *end;
    long n;

    if (requested > 0)
        return clamp(requested);
    if (env != NULL && *env != '\0') {
        n = strtol(env, &end, 10);
        if (*end == '\0' && n > 0)
            return clamp(n);
    }
    return clamp(sysconf(_SC_NPROCESSORS_ONLN));
}
