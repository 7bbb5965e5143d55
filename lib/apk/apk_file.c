/*
 * Opening an .apk v2 package: find its gzip members, check the identity
 * (control SHA-1 = the index's C:) and the datahash (data SHA-256) before
 * anything of it is believed, then parse .PKGINFO and keep the scripts.
 */
#include "apk/apk_file_impl.h"
#include "util/digest.h"
#include "util/error.h"

#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void copa__apk_file_free(copa__apk_file *f)
{
    if (f == NULL)
        return;
    if (f->ar != NULL)
        archive_read_free(f->ar);
    copa__apk_scan_free(&f->scan);
    copa__buf_free(&f->scanned.path);
    copa__buf_free(&f->path);
    copa__buf_free(&f->link);
    copa__buf_free(&f->uname);
    copa__buf_free(&f->gname);
    for (size_t i = 0; i < f->symlink_count; i++)
        free(f->symlinks[i]);
    free(f->symlinks);
    free(f->scripts);
    copa__apk_members_free(&f->signatures);
    copa__apk_members_free(&f->control);
    copa__arena_free(&f->arena);
    if (f->map != NULL)
        munmap(f->map, f->map_len);
    free(f->name);
    free(f);
}

static void q1(char out[31], const unsigned char sha1[COPA__APK_SHA1_LEN])
{
    copa__apk_checksum_encode(out, sha1);
}

/* Signature member (optional) and control member: where they are, what they hold. */
static int split_control(copa__apk_file *f)
{
    copa__buf first = COPA__BUF_INIT, control = COPA__BUF_INIT;
    size_t first_len = 0;
    int rc = copa__apk_starts_with_signature(f->name, f->data, f->len);

    if (rc == 1) {
        rc = copa__apk_gzip_member(f->name, f->data, f->len, 0, &first,
                                   COPA__APK_MAX_SIGNATURE_MEMBER, &first_len);
        if (rc == 0)
            rc = copa__apk_tar_members(&f->signatures, f->name, first.data, first.length,
                                       COPA__APK_MAX_SIGNATURE_MEMBER, 0);
    }
    f->control_offset = first_len;
    if (rc == 0)
        rc = copa__apk_gzip_member(f->name, f->data, f->len, f->control_offset, &control,
                                   COPA__APK_MAX_CONTROL_MEMBER, &f->control_len);
    if (rc == 0)
        rc = copa__apk_tar_members(&f->control, f->name, control.data, control.length,
                                   COPA__APK_MAX_CONTROL_MEMBER, 0);
    copa__buf_free(&first);
    copa__buf_free(&control);
    f->data_offset = f->control_offset + f->control_len;
    return rc;
}

static int check_identity(copa__apk_file *f, const copa__apk_file_options *opts)
{
    char want[31], got[31];

    if (EVP_Digest(f->data + f->control_offset, f->control_len, f->identity, NULL, EVP_sha1(),
                   NULL) != 1)
        return copa__error_set(COPA_ERROR, "%s: SHA-1 failed", f->name);
    if (opts->no_identity)
        return 0;
    if (opts->identity == NULL)
        return copa__error_set(COPA_EINVALID, "%s: no index checksum (C:) to check against",
                               f->name);
    if (memcmp(f->identity, opts->identity, COPA__APK_SHA1_LEN) == 0)
        return 0;
    q1(want, opts->identity);
    q1(got, f->identity);
    return copa__error_set(COPA_EVERIFY,
                           "%s: control checksum %s is not the index's C:%s (package refused)",
                           f->name, got, want);
}

static int check_datahash(copa__apk_file *f)
{
    unsigned char got[COPA_SHA256_LEN];
    char want_hex[2 * COPA_SHA256_LEN + 1], got_hex[2 * COPA_SHA256_LEN + 1];

    if (!f->info.has_datahash)
        return copa__error_set(COPA_EVERIFY,
                               "%s: .PKGINFO has no datahash, the data cannot be verified "
                               "(package refused)",
                               f->name);
    if (f->data_offset >= f->len)
        return copa__error_set(COPA_EINVALID, "%s: no data member after the control member",
                               f->name);
    if (copa__sha256_buffer(got, f->data + f->data_offset, f->len - f->data_offset) < 0)
        return copa__error_set(COPA_ERROR, "%s: SHA-256 failed", f->name);
    if (memcmp(got, f->info.datahash, sizeof(got)) == 0)
        return 0;
    copa__hex_encode(want_hex, f->info.datahash, sizeof(got));
    copa__hex_encode(got_hex, got, sizeof(got));
    return copa__error_set(COPA_EVERIFY,
                           "%s: data SHA-256 %s is not the .PKGINFO datahash %s (package refused)",
                           f->name, got_hex, want_hex);
}

