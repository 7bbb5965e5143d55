/*
 * The per-layer index cache (lib/layercache): a hit gives exactly the view
 * reading the layer gives; a miss fills the cache; a damaged, truncated,
 * foreign-version or foreign-descriptor entry is a miss and is written
 * again; an entry recorded over another base is refused when this base
 * keeps more; old entries are pruned, used ones kept; two processes
 * filling the same layer while a third reads never produce or serve a bad
 * entry, and once the entry exists the reader never misses it (renames); COPA_NO_LAYER_CACHE turns
 * it off.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <copa.h>

#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

#include "../layer/layer_helpers.h"
#include "layercache/entry_format.h"
#include "layercache/layer_cache.h"

typedef struct layer {
    char path[256];
    char *digest, *diff_id;
    int64_t size;
} layer;

static void layer_make(layer *l, const char *name, const char *body)
{
    struct stat st;

    snprintf(l->path, sizeof(l->path), "%s", lh_path(name));
    assert_int_equal(lh_python_tar(l->path, "gz", body), 0);
    l->digest = lh_sha256_file(l->path);
    {
        char *hex = lh_output("zcat '%s' | sha256sum | cut -d' ' -f1", l->path);
        l->diff_id = malloc(strlen(hex) + 8);
        sprintf(l->diff_id, "sha256:%s", hex);
        free(hex);
    }
    assert_int_equal(stat(l->path, &st), 0);
    l->size = st.st_size;
}

static void layer_free(layer *l)
{
    free(l->digest);
    free(l->diff_id);
}

static copa__layer_desc desc_of(const layer *l)
{
    copa__layer_desc d = {LH_GZIP, l->digest, l->size, l->diff_id};
    return d;
}

/* Read the layer's bytes into fs through the cache (NULL: plain). */
static int add_bytes(copa__layer_cache *c, copa__rootfs *fs, const layer *l)
{
    copa__layer_desc d = desc_of(l);
    copa__layer_source source = {-1, NULL, NULL};
    int rc;

    source.fd = open(l->path, O_RDONLY);
    assert_true(source.fd >= 0);
    rc = c != NULL ? copa__layer_cache_add(c, fs, &d, &source)
                   : copa__rootfs_add_layer(fs, &d, &source);
    close(source.fd);
    return rc;
}

static int apply(copa__layer_cache *c, copa__rootfs *fs, const layer *l, int *needs_bytes)
{
    copa__layer_desc d = desc_of(l);
    return copa__layer_cache_apply(c, fs, &d, needs_bytes);
}

typedef struct dumper {
    FILE *out;
    const copa__rootfs *fs;
} dumper;

static int dump_one(void *payload, const char *path, const copa__rootfs_stat *st)
{
    dumper *d = payload;
    const void *data;
    size_t length, i;

    fprintf(d->out, "%s t%d m%o %lld:%lld %s:%s s%lld t%lld l'%s' L%u h%d k%d c", path,
            (int)st->type, st->mode, (long long)st->uid, (long long)st->gid, st->uname, st->gname,
            (long long)st->size, (long long)st->mtime, st->link, st->layer, st->hardlink, st->kept);
    for (i = 0; i < st->capability_length; i++)
        fprintf(d->out, "%02x", ((const unsigned char *)st->capability)[i]);
    if (st->kept && st->type == COPA__ENTRY_FILE &&
        copa__rootfs_read(&data, &length, d->fs, path) == 0) {
        fprintf(d->out, " [");
        fwrite(data, 1, length, d->out);
        fprintf(d->out, "]");
    }
    fprintf(d->out, "\n");
    return 0;
}

/* Everything the view says, as text: two views are the same iff their dumps are. */
static char *dump(const copa__rootfs *fs)
{
    dumper d;
    char *text = NULL;
    size_t length = 0;

    d.out = open_memstream(&text, &length);
    d.fs = fs;
    assert_int_equal(copa__rootfs_walk(fs, dump_one, &d), 0);
    fclose(d.out);
    return text;
}

