/*
 * Test driver for lib/rpm: prints what libcopa reads from a .rpm in the
 * layout of the `rpm -qp --queryformat` the tests compare it with, verifies
 * packages, and lists payloads.
 *
 *   rpm_dump info FILE                 identity, dependencies, files, scriptlets
 *   rpm_dump verify FILE [--allow-unsigned] [--keyring K]...
 *   rpm_dump payload FILE              one line per payload entry (+ SHA-256 of content)
 *   rpm_dump header BLOB               a header without magic (rpmdb form): tag count
 *
 * Exit status: 0, or 1 with the error message on stderr.
 */
#include "rpm/rpm_file.h"
#include "util/digest.h"
#include "util/file.h"
#include "copa/errors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int fail(const char *what)
{
    fprintf(stderr, "%s: %s\n", what, copa_error_last());
    return 1;
}

static void print_deps(const char *label, const copa__rpm_deps *d)
{
    uint32_t i;
    for (i = 0; i < d->count; i++)
        printf("%s %s %u %s\n", label, d->items[i].name, d->items[i].flags, d->items[i].version);
}

static void print_scripts(unsigned s)
{
    static const char *names[] = {
        "pretrans",   "pre",        "post",     "preun",        "postun",
        "posttrans",  "verify",     "triggers", "filetriggers", "transfiletriggers",
        "preuntrans", "postuntrans"};
    unsigned i;
    printf("scripts:");
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (s & (1u << i))
            printf(" %s", names[i]);
    printf("\n");
}

static int info(const char *path)
{
    copa__rpm *r;
    const copa__rpm_pkg *p;
    uint32_t i;

    if (copa__rpm_open_file(&r, path) != 0)
        return fail("open");
    p = copa__rpm_package(r);
    printf("%s\n", p->name);
    if (p->has_epoch)
        printf("%u\n", p->epoch);
    else
        printf("(none)\n");
    printf("%s\n%s\n%s\n%s\n", p->version, p->release, p->arch, p->sourcerpm);
    printf("%s %u\n", p->payload_compressor, p->file_digest_algo);
    print_deps("P", &p->provides);
    print_deps("R", &p->requires);
    print_deps("C", &p->conflicts);
    print_deps("O", &p->obsoletes);
    print_deps("REC", &p->recommends);
    print_deps("SUG", &p->suggests);
    print_deps("SUP", &p->supplements);
    print_deps("ENH", &p->enhances);
    for (i = 0; i < p->file_count; i++) {
        const copa__rpm_file *f = &p->files[i];
        printf("F %s %o %llu %s %s %s %u %s %s %u %u\n", f->path, (unsigned)f->mode,
               (unsigned long long)f->size, f->user, f->group, f->digest, f->flags, f->link,
               f->caps, f->inode, f->mtime);
    }
    print_scripts(p->scripts);
    copa__rpm_close(r);
    return 0;
}

static int verify(int argc, char **argv)
{
    copa__rpm_verify_options opts = {NULL, 0, 0};
    copa__rpm_verify_result res;
    copa__pgp_keyring *kr = NULL;
    copa__rpm *r;
    int i, rc;

    opts.now = (int64_t)time(NULL);
    for (i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--allow-unsigned") == 0) {
            opts.allow_unsigned = 1;
        } else if (strcmp(argv[i], "--keyring") == 0 && i + 1 < argc) {
            char *data;
            size_t len;
            if (kr == NULL && copa__pgp_keyring_create(&kr) != 0)
                return fail("keyring");
            if (copa__file_read_all(&data, &len, argv[++i], 64u << 20) != 0)
                return fail(argv[i]);
            rc = copa__pgp_keyring_add(kr, argv[i], data, len);
            free(data);
            if (rc != 0)
                return fail(argv[i]);
        }
    }
    opts.keyring = kr;
    if (copa__rpm_open_file(&r, argv[2]) != 0)
        return fail("open");
    rc = copa__rpm_verify(r, &opts, &res);
    if (rc != 0) {
        fprintf(stderr, "%s (state %d)\n", copa_error_last(), (int)res.signature);
        copa__rpm_close(r);
        copa__pgp_keyring_free(kr);
        return res.signature == COPA__RPM_SIG_UNSIGNED ? 3 : 1;
    }
    printf("OK signature=%d tag=%u key=%s\n", (int)res.signature, res.signature_tag, res.key_id);
    copa__rpm_close(r);
    copa__pgp_keyring_free(kr);
    return 0;
}

static const char *type_name(copa__rpm_entry_type t)
{
    static const char *names[] = {"file", "dir", "symlink", "hardlink", "char", "block", "fifo"};
    return names[t];
}

static int payload(const char *path)
{
    copa__rpm *r;
    copa__rpm_payload_entry e;
    unsigned char buf[65536], sum[COPA_SHA256_LEN];
    char hex[2 * COPA_SHA256_LEN + 1];
    int rc;

    if (copa__rpm_open_file(&r, path) != 0)
        return fail("open");
    while ((rc = copa__rpm_payload_next(r, &e)) == 1) {
        copa__sha256 *ctx;
        size_t got;
        uint64_t total = 0;
        if (copa__sha256_new(&ctx) != 0)
            return fail("sha256");
        do {
            if (copa__rpm_payload_read(r, buf, sizeof(buf), &got) != 0) {
                copa__sha256_free(ctx);
                copa__rpm_close(r);
                return fail("read");
            }
            copa__sha256_update(ctx, buf, got);
            total += got;
        } while (got > 0);
        copa__sha256_final(ctx, sum);
        copa__sha256_free(ctx);
        copa__hex_encode(hex, sum, sizeof(sum));
        printf("%s %s %o %llu %s %s\n", type_name(e.type), e.path, e.mode,
               (unsigned long long)total, e.link[0] ? e.link : "-", total ? hex : "-");
    }
    copa__rpm_close(r);
    return rc == 0 ? 0 : fail("payload");
}

static int header(const char *path)
{
    copa__rpm_header *h;
    copa__rpm_header_options opts = {0, 0, 0, 0};
    char *data;
    size_t len, used;
    copa__rpm_pkg *p;
    char *nevra;

    if (copa__file_read_all(&data, &len, path, 256u << 20) != 0)
        return fail(path);
    if (copa__rpm_header_parse(&h, path, data, len, &opts, &used) != 0) {
        free(data);
        return fail("header");
    }
    if (copa__rpm_pkg_from_header(&p, h, path) != 0) {
        copa__rpm_header_free(h);
        free(data);
        return fail("package");
    }
    nevra = copa__rpm_pkg_nevra(p);
    printf("%s entries=%u region=%u/%u used=%zu files=%u\n", nevra, h->count, h->region_tag,
           h->region_entries, used, p->file_count);
    free(nevra);
    copa__rpm_pkg_free(p);
    copa__rpm_header_free(h);
    free(data);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "info") == 0)
        return info(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "verify") == 0)
        return verify(argc, argv);
    if (argc >= 3 && strcmp(argv[1], "payload") == 0)
        return payload(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "header") == 0)
        return header(argv[2]);
    fprintf(stderr, "usage: rpm_dump info|verify|payload|header FILE [options]\n");
    return 2;
}