/* Control members are dot files at the top (".PKGINFO", ".post-install"...). */
static int collect_scripts(copa__apk_file *f)
{
    const copa__apk_member *info = copa__apk_members_find(&f->control, ".PKGINFO");

    if (info == NULL)
        return copa__error_set(COPA_EINVALID, "%s: no .PKGINFO in the control member", f->name);
    f->scripts = calloc(f->control.count + 1, sizeof(*f->scripts));
    if (f->scripts == NULL)
        return copa__error_oom();
    for (size_t i = 0; i < f->control.count; i++) {
        const copa__apk_member *m = &f->control.items[i];
        if (m->name[0] != '.' || strchr(m->name, '/') != NULL)
            return copa__error_set(COPA_EINVALID, "%s: unexpected control member '%s'", f->name,
                                   m->name);
        if (m != info)
            f->scripts[f->script_count++] = *m;
    }
    return copa__apk_pkginfo_parse(f, info->data, info->len);
}

int copa__apk_file_open_memory(copa__apk_file **out, const char *name, const void *data, size_t len,
                               const copa__apk_file_options *opts)
{
    copa__apk_file *f = calloc(1, sizeof(*f));
    int rc;

    *out = NULL;
    if (f == NULL || (f->name = strdup(name)) == NULL) {
        free(f);
        return copa__error_oom();
    }
    f->data = data;
    f->len = len;
    rc = split_control(f);
    if (rc == 0)
        rc = check_identity(f, opts);
    if (rc == 0)
        rc = collect_scripts(f);
    if (rc == 0)
        rc = check_datahash(f);
    if (rc < 0) {
        copa__apk_file_free(f);
        return rc;
    }
    *out = f;
    return 0;
}

static int map_file(const char *path, void **map, size_t *len)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return copa__error_set(errno == ENOENT ? COPA_ENOTFOUND : COPA_ERROR, "%s: %s", path,
                               strerror(errno));
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
        close(fd);
        return copa__error_set(COPA_EINVALID, "%s: not a non-empty regular file", path);
    }
    *len = (size_t)st.st_size;
    *map = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (*map == MAP_FAILED) {
        *map = NULL;
        return copa__error_set(COPA_ERROR, "%s: mmap: %s", path, strerror(errno));
    }
    return 0;
}

int copa__apk_file_open(copa__apk_file **out, const char *path, const copa__apk_file_options *opts)
{
    const char *base = strrchr(path, '/');
    void *map = NULL;
    size_t len = 0;
    int rc = map_file(path, &map, &len);

    *out = NULL;
    if (rc < 0)
        return rc;
    rc = copa__apk_file_open_memory(out, base != NULL ? base + 1 : path, map, len, opts);
    if (rc < 0) {
        munmap(map, len);
        return rc;
    }
    (*out)->map = map;
    (*out)->map_len = len;
    return 0;
}

const copa__apk_pkginfo *copa__apk_file_pkginfo(const copa__apk_file *f)
{
    return &f->info;
}

const unsigned char *copa__apk_file_identity(const copa__apk_file *f)
{
    return f->identity;
}

const copa__apk_member *copa__apk_file_scripts(const copa__apk_file *f, size_t *count)
{
    *count = f->script_count;
    return f->scripts;
}

int copa__apk_file_verify_signature(const copa__apk_file *f, const copa__apk_key *keys,
                                    size_t key_count, copa__apk_sig_result *res)
{
    memset(res, 0, sizeof(*res));
    if (f->signatures.count == 0) {
        res->status = COPA__APK_SIG_UNSIGNED;
        return copa__error_set(COPA_EVERIFY, "%s: the package is not signed", f->name);
    }
    return copa__apk_signature_verify(res, f->name, &f->signatures, f->data + f->control_offset,
                                      f->control_len, keys, key_count);
}