static copa__layer_cache *open_cache(void)
{
    copa__layer_cache *c;

    assert_int_equal(copa__layer_cache_open(&c, lh_path("cache")), 0);
    assert_non_null(c);
    return c;
}

static int entry_exists(const copa__layer_cache *c, const layer *l)
{
    char *path = copa__layer_cache_entry_path(c, l->digest);
    int found = access(path, F_OK) == 0;

    free(path);
    return found;
}

/* Base layers with kept files, symlinks (merged /usr), hardlinks, owners, a big file. */
static const char *const base_body =
    "d('etc')\nf('etc/passwd', b'root:x:0:0::/root:/bin/sh\\n')\n"
    "f('etc/os-release', b'ID=debian\\n')\nf('etc/shadowish', b'', 0o640, 0, 42)\n"
    "d('usr')\nd('usr/lib')\nl('lib', 'usr/lib')\nd('usr/bin')\n"
    "f('usr/bin/tool', b'\\x7fELF' * 100, 0o4755)\n"
    "d('var')\nd('var/lib')\nd('var/lib/dpkg')\nf('var/lib/dpkg/status', b'Package: a\\n')\n"
    "d('opt')\nd('opt/app')\nf('opt/app/x', b'x')\nd('opt/app/sub')\nf('opt/app/sub/y')\n"
    "h('etc/hard', 'etc/passwd')\n"
    "i = tarfile.TarInfo('etc/owned'); i.size = 1; i.uname = 'alice'; i.gname = 'staff'\n"
    "i.uid = 1000; i.gid = 50; i.mtime = 77; t.addfile(i, io.BytesIO(b'o'))\n";
static const char *const top_body =
    "f('etc/.wh.os-release')\nf('opt/app/.wh..wh..opq')\nf('opt/app/new', b'n')\n"
    "d('lib/apk')\nd('lib/apk/db')\nf('lib/apk/db/installed', b'P:musl\\n')\n"
    "f('etc/passwd', b'root:x:0:0::/root:/bin/bash\\n')\nl('etc/link', '../usr/bin/tool')\n";

static void a_hit_gives_the_same_view_as_reading_the_bytes(void **state)
{
    copa__layer_cache *c = open_cache();
    copa__rootfs *plain, *cold, *warm;
    layer base, top;
    char *a, *b, *w;
    int needs;

    (void)state;
    layer_make(&base, "hit-base.tar.gz", base_body);
    layer_make(&top, "hit-top.tar.gz", top_body);
    assert_int_equal(copa__rootfs_new(&plain, NULL), 0);
    assert_int_equal(add_bytes(NULL, plain, &base), 0);
    assert_int_equal(add_bytes(NULL, plain, &top), 0);
    /* A miss: read from the bytes, filling the cache. */
    assert_int_equal(copa__rootfs_new(&cold, NULL), 0);
    assert_int_equal(apply(c, cold, &base, &needs), COPA_ENOTFOUND);
    assert_int_equal(needs, 0);
    assert_int_equal(add_bytes(c, cold, &base), 0);
    assert_int_equal(add_bytes(c, cold, &top), 0);
    assert_true(entry_exists(c, &base) && entry_exists(c, &top));
    /* A hit: the layers' bytes are gone, the view is the same. */
    unlink(base.path);
    unlink(top.path);
    assert_int_equal(copa__rootfs_new(&warm, NULL), 0);
    assert_int_equal(apply(c, warm, &base, &needs), 0);
    assert_int_equal(apply(c, warm, &top, &needs), 0);
    a = dump(plain);
    b = dump(cold);
    w = dump(warm);
    assert_non_null(strstr(a, "/usr/lib/apk/db/installed t1 ")); /* kept through lib -> usr/lib */
    assert_non_null(strstr(a, "[P:musl\n]"));
    assert_non_null(strstr(a, "/etc/hard t1 m644 0:0 : s26"));
    assert_null(strstr(a, "/opt/app/x"));
    assert_string_equal(a, b);
    assert_string_equal(a, w);
    assert_int_equal(copa__rootfs_memory(warm) > 0, 1);
    free(a);
    free(b);
    free(w);
    copa__rootfs_free(plain);
    copa__rootfs_free(cold);
    copa__rootfs_free(warm);
    layer_free(&base);
    layer_free(&top);
    copa__layer_cache_free(c);
}

