/* copa__cache_default_dir: one answer for the blob, apt and package caches. */
#include "util/cache_dir.h"
#include "util/buffer.h"
#include "util/error.h"

#include <stdlib.h>

int copa__cache_default_dir(char **out)
{
    const char *env = getenv("COPA_CACHE_DIR");
    copa__buf path = COPA__BUF_INIT;
    int error;

    *out = NULL;
    if (env != NULL && *env != '\0')
        error = copa__buf_append_str(&path, env);
    else if ((env = getenv("XDG_CACHE_HOME")) != NULL && *env == '/')
        error = copa__buf_appendf(&path, "%s/copa", env);
    else if ((env = getenv("HOME")) != NULL && *env != '\0')
        error = copa__buf_appendf(&path, "%s/.cache/copa", env);
    else
        return copa__error_set(COPA_ENOTFOUND,
                               "no cache directory: set COPA_CACHE_DIR or HOME, or pass one");
    if (error != 0) {
        copa__buf_free(&path);
        return error;
    }
    *out = copa__buf_detach(&path);
    return 0;
}
