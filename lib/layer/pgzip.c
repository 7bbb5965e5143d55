/*
 * Parallel deterministic gzip (see pgzip.h for the format).
 *
 * A ring of 2 x threads job slots bounds memory: the main thread fills the
 * slot of block `filled`, hands it to the workers, and writes finished
 * blocks strictly in order (`written`); a slot is reused only after its
 * block was written. Workers take queued blocks in order (`taken`). One
 * mutex guards the counters and the per-job `done` flags; a job's buffers
 * belong to the main thread until queued and to one worker until done, so
 * they need no lock. With one thread the same blocks are compressed inline.
 *
 * Each worker computes its block's CRC32 and the main thread combines them
 * (crc32_combine is O(log n), a few hundred ns a block), keeping the main
 * thread, which also builds the tar and hashes both streams, light.
 */
#include "layer/pgzip.h"
#include "util/error.h"
#include "util/threads.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

enum { DICT = 32 * 1024, MESSAGE_MAX = 256 };

typedef struct pgzip_job {
    unsigned char *in; /* dictionary (dict_len bytes), then the block (in_len) */
    size_t dict_len, in_len;
    unsigned char *out;
    size_t out_cap, out_len;
    uLong crc; /* of the block, without the dictionary */
    int last;  /* ends the stream (Z_FINISH) */
    int done;  /* under the lock */
    int error; /* COPA_E* of a failed compression */
    int zlib;  /* zlib's code for the message */
} pgzip_job;

typedef struct pgzip_worker {
    copa__pgzip *p;
    z_stream z;
    int z_ready;
    pthread_t thread;
    int started;
} pgzip_worker;

struct copa__pgzip {
    int level, threads;
    copa__pgzip_out_fn out_fn;
    void *payload;
    pgzip_job *jobs;
    size_t slots;
    pgzip_worker *workers;
    pthread_mutex_t lock;
    pthread_cond_t work, done;
    uint64_t filled, taken, written; /* block counters, see above */
    int stop;                        /* under the lock */
    unsigned char dict[DICT];        /* the end of the last submitted block */
    size_t dict_len;
    uLong crc;
    uint64_t total;
    int header_done, finished;
    int error; /* sticky: the first failure, with its message */
    char message[MESSAGE_MAX];
};

/* More output room; a block rarely needs more than the initial bound. */
static int grow_out(pgzip_job *job)
{
    size_t cap = job->out_cap * 2;
    unsigned char *out = realloc(job->out, cap);

    if (out == NULL)
        return COPA_ENOMEM;
    job->out = out;
    job->out_cap = cap;
    return 0;
}

