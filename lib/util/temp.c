/*
 * Recognisable temporary names and the removal of stale ones (temp.h).
 * A killed patch leaves its layer (often 100 MB) behind; without a name
 * that says whose it was, nobody could tell it from a running one's.
 */
#include "util/temp.h"
#include "util/buffer.h"
#include "util/error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { STALE_MINUTES = 10 };

static const char prefix[] = "copa-";

const char *copa__temp_base(void)
{
    const char *base = getenv("TMPDIR");
    return base != NULL && base[0] != '\0' ? base : "/tmp";
}

static int template_for(copa__buf *path, const char *kind)
{
    return copa__buf_appendf(path, "%s/%s%ld-%s-XXXXXX", copa__temp_base(), prefix, (long)getpid(),
                             kind);
}

int copa__temp_dir(char **out, const char *kind)
{
    copa__buf path = COPA__BUF_INIT;
    int rc;

    *out = NULL;
    if ((rc = template_for(&path, kind)) != 0)
        return rc;
    if (mkdtemp(path.data) == NULL) {
        rc = copa__error_set(COPA_ERROR, "%s: cannot create a temporary directory: %s",
                             copa__temp_base(), strerror(errno));
        copa__buf_free(&path);
        return rc;
    }
    *out = copa__buf_detach(&path);
    return 0;
}

int copa__temp_file(char **out, int *fd, const char *kind)
{
    copa__buf path = COPA__BUF_INIT;
    int rc;

    *out = NULL;
    *fd = -1;
    if ((rc = template_for(&path, kind)) != 0)
        return rc;
    if ((*fd = mkostemp(path.data, O_CLOEXEC)) < 0) {
        rc = copa__error_set(COPA_ERROR, "%s: cannot create a temporary file: %s",
                             copa__temp_base(), strerror(errno));
        copa__buf_free(&path);
        return rc;
    }
    *out = copa__buf_detach(&path);
    return 0;
}

/* The pid of "copa-<pid>-<kind>-XXXXXX", or 0 when the name is not ours. */
static long owner_pid(const char *name)
{
    const char *p = name + sizeof(prefix) - 1;
    char *end;
    long pid;

    if (strncmp(name, prefix, sizeof(prefix) - 1) != 0 || *p < '1' || *p > '9')
        return 0;
    errno = 0;
    pid = strtol(p, &end, 10);
    if (errno != 0 || *end != '-' || end[1] < 'a' || end[1] > 'z' || pid <= 0)
        return 0;
    return pid;
}

static time_t newest_change;

static int note_change(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)path;
    (void)flag;
    (void)ftw;
    if (st->st_mtime > newest_change)
        newest_change = st->st_mtime;
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

static void reap_one(const char *base, const char *name)
{
    copa__buf path = COPA__BUF_INIT;
    long pid = owner_pid(name);
    struct stat st;

    if (pid == 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
        return;
    if (copa__buf_appendf(&path, "%s/%s", base, name) != 0)
        return;
    if (lstat(path.data, &st) == 0 && st.st_uid == geteuid() &&
        (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode))) {
        newest_change = 0;
        nftw(path.data, note_change, 16, FTW_PHYS | FTW_MOUNT);
        if (time(NULL) - newest_change >= STALE_MINUTES * 60)
            nftw(path.data, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
    }
    copa__buf_free(&path);
}

static void reap(void)
{
    const char *base = copa__temp_base();
    DIR *d = opendir(base);
    struct dirent *e;
    int saved = errno;

    while (d != NULL && (e = readdir(d)) != NULL)
        reap_one(base, e->d_name);
    if (d != NULL)
        closedir(d);
    errno = saved;
}

void copa__temp_reap_stale(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, reap);
}