/* Our own writer's layer: a file with security.capability and a hardlink to it. */
static void capability_layer(layer *l)
{
    static const unsigned char value[20] = {1, 0, 0, 2, 0, 0x20};
    copa__xattr x = {"security.capability", value, sizeof(value)};
    copa__layer_writer_options options;
    copa__layer_writer *w;
    copa__layer_result r;
    copa__layer_wentry e;
    struct stat st;

    copa__layer_writer_options_init(&options);
    assert_int_equal(copa__layer_writer_new(&w, &options), 0);
    memset(&e, 0, sizeof(e));
    e.mtime = COPA__MTIME_EPOCH;
    e.path = "usr/bin";
    e.type = COPA__ENTRY_DIR;
    e.mode = 0755;
    assert_int_equal(copa__layer_writer_add(w, &e), 0);
    e.path = "usr/bin/ping";
    e.type = COPA__ENTRY_FILE;
    e.xattrs = &x;
    e.xattr_count = 1;
    assert_int_equal(copa__layer_writer_add_file(w, &e, "elf", 3), 0);
    e.path = "usr/bin/ping4";
    e.type = COPA__ENTRY_HARDLINK;
    e.link = "usr/bin/ping";
    e.xattrs = NULL;
    e.xattr_count = 0;
    assert_int_equal(copa__layer_writer_add(w, &e), 0);
    snprintf(l->path, sizeof(l->path), "%s", lh_path("cap.tar.gz"));
    assert_int_equal(copa__layer_writer_finish_path(w, l->path, &r), 0);
    copa__layer_writer_free(w);
    l->digest = strdup(r.digest);
    l->diff_id = strdup(r.diff_id);
    assert_int_equal(stat(l->path, &st), 0);
    l->size = st.st_size;
}

static void capabilities_survive_the_cache(void **state)
{
    copa__layer_cache *c = open_cache();
    copa__rootfs *cold, *warm;
    layer l;
    char *a, *b;
    int needs;

    (void)state;
    capability_layer(&l);
    assert_int_equal(copa__rootfs_new(&cold, NULL), 0);
    assert_int_equal(add_bytes(c, cold, &l), 0);
    assert_int_equal(copa__rootfs_new(&warm, NULL), 0);
    assert_int_equal(apply(c, warm, &l, &needs), 0);
    a = dump(cold);
    b = dump(warm);
    assert_non_null(strstr(a, "/usr/bin/ping4 t1 m755 0:0 : s3 t0 l'' L0 h1 k0 c01000002002000"));
    assert_string_equal(a, b);
    free(a);
    free(b);
    copa__rootfs_free(cold);
    copa__rootfs_free(warm);
    layer_free(&l);
    copa__layer_cache_free(c);
}

/* Apply must miss, remove the entry and leave the view usable; a fill writes it again. */
static void expect_miss_then_refill(copa__layer_cache *c, const layer *l, const char *expected)
{
    copa__rootfs *fs;
    char *view;
    int needs = 7;

    assert_int_equal(copa__rootfs_new(&fs, NULL), 0);
    assert_int_equal(apply(c, fs, l, &needs), COPA_ENOTFOUND);
    assert_int_equal(needs, 0);
    assert_false(entry_exists(c, l));
    assert_int_equal(copa__rootfs_entry_count(fs), 0);
    assert_int_equal(add_bytes(c, fs, l), 0); /* the view was left untouched and usable */
    assert_true(entry_exists(c, l));
    copa__rootfs_free(fs);
    assert_int_equal(copa__rootfs_new(&fs, NULL), 0);
    assert_int_equal(apply(c, fs, l, &needs), 0);
    view = dump(fs);
    assert_string_equal(view, expected);
    free(view);
    copa__rootfs_free(fs);
}