/* Deflate one block; the result depends on the job's bytes and the level only. */
static void compress_job(z_stream *z, pgzip_job *job)
{
    int flush = job->last ? Z_FINISH : Z_SYNC_FLUSH;
    int rc;

    job->error = 0;
    job->out_len = 0;
    job->crc = crc32(crc32(0L, Z_NULL, 0), job->in + job->dict_len, (uInt)job->in_len);
    rc = deflateReset(z);
    if (rc == Z_OK && job->dict_len > 0)
        rc = deflateSetDictionary(z, job->in, (uInt)job->dict_len);
    if (rc != Z_OK) {
        job->error = COPA_ERROR;
        job->zlib = rc;
        return;
    }
    z->next_in = job->in + job->dict_len;
    z->avail_in = (uInt)job->in_len;
    do {
        if (job->out_len == job->out_cap && (job->error = grow_out(job)) != 0)
            return;
        z->next_out = job->out + job->out_len;
        z->avail_out = (uInt)(job->out_cap - job->out_len);
        rc = deflate(z, flush);
        job->out_len = job->out_cap - z->avail_out;
        if (rc != Z_OK && rc != Z_STREAM_END) {
            job->error = COPA_ERROR;
            job->zlib = rc;
            return;
        }
    } while (z->avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
}

static void *worker_main(void *arg)
{
    pgzip_worker *w = arg;
    copa__pgzip *p = w->p;

    pthread_mutex_lock(&p->lock);
    for (;;) {
        pgzip_job *job;
        while (!p->stop && p->taken == p->filled)
            pthread_cond_wait(&p->work, &p->lock);
        if (p->stop)
            break;
        job = &p->jobs[p->taken++ % p->slots];
        pthread_mutex_unlock(&p->lock);
        compress_job(&w->z, job);
        pthread_mutex_lock(&p->lock);
        job->done = 1;
        pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* Remember the first failure so later calls repeat it, and return it. */
static int fail(copa__pgzip *p, int code)
{
    if (p->error == 0) {
        p->error = code;
        snprintf(p->message, sizeof(p->message), "%s", copa_error_last());
    }
    return p->error;
}

static int emit(copa__pgzip *p, const void *data, size_t length)
{
    static const unsigned char header[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
    int error;

    if (!p->header_done) {
        p->header_done = 1;
        if ((error = p->out_fn(p->payload, header, sizeof(header))) != 0)
            return fail(p, error);
    }
    if (length > 0 && (error = p->out_fn(p->payload, data, length)) != 0)
        return fail(p, error);
    return 0;
}

static int job_done(copa__pgzip *p, pgzip_job *job)
{
    int done;

    pthread_mutex_lock(&p->lock);
    done = job->done;
    pthread_mutex_unlock(&p->lock);
    return done;
}

/* Wait for the oldest unwritten block and write it. */
static int write_oldest(copa__pgzip *p)
{
    pgzip_job *job = &p->jobs[p->written % p->slots];

    if (p->threads > 1) {
        pthread_mutex_lock(&p->lock);
        while (!job->done)
            pthread_cond_wait(&p->done, &p->lock);
        pthread_mutex_unlock(&p->lock);
    }
    p->written++;
    if (job->error == COPA_ENOMEM)
        return fail(p, copa__error_oom());
    if (job->error != 0)
        return fail(p, copa__error_set(job->error, "gzip: cannot compress block %llu: %s",
                                       (unsigned long long)(p->written - 1), zError(job->zlib)));
    p->crc = crc32_combine(p->crc, job->crc, (z_off_t)job->in_len);
    return emit(p, job->out, job->out_len);
}

/* Hand the current block to a worker (or compress it here with one thread). */
static int submit(copa__pgzip *p, int last)
{
    pgzip_job *job = &p->jobs[p->filled % p->slots];
    size_t keep = job->in_len < DICT ? job->in_len : DICT;

    job->last = last;
    /* The next block's dictionary; the slot may be reused before that block starts. */
    memcpy(p->dict, job->in + job->dict_len + job->in_len - keep, keep);
    p->dict_len = keep;
    if (p->threads == 1) {
        compress_job(&p->workers[0].z, job);
        p->filled++;
        return write_oldest(p);
    }
    pthread_mutex_lock(&p->lock);
    job->done = 0;
    p->filled++;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->lock);
    return 0;
}

/* Write finished blocks without waiting, then claim the next slot. */
static int begin_block(copa__pgzip *p)
{
    pgzip_job *job;
    int error;

    while (p->written < p->filled &&
           (p->filled - p->written >= p->slots || job_done(p, &p->jobs[p->written % p->slots])))
        if ((error = write_oldest(p)) != 0)
            return error;
    job = &p->jobs[p->filled % p->slots];
    memcpy(job->in, p->dict, p->dict_len);
    job->dict_len = p->dict_len;
    job->in_len = 0;
    return 0;
}

int copa__pgzip_write(copa__pgzip *p, const void *data, size_t length)
{
    const unsigned char *bytes = data;
    int error;

    if (p->error != 0)
        return copa__error_set(p->error, "%s", p->message);
    if (p->finished)
        return copa__error_set(COPA_EINVALID, "gzip: write after finish");
    p->total += length;
    while (length > 0) {
        pgzip_job *job = &p->jobs[p->filled % p->slots];
        size_t n = COPA__PGZIP_BLOCK - job->in_len;
        /* A full block waits for more input: only finish knows which block is last. */
        if (n == 0) {
            if ((error = submit(p, 0)) != 0 || (error = begin_block(p)) != 0)
                return fail(p, error);
            continue;
        }
        if (n > length)
            n = length;
        memcpy(job->in + job->dict_len + job->in_len, bytes, n);
        job->in_len += n;
        bytes += n;
        length -= n;
    }
    return 0;
}

int copa__pgzip_finish(copa__pgzip *p)
{
    unsigned char trailer[8];
    int error, i;

    if (p->error != 0)
        return copa__error_set(p->error, "%s", p->message);
    if (p->finished)
        return copa__error_set(COPA_EINVALID, "gzip: already finished");
    p->finished = 1;
    if ((error = submit(p, 1)) != 0)
        return fail(p, error);
    while (p->written < p->filled)
        if ((error = write_oldest(p)) != 0)
            return error;
    for (i = 0; i < 4; i++) {
        trailer[i] = (unsigned char)((p->crc >> (8 * i)) & 0xff);
        trailer[4 + i] = (unsigned char)((p->total >> (8 * i)) & 0xff);
    }
    return emit(p, trailer, sizeof(trailer));
}

/* The lock and both conditions, or none of them. */
static int init_sync(copa__pgzip *p)
{
    if (pthread_mutex_init(&p->lock, NULL) != 0)
        return -1;
    if (pthread_cond_init(&p->work, NULL) != 0) {
        pthread_mutex_destroy(&p->lock);
        return -1;
    }
    if (pthread_cond_init(&p->done, NULL) != 0) {
        pthread_cond_destroy(&p->work);
        pthread_mutex_destroy(&p->lock);
        return -1;
    }
    return 0;
}

static int alloc_jobs(copa__pgzip *p)
{
    size_t i;

    p->jobs = calloc(p->slots, sizeof(*p->jobs));
    if (p->jobs == NULL)
        return copa__error_oom();
    for (i = 0; i < p->slots; i++) {
        pgzip_job *job = &p->jobs[i];
        job->out_cap = compressBound(COPA__PGZIP_BLOCK) + 64;
        job->in = malloc(DICT + COPA__PGZIP_BLOCK);
        job->out = malloc(job->out_cap);
        if (job->in == NULL || job->out == NULL)
            return copa__error_oom();
    }
    return 0;
}

static int start_workers(copa__pgzip *p)
{
    int i, level = p->level > 0 ? p->level : Z_DEFAULT_COMPRESSION;

    p->workers = calloc((size_t)p->threads, sizeof(*p->workers));
    if (p->workers == NULL)
        return copa__error_oom();
    for (i = 0; i < p->threads; i++) {
        pgzip_worker *w = &p->workers[i];
        w->p = p;
        if (deflateInit2(&w->z, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            return copa__error_oom();
        w->z_ready = 1;
    }
    if (p->threads == 1)
        return 0;
    for (i = 0; i < p->threads; i++) {
        int rc = pthread_create(&p->workers[i].thread, NULL, worker_main, &p->workers[i]);
        if (rc != 0)
            return copa__error_set(COPA_ERROR, "gzip: cannot start a thread: %s", strerror(rc));
        p->workers[i].started = 1;
    }
    return 0;
}

int copa__pgzip_new(copa__pgzip **out, int level, int threads, copa__pgzip_out_fn out_fn,
                    void *payload)
{
    copa__pgzip *p;
    int error;

    if (level < 0 || level > 9)
        return copa__error_set(COPA_EINVALID, "gzip: level %d (expected 1 to 9)", level);
    if (threads < 1 || threads > COPA__THREADS_MAX)
        return copa__error_set(COPA_EINVALID, "gzip: %d threads", threads);
    p = calloc(1, sizeof(*p));
    if (p == NULL)
        return copa__error_oom();
    p->level = level;
    p->threads = threads;
    p->out_fn = out_fn;
    p->payload = payload;
    p->crc = crc32(0L, Z_NULL, 0);
    /* Two slots a thread: one being compressed, one queued or waiting to be written. */
    p->slots = threads == 1 ? 1 : 2 * (size_t)threads;
    if (init_sync(p) != 0) {
        free(p);
        return copa__error_oom();
    }
    if ((error = alloc_jobs(p)) != 0 || (error = start_workers(p)) != 0) {
        copa__pgzip_free(p);
        return error;
    }
    *out = p;
    return 0;
}

void copa__pgzip_free(copa__pgzip *p)
{
    size_t i;
    int t;

    if (p == NULL)
        return;
    if (p->workers != NULL) {
        pthread_mutex_lock(&p->lock);
        p->stop = 1;
        pthread_cond_broadcast(&p->work);
        pthread_mutex_unlock(&p->lock);
        for (t = 0; t < p->threads; t++) {
            if (p->workers[t].started)
                pthread_join(p->workers[t].thread, NULL);
            if (p->workers[t].z_ready)
                deflateEnd(&p->workers[t].z);
        }
        free(p->workers);
    }
    for (i = 0; p->jobs != NULL && i < p->slots; i++) {
        free(p->jobs[i].in);
        free(p->jobs[i].out);
    }
    free(p->jobs);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
