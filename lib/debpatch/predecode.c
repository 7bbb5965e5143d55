/*
 * The package predecoder: a small pool of threads taking packages in plan
 * order. A worker may only start package i while i < done + window, so
 * the temporary files on disk stay a few packages' worth, whatever the
 * plan's size. Everything shared is under one mutex; workers signal one
 * condition when a package is ready, the consumer the same one when it
 * has finished with a package.
 */
#include "debpatch/predecode.h"
#include "pkg/deb_decode.h"
#include "util/error.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* SKIPPED: no temporary space; the unpacker decodes that package itself. */
typedef enum slot_state {
    SLOT_WAITING = 0,
    SLOT_READY,
    SLOT_SKIPPED,
    SLOT_FAILED,
    SLOT_DONE
} slot_state;

/* Decoded bytes waiting in TMPDIR beyond the package being unpacked: a few
 * large packages (kernels, firmware) must not fill a small tmpfs. */
#define AHEAD_BUDGET ((int64_t)256 * 1024 * 1024)

typedef struct slot {
    slot_state state;
    int fd;
    int64_t bytes; /* SLOT_READY: size of the decoded data.tar */
    int code;      /* SLOT_FAILED: the error */
    char *error;   /* SLOT_FAILED: its message */
} slot;

struct copa__dp_predecode {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    const char *const *paths;
    slot *slots;
    size_t count;
    size_t next;   /* the next package a worker takes */
    size_t done;   /* packages below this are unpacked */
    size_t window; /* how far ahead of `done` workers may go */
    int stop;
    pthread_t *threads;
    size_t nthreads;
};

static int temp_fd(int *fd)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];

    if (dir == NULL || *dir == '\0')
        dir = "/tmp";
    snprintf(path, sizeof(path), "%s/copa-data-tar.XXXXXX", dir);
    if ((*fd = mkstemp(path)) < 0)
        return copa__error_set(COPA_ERROR, "cannot create a temporary file in %s: %s", dir,
                               strerror(errno));
    unlink(path);
    return 0;
}

/* Decode package i (no lock held); the result goes into its slot. */
static void decode_one(copa__dp_predecode *p, size_t i)
{
    int fd = -1;
    int rc = temp_fd(&fd);
    int64_t bytes = 0;
    slot_state state = SLOT_READY;
    char *message = NULL;

    if (rc == 0)
        rc = copa__deb_decode_data(p->paths[i], fd);
    if (rc == 0)
        bytes = (int64_t)lseek(fd, 0, SEEK_END);
    if (rc == COPA_ERROR) {
        /* The temporary file could not be made or written (a full or
         * missing TMPDIR): not the package's fault, decode it in place. */
        state = SLOT_SKIPPED;
        copa_error_clear();
    } else if (rc != 0) {
        state = SLOT_FAILED;
        /* The error text is per thread: copy it for the consumer's thread. */
        message = strdup(copa_error_last());
    }
    if (state != SLOT_READY && fd >= 0) {
        close(fd);
        fd = -1;
    }
    pthread_mutex_lock(&p->lock);
    p->slots[i].fd = fd;
    p->slots[i].bytes = bytes;
    p->slots[i].code = rc;
    p->slots[i].error = message;
    p->slots[i].state = state;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
}

/* Decoded bytes held for packages after the one being unpacked (locked). */
static int64_t held_ahead(const copa__dp_predecode *p)
{
    int64_t held = 0;
    size_t i;
    for (i = p->done + 1; i < p->next; i++)
        if (p->slots[i].state == SLOT_READY)
            held += p->slots[i].bytes;
    return held;
}

/* May a worker start package i now (locked)? The next one needed always may. */
static int may_start(const copa__dp_predecode *p, size_t i)
{
    if (i <= p->done)
        return 1;
    return i < p->done + p->window && held_ahead(p) < AHEAD_BUDGET;
}

static void *worker(void *arg)
{
    copa__dp_predecode *p = arg;

    pthread_mutex_lock(&p->lock);
    while (!p->stop && p->next < p->count) {
        size_t i = p->next;
        if (!may_start(p, i)) {
            pthread_cond_wait(&p->changed, &p->lock);
            continue;
        }
        p->next++;
        pthread_mutex_unlock(&p->lock);
        decode_one(p, i);
        pthread_mutex_lock(&p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

static int start_threads(copa__dp_predecode *p, int threads)
{
    size_t i, want = threads > 0 ? (size_t)threads : 1;

    if (want > p->count)
        want = p->count;
    if ((p->threads = calloc(want + 1, sizeof(*p->threads))) == NULL)
        return copa__error_oom();
    for (i = 0; i < want; i++) {
        if (pthread_create(&p->threads[i], NULL, worker, p) != 0)
            break;
        p->nthreads++;
    }
    if (p->nthreads == 0 && p->count > 0)
        return copa__error_set(COPA_ERROR, "cannot start a thread to decode packages");
    return 0;
}

int copa__dp_predecode_start(copa__dp_predecode **out, const char *const *paths, size_t count,
                             int threads)
{
    copa__dp_predecode *p = calloc(1, sizeof(*p));
    size_t i;
    int rc;

    *out = NULL;
    if (p == NULL || (p->slots = calloc(count + 1, sizeof(*p->slots))) == NULL) {
        free(p);
        return copa__error_oom();
    }
    for (i = 0; i < count; i++)
        p->slots[i].fd = -1;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->changed, NULL);
    p->paths = paths;
    p->count = count;
    /* One package being unpacked, one decoding per worker, one spare. */
    p->window = (size_t)(threads > 0 ? threads : 1) + 1;
    if ((rc = start_threads(p, threads)) != 0) {
        copa__dp_predecode_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

int copa__dp_predecode_wait(copa__dp_predecode *p, size_t i, int *fd)
{
    int rc = 0;

    *fd = -1;
    if (i >= p->count)
        return copa__error_set(COPA_EINVALID, "predecode: no package %zu", i);
    pthread_mutex_lock(&p->lock);
    while (p->slots[i].state == SLOT_WAITING)
        pthread_cond_wait(&p->changed, &p->lock);
    if (p->slots[i].state == SLOT_READY)
        *fd = p->slots[i].fd;
    else if (p->slots[i].state == SLOT_SKIPPED)
        *fd = -1; /* the caller reads the package directly */
    else if (p->slots[i].state == SLOT_FAILED)
        rc = p->slots[i].error != NULL ? copa__error_set(p->slots[i].code, "%s", p->slots[i].error)
                                       : copa__error_oom();
    else
        rc = copa__error_set(COPA_EINVALID, "predecode: package %zu was already unpacked", i);
    pthread_mutex_unlock(&p->lock);
    return rc;
}

void copa__dp_predecode_done(copa__dp_predecode *p, size_t i)
{
    if (i >= p->count)
        return;
    pthread_mutex_lock(&p->lock);
    if (p->slots[i].fd >= 0)
        close(p->slots[i].fd);
    p->slots[i].fd = -1;
    p->slots[i].state = SLOT_DONE;
    if (p->done < i + 1)
        p->done = i + 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
}

void copa__dp_predecode_free(copa__dp_predecode *p)
{
    size_t i;

    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    for (i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    for (i = 0; i < p->count; i++) {
        if (p->slots[i].fd >= 0)
            close(p->slots[i].fd);
        free(p->slots[i].error);
    }
    pthread_cond_destroy(&p->changed);
    pthread_mutex_destroy(&p->lock);
    free(p->threads);
    free(p->slots);
    free(p);
}