static void damaged_entries_are_misses_and_written_again(void **state)
{
    copa__layer_cache *c = open_cache();
    copa__rootfs *fs;
    layer l;
    char *entry, *expected;
    struct stat st;
    int needs;

    (void)state;
    layer_make(&l, "damage.tar.gz", base_body);
    assert_int_equal(copa__rootfs_new(&fs, NULL), 0);
    assert_int_equal(add_bytes(c, fs, &l), 0);
    expected = dump(fs);
    copa__rootfs_free(fs);
    entry = copa__layer_cache_entry_path(c, l.digest);
    assert_int_equal(stat(entry, &st), 0);
    /* One byte flipped in a kept file's content (the view would differ), */
    assert_int_equal(lh_run("python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,\"rb\")"
                            ".read()); i=b.find(b\"root:x\"); b[i]^=1; open(p,\"wb\").write(b)' "
                            "'%s'",
                            entry),
                     0);
    expect_miss_then_refill(c, &l, expected);
    /* in the trailer, */
    assert_int_equal(lh_run("python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,\"rb\")"
                            ".read()); b[-1]^=0x80; open(p,\"wb\").write(b)' '%s'",
                            entry),
                     0);
    expect_miss_then_refill(c, &l, expected);
    /* a truncated entry (a crash before the data reached the disk), */
    assert_int_equal(truncate(entry, st.st_size / 2), 0);
    expect_miss_then_refill(c, &l, expected);
    assert_int_equal(truncate(entry, 0), 0);
    expect_miss_then_refill(c, &l, expected);
    /* another format version with a valid trailer, */
    assert_int_equal(lh_run("python3 -c 'import sys, hashlib; p=sys.argv[1]; b=bytearray(open(p,"
                            "\"rb\").read()[:-32]); b[8]=2; open(p,\"wb\").write(bytes(b)+"
                            "hashlib.sha256(b).digest())' '%s'",
                            entry),
                     0);
    expect_miss_then_refill(c, &l, expected);
    /* and an entry recorded under another descriptor (here: the diff_id). */
    {
        layer other = l;
        char *old = l.diff_id;
        other.diff_id = strdup(l.diff_id);
        other.diff_id[10] = other.diff_id[10] == '0' ? '1' : '0';
        assert_int_equal(copa__rootfs_new(&fs, NULL), 0);
        assert_int_equal(apply(c, fs, &other, &needs), COPA_ENOTFOUND);
        assert_false(entry_exists(c, &l));
        /* and the layer's bytes do not match that diff_id either */
        assert_int_equal(add_bytes(c, fs, &other), COPA_EVERIFY);
        assert_false(entry_exists(c, &l)); /* a failed read stores nothing */
        copa__rootfs_free(fs);
        free(other.diff_id);
        l.diff_id = old;
    }
    free(entry);
    free(expected);
    layer_free(&l);
    copa__layer_cache_free(c);
}

