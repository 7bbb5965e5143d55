/*
 * apt_dump: print what lib/repo parsed, for the end-to-end comparison with
 * awk, grep-dctrl and apt-cache, and for the benchmark.
 *
 *   apt_dump packages FILE [ARCH]  one line per kept package:
 *                                  name version arch filename size sha256
 *   apt_dump count FILE [ARCH]     "COUNT SECONDS" (parse time, for bench/)
 *   apt_dump release FILE          fields, then "path size sha256" lines;
 *                                  an InRelease file is reduced to its
 *                                  signed text first (no verification)
 */
#include "repo/packages.h"
#include "repo/release.h"

#include <copa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n;

    *len = 0;
    if (f == NULL)
        return NULL;
    for (;;) {
        if (cap - *len < 65536) {
            char *grown = realloc(buf, cap = cap * 2 + 65536);
            if (grown == NULL)
                break;
            buf = grown;
        }
        if ((n = fread(buf + *len, 1, cap - *len, f)) == 0)
            break;
        *len += n;
    }
    fclose(f);
    return buf;
}

/* The cleartext of a clearsigned message: after the armor headers, before
 * the signature, with "- " dash escapes removed. Done in place. */
static size_t clearsigned_text(char *buf, size_t len)
{
    static const char head[] = "-----BEGIN PGP SIGNED MESSAGE-----";
    char *start, *end, *in, *out;

    if (len < sizeof(head) - 1 || memcmp(buf, head, sizeof(head) - 1) != 0)
        return len;
    buf[len - 1] = '\0'; /* buffers here always end with a newline or are cut */
    start = strstr(buf, "\n\n");
    end = strstr(buf, "\n-----BEGIN PGP SIGNATURE-----");
    if (start == NULL || end == NULL || end < start)
        return 0;
    *++end = '\0';
    for (in = start + 2, out = buf; *in;) {
        if ((in == start + 2 || in[-1] == '\n') && in[0] == '-' && in[1] == ' ')
            in += 2;
        *out++ = *in++;
    }
    return (size_t)(out - buf);
}

static int dump_release(const char *path)
{
    copa__apt_release rel;
    size_t len, i;
    char *text = read_all(path, &len);
    int rc;

    if (text == NULL)
        return fprintf(stderr, "%s: cannot read\n", path), 1;
    len = clearsigned_text(text, len);
    rc = copa__apt_release_parse(&rel, path, text, len);
    free(text);
    if (rc != 0)
        return fprintf(stderr, "%s\n", copa_error_last()), 1;
    printf("Origin: %s\nLabel: %s\nSuite: %s\nCodename: %s\nDate: %lld\nValid-Until: %lld\n",
           rel.origin ? rel.origin : "", rel.label ? rel.label : "", rel.suite ? rel.suite : "",
           rel.codename ? rel.codename : "", (long long)rel.date, (long long)rel.valid_until);
    printf("Acquire-By-Hash: %s\nComponents:", rel.acquire_by_hash ? "yes" : "no");
    for (i = 0; i < rel.component_count; i++)
        printf(" %s", rel.components[i]);
    printf("\n");
    for (i = 0; i < rel.file_count; i++)
        printf("%s %llu %s\n", rel.files[i].path, (unsigned long long)rel.files[i].size,
               rel.files[i].sha256);
    copa__apt_release_free(&rel);
    return 0;
}

static int dump_packages(const char *path, const char *arch, int count_only)
{
    copa__apt_packages idx;
    struct timespec t0, t1;
    size_t i;
    int rc;

    if (copa__apt_packages_init(&idx, arch) != 0)
        return 1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = copa__apt_packages_load_file(&idx, path, NULL, UINT64_MAX);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc != 0) {
        fprintf(stderr, "%s\n", copa_error_last());
        copa__apt_packages_free(&idx);
        return 1;
    }
    if (count_only)
        printf("%zu %.3f\n", idx.count,
               (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    else
        for (i = 0; i < idx.count; i++) {
            const copa__apt_package *p = &idx.items[i];
            printf("%s %s %s %s %llu %s\n", p->name, p->version, p->arch,
                   p->filename ? p->filename : "-", (unsigned long long)p->size,
                   p->sha256 ? p->sha256 : "-");
        }
    copa__apt_packages_free(&idx);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "packages") == 0)
        return dump_packages(argv[2], argc > 3 ? argv[3] : NULL, 0);
    if (argc >= 3 && strcmp(argv[1], "count") == 0)
        return dump_packages(argv[2], argc > 3 ? argv[3] : NULL, 1);
    if (argc == 3 && strcmp(argv[1], "release") == 0)
        return dump_release(argv[2]);
    fprintf(stderr, "usage: apt_dump packages|count FILE [ARCH] | release FILE\n");
    return 2;
}
