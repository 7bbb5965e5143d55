/*
 * Serializing writers of one OCI layout across processes. The lock is an
 * flock(2) on index.json itself, the file every writer reads, changes and
 * replaces; no lock file is added to the layout (the image-layout spec
 * names none, and strict readers see only the files they expect).
 */
#ifndef COPA_LIB_IMAGE_OCI_LAYOUT_LOCK_H
#define COPA_LIB_IMAGE_OCI_LAYOUT_LOCK_H

/* Polled while waiting for the lock; non-zero gives up (a caller's deadline). */
typedef int (*copa__layout_cancel_fn)(void *payload);

/* What copa__oci_layout_lock(create = 1) made (bits of *made). */
enum {
    COPA__LAYOUT_MADE_DIR = 1,    /* the layout directory */
    COPA__LAYOUT_MADE_MARKER = 2, /* oci-layout */
    COPA__LAYOUT_MADE_INDEX = 4   /* index.json (an empty index) */
};

/*
 * Lock the layout in dir: *fd holds an exclusive flock on the index.json
 * that is current (a writer replaces index.json by rename, so a lock won on
 * a file renamed away meanwhile is dropped and taken again on the new one).
 * With create, the directory, oci-layout and an empty index.json are made
 * when missing, never replacing an existing index.json, and *made (may be
 * NULL) gets COPA__LAYOUT_MADE_* bits; without it, a layout without
 * index.json is COPA_ENOTFOUND. Waits as long as another writer holds it
 * (writers hold it only to read and replace index.json).
 */
int copa__oci_layout_lock(int *fd, const char *dir, int create, unsigned *made);
/*
 * The same, but while another writer holds the lock, `cancel` (may be NULL:
 * wait as long as it takes) is asked every few milliseconds, and a non-zero
 * answer gives up with COPA_ECANCELLED.
 */
int copa__oci_layout_lock_until(int *fd, const char *dir, int create, unsigned *made,
                                copa__layout_cancel_fn cancel, void *payload);
/* Release the lock (closes fd; -1 is ignored). */
void copa__oci_layout_unlock(int fd);

#endif