static void an_entry_recorded_over_another_base_is_refused(void **state)
{
    copa__layer_cache *c = open_cache();
    copa__rootfs *fs;
    layer plain_base, merged_base, apk;
    char *expected, *view;
    int needs;

    (void)state;
    layer_make(&plain_base, "plain.tar.gz", "d('usr')\nd('usr/lib')");
    layer_make(&merged_base, "merged.tar.gz", "d('usr')\nd('usr/lib')\nl('lib', 'usr/lib')");
    layer_make(&apk, "apk.tar.gz",
               "d('usr/lib/apk')\nd('usr/lib/apk/db')\nf('usr/lib/apk/db/installed', b'P:x\\n')");
    /* Over the plain base /usr/lib/apk/db/installed is not under a kept prefix. */
    assert_int_equal(copa__rootfs_new(&fs, NULL), 0);
    assert_int_equal(add_bytes(c, fs, &plain_base), 0);
    assert_int_equal(add_bytes(c, fs, &apk), 0);
    copa__rootfs_free(fs);
    /* Over lib -> usr/lib it is (/lib/apk/db): the record lacks it. */
    assert_int_equal(copa__rootfs_new(&fs, NULL), 0);
    assert_int_equal(add_bytes(NULL, fs, &merged_base), 0);
    assert_int_equal(apply(c, fs, &apk, &needs), COPA_ENOTFOUND);
    assert_int_equal(needs, 1);
    assert_int_not_equal(add_bytes(NULL, fs, &plain_base), 0); /* the view is unusable */
    copa__rootfs_free(fs);
    /* Built again from the bytes, the view keeps it, and so does the new entry. */
    assert_int_equal(copa__rootfs_new(&fs, NULL), 0);
    assert_int_equal(add_bytes(NULL, fs, &merged_base), 0);
    assert_int_equal(add_bytes(c, fs, &apk), 0);
    expected = dump(fs);
    assert_non_null(strstr(expected, "[P:x\n]"));
    copa__rootfs_free(fs);
    assert_int_equal(copa__rootfs_new(&fs, NULL), 0);
    assert_int_equal(add_bytes(NULL, fs, &merged_base), 0);
    assert_int_equal(apply(c, fs, &apk, &needs), 0);
    view = dump(fs);
    assert_string_equal(view, expected);
    free(view);
    free(expected);
    copa__rootfs_free(fs);
    layer_free(&plain_base);
    layer_free(&merged_base);
    layer_free(&apk);
    copa__layer_cache_free(c);
}

