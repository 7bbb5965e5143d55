/* copa__threads_count: the worker count of parallel stages. */
#include "util/threads.h"
#include "util/error.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int copa__threads_count(int *out, int requested)
{
    const char *env = getenv("COPA_THREADS");
    long online;

    if (requested > 0) {
        if (requested > COPA__THREADS_MAX)
            return copa__error_set(COPA_EINVALID, "%d threads requested (at most %d)", requested,
                                   COPA__THREADS_MAX);
        *out = requested;
        return 0;
    }
    if (env != NULL && env[0] != '\0') {
        char *end;
        long value;
        errno = 0;
        value = strtol(env, &end, 10);
        if (errno != 0 || *end != '\0' || value < 1 || value > COPA__THREADS_MAX)
            return copa__error_set(COPA_EINVALID, "COPA_THREADS='%s': expected 1 to %d", env,
                                   COPA__THREADS_MAX);
        *out = (int)value;
        return 0;
    }
    online = sysconf(_SC_NPROCESSORS_ONLN);
    *out = online < 1 ? 1 : online > COPA__THREADS_AUTO_MAX ? COPA__THREADS_AUTO_MAX : (int)online;
    return 0;
}
