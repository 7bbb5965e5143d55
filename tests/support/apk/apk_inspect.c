/*
 * Test driver for lib/apk: reads an APKINDEX.tar.gz or an .apk with the
 * library and prints what it understood, in apk-tools' index text format
 * (so tests can compare it with what `apk index` writes), or the library's
 * refusal as "error: <code name>: <message>" (exit 1; status 2 for usage).
 *
 *   apk_inspect index FILE KEYS_DIR [--allow-unsigned]
 *   apk_inspect package FILE (--identity Q1...|--no-identity) [--keys-dir DIR]
 */
#include "apk/apk_file.h"
#include "apk/index.h"
#include "copa/errors.h"
#include "util/digest.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct keyring {
    copa__apk_key items[64];
    char *pems[64];
    char names[64][256];
    size_t count;
} keyring;

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *data = NULL;
    long n;

    if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
        fseek(fp, 0, SEEK_SET) != 0 || (data = malloc((size_t)n + 1)) == NULL ||
        fread(data, 1, (size_t)n, fp) != (size_t)n) {
        fprintf(stderr, "error: cannot read %s\n", path);
        exit(2);
    }
    fclose(fp);
    *len = (size_t)n;
    return data;
}

static void load_keys(keyring *kr, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    if (d == NULL) {
        fprintf(stderr, "error: cannot open keys dir %s\n", dir);
        exit(2);
    }
    while ((de = readdir(d)) != NULL && kr->count < 64) {
        char path[4096];
        size_t len;
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        snprintf(kr->names[kr->count], sizeof(kr->names[0]), "%s", de->d_name);
        kr->pems[kr->count] = slurp(path, &len);
        kr->items[kr->count] = (copa__apk_key){kr->names[kr->count], kr->pems[kr->count], len};
        kr->count++;
    }
    closedir(d);
}

static void free_keys(keyring *kr)
{
    for (size_t i = 0; i < kr->count; i++)
        free(kr->pems[i]);
    kr->count = 0;
}

static int refused(void)
{
    printf("error: %s: %s\n", copa_error_name(copa_error_last_code()), copa_error_last());
    return 1;
}

static void print_deps(const char *letter, const copa__apk_deps *deps)
{
    if (deps->count == 0)
        return;
    printf("%s:", letter);
    for (size_t i = 0; i < deps->count; i++)
        printf("%s%s%s%s%s", i ? " " : "", deps->items[i].conflict ? "!" : "", deps->items[i].name,
               deps->items[i].op, deps->items[i].version);
    printf("\n");
}

static void print_opt(const char *letter, const char *value)
{
    if (value != NULL)
        printf("%s:%s\n", letter, value);
}

static void print_stanza(const unsigned char *identity, const char *name, const char *version,
                         const char *arch, uint64_t size, uint64_t installed,
                         const char *description, const char *url, const char *license,
                         const char *origin, const char *maintainer, uint64_t build_time,
                         const char *commit, uint64_t priority, const copa__apk_deps *depends,
                         const copa__apk_deps *provides, const copa__apk_deps *install_if)
{
    char q1[31];

    copa__apk_checksum_encode(q1, identity);
    printf("C:%s\nP:%s\nV:%s\n", q1, name, version);
    print_opt("A", arch);
    printf("S:%llu\nI:%llu\n", (unsigned long long)size, (unsigned long long)installed);
    printf("T:%s\nU:%s\nL:%s\n", description ? description : "", url ? url : "",
           license ? license : "");
    print_opt("o", origin);
    print_opt("m", maintainer);
    if (build_time)
        printf("t:%llu\n", (unsigned long long)build_time);
    print_opt("c", commit);
    if (priority)
        printf("k:%llu\n", (unsigned long long)priority);
    print_deps("D", depends);
    print_deps("p", provides);
    print_deps("i", install_if);
}

