/*
 * Test helper: verify one signature with libcopa's OpenPGP code and print
 * the verdict, so scripts can compare it with gpgv's.
 *
 * usage: pgp_check KEYRING[:KEYRING...] cleartext SIGNED_FILE
 *        pgp_check KEYRING[:KEYRING...] detached SIGNATURE DATA
 * With COPA_PGP_TEXT_OUT=FILE, the signed text of a good cleartext message
 * is written to FILE (to compare with `gpgv -o`). COPA_PGP_NOW overrides
 * the verification time (seconds since the epoch).
 * Prints "GOOD <fingerprint>" (exit 0) or "BAD <code>: <reason>" (exit 1 for
 * a failed verification, 2 for malformed input, 3 otherwise).
 */
#include <copa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trust/pgp.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;

    if (f == NULL) {
        perror(path);
        exit(3);
    }
    do {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            buf = realloc(buf, cap);
            if (buf == NULL)
                exit(3);
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = n;
    return buf;
}

static int load(copa__pgp_keyring **kr, char *paths)
{
    char *path, *save = NULL;
    int rc = copa__pgp_keyring_create(kr);

    for (path = strtok_r(paths, ":", &save); rc == 0 && path; path = strtok_r(NULL, ":", &save)) {
        size_t len;
        char *data = slurp(path, &len);
        rc = copa__pgp_keyring_add(*kr, path, data, len);
        free(data);
    }
    return rc;
}

int main(int argc, char **argv)
{
    copa__pgp_keyring *kr = NULL;
    copa__pgp_result res;
    char *sig = NULL, *data = NULL;
    size_t sig_len, data_len;
    int64_t now = getenv("COPA_PGP_NOW") ? atoll(getenv("COPA_PGP_NOW")) : (int64_t)time(NULL);
    int rc;

    if (argc < 4 || (strcmp(argv[2], "detached") == 0 && argc < 5)) {
        fprintf(stderr, "usage: %s KEYRING cleartext FILE | KEYRING detached SIG DATA\n", argv[0]);
        return 3;
    }
    rc = load(&kr, argv[1]);
    if (rc == 0) {
        sig = slurp(argv[3], &sig_len);
        if (strcmp(argv[2], "cleartext") == 0) {
            rc = copa__pgp_verify_cleartext(&res, kr, sig, sig_len, now);
        } else {
            data = slurp(argv[4], &data_len);
            rc = copa__pgp_verify_detached(&res, kr, data, data_len, sig, sig_len, now);
        }
    }
    if (rc == 0) {
        const char *text_out = getenv("COPA_PGP_TEXT_OUT");
        printf("GOOD %s\n", res.fingerprint);
        if (text_out != NULL && res.text != NULL) {
            FILE *f = fopen(text_out, "wb");
            if (f == NULL || fwrite(res.text, 1, res.text_len, f) != res.text_len)
                rc = COPA_ERROR;
            if (f != NULL)
                fclose(f);
        }
        copa__pgp_result_clear(&res);
    } else {
        printf("BAD %s: %s\n", copa_error_name(rc), copa_error_last());
    }
    free(sig);
    free(data);
    copa__pgp_keyring_free(kr);
    return rc == 0 ? 0 : rc == COPA_EVERIFY ? 1 : rc == COPA_EINVALID ? 2 : 3;
}
