/*
 * Hard links in an rpm payload. The header says which files are one inode
 * (same FILEDEVICES and FILEINODES); rpm's cpio (newc) stores the content
 * once, with the set's last member, and the other members come first and
 * empty. Consumers get the member with the content as a regular file and
 * then every other member as a hard link to it, so a link always points
 * at an entry already handed out. The sets come from the signed header,
 * never from the payload's own link fields.
 */
#include "rpm/rpm_file_impl.h"
#include "rpm/rpm_tags.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int linkable(const copa__rpm_file *f)
{
    return S_ISREG(f->mode) && !(f->flags & COPA__RPM_FILE_GHOST);
}

static int compare_inodes(const void *a, const void *b, void *files)
{
    const copa__rpm_file *f = files, *x = &f[*(const uint32_t *)a], *y = &f[*(const uint32_t *)b];
    if (x->device != y->device)
        return x->device < y->device ? -1 : 1;
    if (x->inode != y->inode)
        return x->inode < y->inode ? -1 : 1;
    return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

static int allocate(copa__rpm *r, uint32_t n)
{
    uint32_t i;
    r->set_of = malloc(n * sizeof(*r->set_of));
    r->set_size = calloc(n, sizeof(*r->set_size));
    r->set_seen = calloc(n, sizeof(*r->set_seen));
    r->carrier = malloc(n * sizeof(*r->carrier));
    r->deferred_next = malloc(n * sizeof(*r->deferred_next));
    r->deferred_head = malloc(n * sizeof(*r->deferred_head));
    r->pending = malloc(n * sizeof(*r->pending));
    if (!r->set_of || !r->set_size || !r->set_seen || !r->carrier || !r->deferred_next ||
        !r->deferred_head || !r->pending)
        return copa__error_oom();
    for (i = 0; i < n; i++) {
        r->set_of[i] = i;
        r->carrier[i] = r->deferred_next[i] = r->deferred_head[i] = -1;
    }
    return 0;
}

int copa__rpm_links_init(copa__rpm *r)
{
    const copa__rpm_file *files = r->pkg->files;
    uint32_t n = r->pkg->file_count, m = 0, i, *order;
    int rc;

    if (n == 0)
        return 0;
    if ((rc = allocate(r, n)) < 0)
        return rc;
    if ((order = malloc(n * sizeof(*order))) == NULL)
        return copa__error_oom();
    for (i = 0; i < n; i++)
        if (linkable(&files[i]))
            order[m++] = i;
    qsort_r(order, m, sizeof(*order), compare_inodes, (void *)files);
    for (i = 0; i < m; i++) {
        uint32_t head = order[i];
        if (i > 0 && files[order[i - 1]].device == files[order[i]].device &&
            files[order[i - 1]].inode == files[order[i]].inode)
            head = r->set_of[order[i - 1]];
        r->set_of[order[i]] = head;
        r->set_size[head]++;
    }
    free(order);
    return 0;
}

void copa__rpm_links_free(copa__rpm *r)
{
    free(r->set_of);
    free(r->set_size);
    free(r->set_seen);
    free(r->carrier);
    free(r->deferred_next);
    free(r->deferred_head);
    free(r->pending);
}

int copa__rpm_links_in_set(const copa__rpm *r, uint32_t index)
{
    return r->set_of != NULL && linkable(&r->pkg->files[index]) &&
           r->set_size[r->set_of[index]] > 1;
}

static void hardlink_entry(copa__rpm *r, uint32_t index, uint32_t target,
                           copa__rpm_payload_entry *out)
{
    const copa__rpm_file *f = &r->pkg->files[index];
    memset(out, 0, sizeof(*out));
    out->path = f->path;
    out->file_index = index;
    out->type = COPA__RPM_ENTRY_HARDLINK;
    out->mode = f->mode & 07777u;
    out->link = r->pkg->files[target].path;
}

/* The carrier arrived: queue the members that waited for it. */
static void release_deferred(copa__rpm *r, uint32_t head)
{
    int64_t i;
    r->pending_count = r->pending_pos = 0;
    for (i = r->deferred_head[head]; i >= 0; i = r->deferred_next[i])
        r->pending[r->pending_count++] = (uint32_t)i;
    r->deferred_head[head] = -1;
}

int copa__rpm_links_member(copa__rpm *r, uint32_t index, uint64_t archive_size,
                           copa__rpm_payload_entry *out)
{
    const copa__rpm_file *f = &r->pkg->files[index];
    uint32_t head = r->set_of[index];
    int last = ++r->set_seen[head] == r->set_size[head];
    int has_content = archive_size > 0 || (f->size == 0 && last);

    if (r->carrier[head] >= 0) {
        if (archive_size > 0)
            return copa__error_set(COPA_EINVALID,
                                   "%s: %s payload stores content twice for the hard links of '%s'",
                                   r->name, r->nevra, f->path);
        hardlink_entry(r, index, (uint32_t)r->carrier[head], out);
        return 1;
    }
    if (!has_content) {
        if (last)
            return copa__error_set(COPA_EINVALID,
                                   "%s: %s payload has no content for the hard links of '%s'",
                                   r->name, r->nevra, f->path);
        r->deferred_next[index] = r->deferred_head[head];
        r->deferred_head[head] = index;
        return 0;
    }
    if (archive_size != f->size)
        return copa__error_set(
            COPA_EINVALID, "%s: %s payload file '%s' has %llu bytes, the header %llu", r->name,
            r->nevra, f->path, (unsigned long long)archive_size, (unsigned long long)f->size);
    r->carrier[head] = index;
    release_deferred(r, head);
    memset(out, 0, sizeof(*out));
    out->path = f->path;
    out->file_index = index;
    out->type = COPA__RPM_ENTRY_FILE;
    out->mode = f->mode & 07777u;
    out->size = archive_size;
    out->link = "";
    return 1;
}

int copa__rpm_links_pending(copa__rpm *r, copa__rpm_payload_entry *out)
{
    uint32_t index;
    if (r->pending_pos >= r->pending_count)
        return 0;
    index = r->pending[r->pending_pos++];
    hardlink_entry(r, index, (uint32_t)r->carrier[r->set_of[index]], out);
    return 1;
}

int copa__rpm_links_check_complete(copa__rpm *r)
{
    uint32_t i;
    for (i = 0; i < r->pkg->file_count; i++)
        if (r->set_of != NULL && r->deferred_head[i] >= 0)
            return copa__error_set(COPA_EINVALID,
                                   "%s: %s payload has no content for the hard links of '%s'",
                                   r->name, r->nevra, r->pkg->files[i].path);
    return 0;
}