static int cmd_index(int argc, char **argv)
{
    copa__apk_index_options opts = {0};
    copa__apk_index index;
    keyring kr = {0};
    size_t len;
    char *data;

    if (argc < 4)
        return 2;
    load_keys(&kr, argv[3]);
    opts.keys = kr.items;
    opts.key_count = kr.count;
    opts.allow_unsigned = argc > 4 && strcmp(argv[4], "--allow-unsigned") == 0;
    data = slurp(argv[2], &len);
    if (copa__apk_index_read(&index, argv[2], data, len, &opts) < 0) {
        free_keys(&kr);
        free(data);
        return refused();
    }
    for (size_t i = 0; i < index.count; i++) {
        const copa__apk_index_pkg *p = &index.packages[i];
        print_stanza(p->checksum, p->name, p->version, p->arch, p->size, p->installed_size,
                     p->description, p->url, p->license, p->origin, p->maintainer, p->build_time,
                     p->commit, p->provider_priority, &p->depends, &p->provides, &p->install_if);
        printf("\n");
    }
    fprintf(stderr, "signature: %d %s %s\n", (int)index.signature.status, index.signature.algorithm,
            index.signature.key_name);
    copa__apk_index_free(&index);
    free_keys(&kr);
    free(data);
    return 0;
}

static const char *TYPES[] = {"file", "dir", "symlink", "hardlink", "char", "block", "fifo"};

static int print_data(copa__apk_file *f)
{
    copa__apk_entry e;
    int rc;

    while ((rc = copa__apk_file_data_next(f, &e)) == 1) {
        char sha1[41] = "-";
        if (e.has_sha1)
            copa__hex_encode(sha1, e.sha1, sizeof(e.sha1));
        printf("entry: %s %s %04o %lld:%lld %lld %s %s\n", TYPES[e.type], e.path, e.mode,
               (long long)e.uid, (long long)e.gid, (long long)e.size, sha1,
               e.link[0] ? e.link : "-");
    }
    return rc;
}

static int cmd_package(int argc, char **argv)
{
    copa__apk_file_options opts = {0};
    unsigned char identity[COPA__APK_SHA1_LEN];
    const copa__apk_pkginfo *p;
    const copa__apk_member *scripts;
    copa__apk_file *f;
    keyring kr = {0};
    size_t count, len;
    char *data;
    int rc;

    if (argc < 4)
        return 2;
    if (strcmp(argv[3], "--no-identity") == 0)
        opts.no_identity = 1;
    else if (argc > 4 && strcmp(argv[3], "--identity") == 0 &&
             copa__apk_checksum_decode(identity, argv[4], strlen(argv[4])) == 0)
        opts.identity = identity;
    else
        return 2;
    data = slurp(argv[2], &len);
    if (copa__apk_file_open_memory(&f, argv[2], data, len, &opts) < 0) {
        free(data);
        return refused();
    }
    rc = 0;
    for (int i = 4; rc == 0 && i + 1 < argc; i++)
        if (strcmp(argv[i], "--keys-dir") == 0) {
            copa__apk_sig_result res;
            load_keys(&kr, argv[i + 1]);
            rc = copa__apk_file_verify_signature(f, kr.items, kr.count, &res);
        }
    if (rc == 0) {
        p = copa__apk_file_pkginfo(f);
        print_stanza(copa__apk_file_identity(f), p->name, p->version, p->arch, len,
                     p->installed_size, p->description, p->url, p->license, p->origin,
                     p->maintainer, p->build_time, p->commit, p->provider_priority, &p->depends,
                     &p->provides, &p->install_if);
        printf("\n");
        scripts = copa__apk_file_scripts(f, &count);
        for (size_t i = 0; i < count; i++)
            printf("script: %s %04o %zu\n", scripts[i].name, scripts[i].mode, scripts[i].len);
        for (size_t i = 0; i < p->trigger_count; i++)
            printf("trigger: %s\n", p->triggers[i]);
        rc = print_data(f);
    }
    rc = rc < 0 ? refused() : 0;
    copa__apk_file_free(f);
    free_keys(&kr);
    free(data);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 2;

    if (argc > 2 && strcmp(argv[1], "index") == 0)
        rc = cmd_index(argc, argv);
    else if (argc > 2 && strcmp(argv[1], "package") == 0)
        rc = cmd_package(argc, argv);
    if (rc == 2)
        fprintf(stderr, "usage: apk_inspect index FILE KEYS_DIR [--allow-unsigned] | package "
                        "FILE (--identity Q1...|--no-identity) [--keys-dir DIR]\n");
    return rc;
}
