/* Where copa caches blobs, indexes and packages when no directory is given. */
#ifndef COPA_LIB_UTIL_CACHE_DIR_H
#define COPA_LIB_UTIL_CACHE_DIR_H

/*
 * $COPA_CACHE_DIR, else $XDG_CACHE_HOME/copa (an absolute one; the XDG
 * spec says to ignore a relative one), else $HOME/.cache/copa. COPA_ENOTFOUND
 * when none is set, COPA_ENOMEM.
 */
int copa__cache_default_dir(char **out);

#endif
