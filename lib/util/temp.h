/*
 * Temporary files and directories in $TMPDIR (else /tmp), named
 * copa-<pid>-<kind>-XXXXXX so that a run killed before it could clean up
 * leaves names the next run recognises: the stale ones, whose process is
 * gone, are removed at the start of a patch or copy.
 */
#ifndef COPA_LIB_UTIL_TEMP_H
#define COPA_LIB_UTIL_TEMP_H

/* $TMPDIR when set and not empty, else "/tmp". */
const char *copa__temp_base(void);

/*
 * Create the directory <base>/copa-<pid>-<kind>-XXXXXX (mode 0700); *out
 * gets its malloc'd path. `kind` is a short lower-case word ("patch").
 * 0, or COPA_ERROR naming the base directory.
 */
int copa__temp_dir(char **out, const char *kind);

/* The same for a file, opened read-write (mode 0600) as *fd. */
int copa__temp_file(char **out, int *fd, const char *kind);

/*
 * Remove what earlier copa runs left in the base directory: entries named
 * copa-<pid>-... that belong to this user, whose process no longer exists
 * (kill(pid, 0) fails with ESRCH) and in which nothing changed for
 * ten minutes (a process of another PID namespace sharing the directory
 * looks dead, but a live run keeps writing). Symbolic links are never
 * followed; other names are never touched. Runs once per process; errors
 * are ignored (the space is only reclaimed later).
 */
void copa__temp_reap_stale(void);

#endif
