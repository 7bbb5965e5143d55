/*
 * The manifest: what each extracted path should be (owner, mode,
 * capability) whatever the disk could store. Records are appended as
 * entries are extracted; a lookup sorts once and takes the latest record.
 */
#include "scriptrun/internal.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

int copa__tree_meta_record(copa__tree *t, const char *path, unsigned mode, int64_t uid, int64_t gid,
                           const void *cap, size_t cap_len)
{
    if (t->nmeta == t->capmeta) {
        size_t cap_n = t->capmeta ? t->capmeta * 2 : 1024;
        copa__tree_meta *grown = realloc(t->meta, cap_n * sizeof *grown);
        if (!grown)
            return copa__error_oom();
        t->meta = grown;
        t->capmeta = cap_n;
    }
    copa__tree_meta *m = &t->meta[t->nmeta];
    memset(m, 0, sizeof *m);
    if (!(m->path = strdup(path)))
        return copa__error_oom();
    m->seq = t->nmeta++;
    m->mode = mode;
    m->uid = uid;
    m->gid = gid;
    if (cap && cap_len <= sizeof m->cap) {
        memcpy(m->cap, cap, cap_len);
        m->cap_len = cap_len;
    }
    t->sorted = 0;
    return 0;
}

static int by_path_then_seq(const void *a, const void *b)
{
    const copa__tree_meta *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

const copa__tree_meta *copa__tree_meta_find(copa__tree *t, const char *path)
{
    if (!t->sorted) {
        if (t->nmeta > 1)
            qsort(t->meta, t->nmeta, sizeof *t->meta, by_path_then_seq);
        t->sorted = 1;
    }
    size_t lo = 0, hi = t->nmeta;
    while (lo < hi) { /* the first record after every one for `path` */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(t->meta[mid].path, path) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && strcmp(t->meta[lo - 1].path, path) == 0 ? &t->meta[lo - 1] : NULL;
}