static void set_age(const char *path, time_t age)
{
    struct timespec times[2];

    times[0].tv_sec = times[1].tv_sec = time(NULL) - age;
    times[0].tv_nsec = times[1].tv_nsec = 0;
    assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

static void unused_entries_are_evicted_used_ones_kept(void **state)
{
    copa__layer_cache *c = open_cache();
    copa__rootfs *fs;
    layer used, unused;
    char *used_path, *unused_path;
    int needs;

    (void)state;
    layer_make(&used, "used.tar.gz", "d('etc')\nf('etc/used', b'u')");
    layer_make(&unused, "unused.tar.gz", "d('etc')\nf('etc/unused', b'n')");
    assert_int_equal(copa__rootfs_new(&fs, NULL), 0);
    assert_int_equal(add_bytes(c, fs, &used), 0);
    assert_int_equal(add_bytes(c, fs, &unused), 0);
    copa__rootfs_free(fs);
    used_path = copa__layer_cache_entry_path(c, used.digest);
    unused_path = copa__layer_cache_entry_path(c, unused.digest);
    /* Both 31 days old; then one of them is used. */
    set_age(used_path, 31 * 24 * 3600);
    set_age(unused_path, 31 * 24 * 3600);
    assert_int_equal(copa__rootfs_new(&fs, NULL), 0);
    assert_int_equal(apply(c, fs, &used, &needs), 0);
    copa__rootfs_free(fs);
    copa__layer_cache_free(c);
    c = open_cache(); /* opening prunes */
    assert_int_equal(access(used_path, F_OK), 0);
    assert_int_not_equal(access(unused_path, F_OK), 0);
    free(used_path);
    free(unused_path);
    layer_free(&used);
    layer_free(&unused);
    copa__layer_cache_free(c);
}

/* Temporary files left in the cache directory. */
static int temporaries(const copa__layer_cache *c)
{
    DIR *d = opendir(copa__layer_cache_dir(c));
    struct dirent *e;
    int count = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        count += strncmp(e->d_name, ".tmp-", 5) == 0;
    closedir(d);
    return count;
}

static void concurrent_fills_and_reads_are_safe(void **state)
{
    copa__layer_cache *c = open_cache();
    copa__rootfs *fs;
    layer l;
    char *expected;
    pid_t children[3];
    int i, status, go[2];

    (void)state;
    layer_make(&l, "many.tar.gz",
               "d('etc')\nd('etc/many')\n"
               "for k in range(3000): f('etc/many/%d' % k, b'v' * (k % 200))");
    assert_int_equal(copa__rootfs_new(&fs, NULL), 0);
    assert_int_equal(add_bytes(NULL, fs, &l), 0);
    expected = dump(fs);
    copa__rootfs_free(fs);
    assert_int_equal(pipe(go), 0);
    for (i = 0; i < 3; i++) {
        if ((children[i] = fork()) == 0) {
            copa__layer_cache *mine;
            int round, bad = 0, hits = 0;
            char byte;
            close(go[1]);
            if (read(go[0], &byte, 1) != 0 || copa__layer_cache_open(&mine, lh_path("cache")) != 0)
                _exit(2);
            /* The reader goes on until it has seen the entry whole 30 times. */
            for (round = 0; (i < 2 ? round < 15 : hits < 30 && round < 3000) && !bad; round++) {
                int needs, rc;
                if (copa__rootfs_new(&fs, NULL) != 0)
                    _exit(2);
                /* Two fillers, one reader that must only ever see a whole entry. */
                rc = i < 2 ? add_bytes(mine, fs, &l) : apply(mine, fs, &l, &needs);
                if (rc == 0) {
                    char *view = dump(fs);
                    bad = strcmp(view, expected) != 0;
                    free(view);
                    hits++;
                } else {
                    /* Once an entry was whole, renames only ever replace it with a whole one. */
                    bad = i < 2 || rc != COPA_ENOTFOUND || hits > 0;
                    usleep(2000);
                }
                copa__rootfs_free(fs);
            }
            /* What the child copied from the parent is freed too: valgrind
             * checks each process's leaks when it exits. */
            copa__layer_cache_free(mine);
            copa__layer_cache_free(c);
            layer_free(&l);
            free(expected);
            _exit(bad || (i == 2 && hits == 0));
        }
    }
    close(go[0]);
    close(go[1]); /* all three start at once */
    for (i = 0; i < 3; i++) {
        assert_int_equal(waitpid(children[i], &status, 0), children[i]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    assert_int_equal(temporaries(c), 0);
    {
        int needs;
        char *view;
        assert_int_equal(copa__rootfs_new(&fs, NULL), 0);
        assert_int_equal(apply(c, fs, &l, &needs), 0);
        view = dump(fs);
        assert_string_equal(view, expected);
        free(view);
        copa__rootfs_free(fs);
    }
    free(expected);
    layer_free(&l);
    copa__layer_cache_free(c);
}

/* A record of one entry, built by hand: header for `desc`, the entry, end, trailer. */
static size_t hand_record(unsigned char *out, const copa__layer_desc *desc, unsigned int type,
                          const char *path, const char *link)
{
    size_t n = 0;
    const char *strs[3];
    int i;

#define U32(v)                                                                                     \
    (out[n++] = (unsigned char)(v), out[n++] = (unsigned char)((v) >> 8),                          \
     out[n++] = (unsigned char)((v) >> 16), out[n++] = (unsigned char)((v) >> 24))
#define STR(t) (U32((uint32_t)strlen(t)), memcpy(out + n, t, strlen(t) + 1), n += strlen(t) + 1)
    memcpy(out, "COPALIX", 8);
    n = 8;
    U32(1u);
    STR(desc->digest);
    STR(desc->media_type);
    memset(out + n, 0, 8);
    out[n] = 1; /* size 1 */
    n += 8;
    U32(0xffffffffu); /* diff_id NULL */
    out[n++] = 1;     /* an entry */
    out[n++] = (unsigned char)type;
    U32(0755u);
    memset(out + n, 0, 4 * 8 + 2 * 4); /* uid, gid, size, mtime, devmajor, devminor */
    n += 4 * 8 + 2 * 4;
    strs[0] = path;
    strs[1] = link;
    strs[2] = "";
    for (i = 0; i < 3; i++)
        STR(strs[i]);
    STR("");          /* gname */
    U32(0xffffffffu); /* no capability */
    out[n++] = 0;     /* not kept */
    out[n++] = 0;     /* the end */
    copa__sha256_buffer(out + n, out, n);
#undef U32
#undef STR
    return n + 32;
}

/* Entries the layer reader never delivers are refused before anything is applied. */
static void records_hold_only_what_the_reader_delivers(void **state)
{
    copa__layer_desc desc = {LH_TAR,
                             "sha256:0000000000000000000000000000000000000000000000000000"
                             "000000000000",
                             1, NULL};
    unsigned char record[1024];
    copa__lix_reader r;
    size_t n;

    (void)state;
    n = hand_record(record, &desc, COPA__ENTRY_DIR, "etc", "");
    assert_int_equal(copa__lix_open(&r, record, n, &desc), 0); /* the builder is right */
    /* a file naming the root (left the view's prefix resolution looping for ever) */
    n = hand_record(record, &desc, COPA__ENTRY_FILE, "", "");
    assert_int_equal(copa__lix_open(&r, record, n, &desc), COPA_EINVALID);
    n = hand_record(record, &desc, COPA__ENTRY_SYMLINK, "", "x");
    assert_int_equal(copa__lix_open(&r, record, n, &desc), COPA_EINVALID);
    /* paths that are not normalised, or climb */
    n = hand_record(record, &desc, COPA__ENTRY_DIR, "a/../../etc", "");
    assert_int_equal(copa__lix_open(&r, record, n, &desc), COPA_EINVALID);
    n = hand_record(record, &desc, COPA__ENTRY_DIR, "/etc", "");
    assert_int_equal(copa__lix_open(&r, record, n, &desc), COPA_EINVALID);
    /* a hardlink to the root or outside */
    n = hand_record(record, &desc, COPA__ENTRY_HARDLINK, "x", "");
    assert_int_equal(copa__lix_open(&r, record, n, &desc), COPA_EINVALID);
    n = hand_record(record, &desc, COPA__ENTRY_HARDLINK, "x", "../etc/shadow");
    assert_int_equal(copa__lix_open(&r, record, n, &desc), COPA_EINVALID);
    /* an unknown type */
    n = hand_record(record, &desc, 42, "x", "");
    assert_int_equal(copa__lix_open(&r, record, n, &desc), COPA_EINVALID);
    copa_error_clear();
}

static void the_cache_can_be_turned_off(void **state)
{
    copa__layer_cache *c = (copa__layer_cache *)1;

    (void)state;
    setenv("COPA_NO_LAYER_CACHE", "1", 1);
    assert_int_equal(copa__layer_cache_open(&c, lh_path("cache")), 0);
    assert_null(c);
    setenv("COPA_NO_LAYER_CACHE", "0", 1);
    assert_int_equal(copa__layer_cache_open(&c, lh_path("cache")), 0);
    assert_non_null(c);
    copa__layer_cache_free(c);
    unsetenv("COPA_NO_LAYER_CACHE");
    /* An unusable directory is no cache, not a failure. */
    assert_int_equal(copa__layer_cache_open(&c, "/proc/copa-no-such-cache"), 0);
    assert_null(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_hit_gives_the_same_view_as_reading_the_bytes),
        cmocka_unit_test(capabilities_survive_the_cache),
        cmocka_unit_test(damaged_entries_are_misses_and_written_again),
        cmocka_unit_test(an_entry_recorded_over_another_base_is_refused),
        cmocka_unit_test(unused_entries_are_evicted_used_ones_kept),
        cmocka_unit_test(concurrent_fills_and_reads_are_safe),
        cmocka_unit_test(records_hold_only_what_the_reader_delivers),
        cmocka_unit_test(the_cache_can_be_turned_off),
    };
    int rc;

    unsetenv("COPA_NO_LAYER_CACHE");
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lh_cleanup();
    return rc;
}
