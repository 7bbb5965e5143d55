/*
 * The cross-process lock of an OCI layout (see oci_layout_lock.h). Locking
 * index.json rather than a separate lock file keeps the layout exactly the
 * spec's files; the price is that index.json is replaced by rename while
 * others wait on it, hence the "is it still the current file" check after
 * every flock. Locks die with their process, so a SIGKILLed writer never
 * leaves the layout locked.
 */
#include "image/oci_layout_lock.h"
#include "util/buffer.h"
#include "util/error.h"
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "image/model.h"

enum { LOCK_ATTEMPTS = 1000, LOCK_POLL_MS = 10 };

typedef struct lock_wait {
    copa__layout_cancel_fn cancel;
    void *payload;
} lock_wait;

static const char marker_text[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
static const char empty_index[] =
    "{\"schemaVersion\":2,\"mediaType\":\"" COPA_MT_OCI_INDEX "\",\"manifests\":[]}";

static int write_temp(char *temp, const char *text, size_t length)
{
    int fd = mkstemp(temp), error = 0;
    size_t done = 0;

    if (fd < 0)
        return copa__error_set(COPA_ERROR, "%s: cannot create: %s", temp, strerror(errno));
    while (done < length && error == 0) {
        ssize_t n = write(fd, text + done, length - done);
        if (n < 0 && errno != EINTR)
            error = copa__error_set(COPA_ERROR, "%s: %s", temp, strerror(errno));
        else if (n > 0)
            done += (size_t)n;
    }
    if (error == 0 && (fchmod(fd, 0644) != 0 || fsync(fd) != 0))
        error = copa__error_set(COPA_ERROR, "%s: %s", temp, strerror(errno));
    close(fd);
    if (error != 0)
        unlink(temp);
    return error;
}

/*
 * Make dir/name with text unless it exists. link(2) fails when the name is
 * taken, so a file another writer made (or committed) is never replaced.
 * Sets *made when this call made it.
 */
static int create_once(const char *dir, const char *name, const char *text, size_t length,
                       int *made)
{
    copa__buf path = COPA__BUF_INIT, temp = COPA__BUF_INIT;
    int error;

    *made = 0;
    if ((error = copa__buf_appendf(&path, "%s/%s", dir, name)) != 0 ||
        (error = copa__buf_appendf(&temp, "%s/%s.tmp-XXXXXX", dir, name)) != 0)
        goto done;
    if (access(path.data, F_OK) == 0)
        goto done;
    if ((error = write_temp(temp.data, text, length)) != 0)
        goto done;
    if (link(temp.data, path.data) == 0)
        *made = 1;
    else if (errno != EEXIST)
        error = copa__error_set(COPA_ERROR, "%s: cannot create: %s", path.data, strerror(errno));
    unlink(temp.data);
done:
    copa__buf_free(&path);
    copa__buf_free(&temp);
    return error;
}

static int make_dir(const char *dir, unsigned *made)
{
    struct stat st;

    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return copa__error_set(COPA_EINVALID, "%s: exists and is not a directory", dir);
        return 0;
    }
    if (errno != ENOENT)
        return copa__error_set(COPA_ERROR, "%s: %s", dir, strerror(errno));
    *made |= COPA__LAYOUT_MADE_DIR;
    return copa__file_mkdirs(dir);
}

static int make_file(const char *dir, const char *name, const char *text, size_t length,
                     unsigned bit, unsigned *made)
{
    int made_now, error = create_once(dir, name, text, length, &made_now);
    if (made_now)
        *made |= bit;
    return error;
}

/* 1: fd is the file at path now; 0: path was replaced or removed meanwhile. */
static int still_current(int fd, const char *path)
{
    struct stat held, now;
    return fstat(fd, &held) == 0 && stat(path, &now) == 0 && held.st_dev == now.st_dev &&
           held.st_ino == now.st_ino;
}

/*
 * flock(LOCK_EX) on fd; with a cancel hook, polled without blocking so a
 * deadline can end the wait. 0, or an error (fd stays open).
 */
static int wait_for_lock(int fd, const char *index, const lock_wait *wait)
{
    const struct timespec pause = {0, LOCK_POLL_MS * 1000000L};

    for (;;) {
        if (flock(fd, wait->cancel != NULL ? LOCK_EX | LOCK_NB : LOCK_EX) == 0)
            return 0;
        if (errno == EWOULDBLOCK && wait->cancel != NULL) {
            if (wait->cancel(wait->payload))
                return copa__error_set(COPA_ECANCELLED,
                                       "%s: gave up waiting for another writer's lock", index);
            nanosleep(&pause, NULL);
        } else if (errno != EINTR) {
            return copa__error_set(COPA_ERROR, "%s: cannot lock: %s", index, strerror(errno));
        }
    }
}

static int lock_current(int *out, const char *dir, const char *index, int create, unsigned *made,
                        const lock_wait *wait)
{
    int fd, error;

    if (create && ((error = make_dir(dir, made)) != 0 ||
                   (error = make_file(dir, "index.json", empty_index, sizeof(empty_index) - 1,
                                      COPA__LAYOUT_MADE_INDEX, made)) != 0))
        return error;
    /* Read-write where allowed: on NFS, flock is a POSIX lock, which needs it. */
    if ((fd = open(index, O_RDWR | O_CLOEXEC)) < 0 && (errno == EACCES || errno == EROFS))
        fd = open(index, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return create ? 1 : copa__error_set(COPA_ENOTFOUND, "%s: no index.json", dir);
        return copa__error_set(COPA_ERROR, "%s: %s", index, strerror(errno));
    }
    if ((error = wait_for_lock(fd, index, wait)) != 0) {
        close(fd);
        return error;
    }
    if (!still_current(fd, index)) {
        close(fd);
        return 1;
    }
    /* Under the lock: a writer that gave up on a layout it had made may have
     * removed oci-layout (before index.json, so it is gone only if index.json
     * was too and this index.json is new). */
    if (create && (error = make_file(dir, "oci-layout", marker_text, sizeof(marker_text) - 1,
                                     COPA__LAYOUT_MADE_MARKER, made)) != 0) {
        close(fd);
        return error;
    }
    *out = fd;
    return 0;
}

int copa__oci_layout_lock(int *fd, const char *dir, int create, unsigned *made)
{
    return copa__oci_layout_lock_until(fd, dir, create, made, NULL, NULL);
}

int copa__oci_layout_lock_until(int *fd, const char *dir, int create, unsigned *made,
                                copa__layout_cancel_fn cancel, void *payload)
{
    lock_wait wait = {cancel, payload};
    copa__buf index = COPA__BUF_INIT;
    unsigned ignored = 0;
    int attempt, rc = 1; /* 1: try again */

    *fd = -1;
    if (made == NULL)
        made = &ignored;
    *made = 0;
    if (copa__buf_appendf(&index, "%s/index.json", dir) != 0)
        return copa__error_oom();
    for (attempt = 0; attempt < LOCK_ATTEMPTS && rc == 1; attempt++)
        rc = lock_current(fd, dir, index.data, create, made, &wait);
    if (rc == 1)
        rc = copa__error_set(COPA_ERROR, "%s: cannot lock: it keeps being replaced", index.data);
    copa__buf_free(&index);
    return rc;
}

void copa__oci_layout_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* closing the last descriptor releases the flock */
}
