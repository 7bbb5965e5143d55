/*
 * The state of an open .rpm, shared by rpm_file.c (structure),
 * rpm_verify.c (digests and signatures) and rpm_payload.c (the cpio stream).
 */
#ifndef COPA_LIB_RPM_RPM_FILE_IMPL_H
#define COPA_LIB_RPM_RPM_FILE_IMPL_H

#include "rpm/rpm_file.h"
#include "util/buffer.h"

#include <archive.h>

struct copa__rpm {
    char *name; /* the file name, for messages */
    const unsigned char *data;
    size_t size;
    int mapped;
    copa__rpm_header *sig;
    copa__rpm_header *hdr;
    copa__rpm_pkg *pkg;
    char *nevra;
    size_t header_offset; /* the main header's magic */
    size_t payload_offset;
    /* payload iteration */
    struct archive *ar;
    struct copa__rpm_payload_stream *stream; /* owned by ar */
    int payload_done;
    unsigned char *seen; /* one flag per header file */
    /* hard-link sets of the header (regular, non-%ghost files sharing device and inode) */
    uint32_t *set_of;       /* per file: the set's first file index */
    uint32_t *set_size;     /* per set head: members */
    uint32_t *set_seen;     /* per set head: members met in the payload */
    int64_t *carrier;       /* per set head: the member that carried the content, or -1 */
    int64_t *deferred_next; /* per file: the next member waiting for the content, or -1 */
    int64_t *deferred_head; /* per set head: the first waiting member, or -1 */
    uint32_t *pending;      /* members to hand out as hard links, after their carrier */
    uint32_t pending_count, pending_pos;
    int no_content; /* the current entry has no content to read */
    copa__buf path;
    copa__buf link;
};

struct archive_entry;

/* Hard-link sets (rpm_payload_links.c). */
int copa__rpm_links_init(copa__rpm *r);
void copa__rpm_links_free(copa__rpm *r);
/* Is this file part of a set of two or more? */
int copa__rpm_links_in_set(const copa__rpm *r, uint32_t index);
/* A payload member of a set: 1 with *out to hand out, 0 when it waits for the content. */
int copa__rpm_links_member(copa__rpm *r, uint32_t index, uint64_t archive_size,
                           copa__rpm_payload_entry *out);
/* 1 with *out when a member waits to be handed out as a hard link, else 0. */
int copa__rpm_links_pending(copa__rpm *r, copa__rpm_payload_entry *out);
/* At the end of the payload: every set got its content. */
int copa__rpm_links_check_complete(copa__rpm *r);

#endif
