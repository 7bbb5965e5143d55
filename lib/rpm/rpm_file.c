/*
 * Opening a .rpm: the 96-byte lead, the signature header (padded to 8
 * bytes), the main header, and where the payload starts. Both headers must
 * carry their region, covering the whole header, as every rpm since 4.0
 * writes them: the signatures cover exactly that region.
 */
#include "rpm/rpm_file_impl.h"
#include "rpm/rpm_tags.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const unsigned char lead_magic[4] = {0xed, 0xab, 0xee, 0xdb};
enum { RPMSIGTYPE_HEADERSIG = 5, LEAD_SIGTYPE_OFFSET = 78 };

static int check_lead(const copa__rpm *r)
{
    unsigned sigtype;
    if (r->size < COPA__RPM_LEAD_LEN || memcmp(r->data, lead_magic, 4) != 0)
        return copa__error_set(COPA_EINVALID, "%s: not an rpm package (no lead magic)", r->name);
    if (r->data[4] < 3)
        return copa__error_set(COPA_EUNSUPPORTED, "%s: rpm format version %u is too old", r->name,
                               r->data[4]);
    sigtype = (unsigned)r->data[LEAD_SIGTYPE_OFFSET] << 8 | r->data[LEAD_SIGTYPE_OFFSET + 1];
    if (sigtype != RPMSIGTYPE_HEADERSIG)
        return copa__error_set(COPA_EUNSUPPORTED, "%s: lead signature type %u (want 5, a header)",
                               r->name, sigtype);
    return 0;
}

static int read_headers(copa__rpm *r)
{
    copa__rpm_header_options sig_opts = {1, COPA__RPM_TAG_HEADERSIGNATURES, 1, 0};
    copa__rpm_header_options hdr_opts = {1, COPA__RPM_TAG_HEADERIMMUTABLE, 1, 0};
    size_t used, off = COPA__RPM_LEAD_LEN;
    copa__buf label = COPA__BUF_INIT;
    int rc;

    if (copa__buf_appendf(&label, "%s signature header", r->name) < 0)
        return copa__error_oom();
    rc =
        copa__rpm_header_parse(&r->sig, label.data, r->data + off, r->size - off, &sig_opts, &used);
    copa__buf_free(&label);
    if (rc < 0)
        return rc;
    off += used;
    off += (8 - used % 8) % 8; /* the signature header is padded to a multiple of 8 */
    if (off > r->size)
        return copa__error_set(COPA_EINVALID, "%s: truncated after the signature header", r->name);
    r->header_offset = off;
    rc = copa__rpm_header_parse(&r->hdr, r->name, r->data + off, r->size - off, &hdr_opts, &used);
    if (rc < 0)
        return rc;
    r->payload_offset = off + used;
    return 0;
}

static int open_common(copa__rpm *r)
{
    int rc = check_lead(r);
    if (rc == 0)
        rc = read_headers(r);
    if (rc == 0)
        rc = copa__rpm_pkg_from_header(&r->pkg, r->hdr, r->name);
    if (rc == 0 && (r->nevra = copa__rpm_pkg_nevra(r->pkg)) == NULL)
        rc = copa__error_oom();
    return rc;
}

int copa__rpm_open_memory(copa__rpm **out, const char *name, const void *data, size_t len)
{
    copa__rpm *r = calloc(1, sizeof(*r));
    int rc;

    *out = NULL;
    if (r == NULL || (r->name = strdup(name)) == NULL) {
        free(r);
        return copa__error_oom();
    }
    r->data = data;
    r->size = len;
    if ((rc = open_common(r)) < 0) {
        copa__rpm_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

int copa__rpm_open_file(copa__rpm **out, const char *path)
{
    struct stat st;
    void *map;
    int fd, rc;

    *out = NULL;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return copa__error_set(errno == ENOENT ? COPA_ENOTFOUND : COPA_ERROR, "%s: %s", path,
                               strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < COPA__RPM_LEAD_LEN) {
        close(fd);
        return copa__error_set(COPA_EINVALID, "%s: not a regular file of an rpm's size", path);
    }
    map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return copa__error_set(COPA_ERROR, "%s: mmap: %s", path, strerror(errno));
    rc = copa__rpm_open_memory(out, path, map, (size_t)st.st_size);
    if (rc < 0) {
        munmap(map, (size_t)st.st_size);
        return rc;
    }
    (*out)->mapped = 1;
    return 0;
}

void copa__rpm_close(copa__rpm *r)
{
    if (r == NULL)
        return;
    if (r->ar != NULL)
        archive_read_free(r->ar);
    if (r->mapped)
        munmap((void *)r->data, r->size);
    copa__rpm_pkg_free(r->pkg);
    copa__rpm_header_free(r->hdr);
    copa__rpm_header_free(r->sig);
    free(r->seen);
    copa__rpm_links_free(r);
    copa__buf_free(&r->path);
    copa__buf_free(&r->link);
    free(r->nevra);
    free(r->name);
    free(r);
}

const copa__rpm_header *copa__rpm_signature_header(const copa__rpm *r)
{
    return r->sig;
}

const copa__rpm_header *copa__rpm_main_header(const copa__rpm *r)
{
    return r->hdr;
}

const copa__rpm_pkg *copa__rpm_package(const copa__rpm *r)
{
    return r->pkg;
}

const char *copa__rpm_nevra(const copa__rpm *r)
{
    return r->nevra;
}

void copa__rpm_header_bytes(const copa__rpm *r, const unsigned char **data, size_t *len)
{
    *data = r->data + r->header_offset;
    *len = r->payload_offset - r->header_offset;
}

void copa__rpm_payload_bytes(const copa__rpm *r, const unsigned char **data, size_t *len)
{
    *data = r->data + r->payload_offset;
    *len = r->size - r->payload_offset;
}
