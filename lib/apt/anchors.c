/*
 * Trust anchors of a source, read from the image: its Signed-By (an inline
 * key block, key files, or fingerprints), else /etc/apt/trusted.gpg and
 * /etc/apt/trusted.gpg.d/ *.gpg and *.asc. As in apt, fingerprints in
 * Signed-By restrict which keys of the keyring (the listed files, or the
 * default anchors when no file is listed) may sign.
 */
#include "apt/apt.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRUSTED_GPG "/etc/apt/trusted.gpg"
#define TRUSTED_DIR "/etc/apt/trusted.gpg.d"

int copa__apt_is_fingerprint(const char *entry)
{
    size_t n = 0;
    for (; entry[n] != '\0'; n++)
        if (!((entry[n] >= '0' && entry[n] <= '9') || (entry[n] >= 'a' && entry[n] <= 'f') ||
              (entry[n] >= 'A' && entry[n] <= 'F')))
            break;
    if (entry[n] == '!' && entry[n + 1] == '\0')
        return n == 40 || n == 64;
    return entry[n] == '\0' && (n == 40 || n == 64);
}

copa__apt_anchor_kind copa__apt_anchor_kind_of(const copa__apt_source *src)
{
    size_t i;
    int files = 0, fprs = 0;

    if (src->signed_by_key != NULL)
        return COPA__ANCHOR_INLINE;
    for (i = 0; i < src->signed_by_count; i++) {
        if (copa__apt_is_fingerprint(src->signed_by[i]))
            fprs++;
        else
            files++;
    }
    if (files > 0)
        return COPA__ANCHOR_FILES;
    return fprs > 0 ? COPA__ANCHOR_FINGERPRINTS : COPA__ANCHOR_DEFAULT;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

int copa__apt_default_anchor_paths(char ***paths, size_t *count, const copa__image_files *fs)
{
    char **names = NULL, **out;
    size_t n = 0, i, k = 0;
    int rc = fs->list(&names, &n, TRUSTED_DIR, fs->payload);

    *paths = NULL;
    *count = 0;
    if (rc == COPA_ENOTFOUND) {
        copa_error_clear();
        rc = 0;
    }
    if (rc != 0)
        return rc;
    if (n > 1)
        qsort(names, n, sizeof(*names), cmp_names);
    out = calloc(n + 1, sizeof(*out));
    if (out == NULL) {
        copa__image_files_free_names(names, n);
        return copa__error_oom();
    }
    out[k] = strdup(TRUSTED_GPG);
    rc = out[k++] == NULL ? copa__error_oom() : 0;
    for (i = 0; rc == 0 && i < n; i++) {
        if (!has_suffix(names[i], ".gpg") && !has_suffix(names[i], ".asc"))
            continue;
        if ((out[k] = malloc(strlen(TRUSTED_DIR) + strlen(names[i]) + 2)) == NULL) {
            rc = copa__error_oom();
            break;
        }
        sprintf(out[k++], "%s/%s", TRUSTED_DIR, names[i]);
    }
    copa__image_files_free_names(names, n);
    if (rc != 0) {
        copa__image_files_free_names(out, k);
        return rc;
    }
    *paths = out;
    *count = k;
    return 0;
}

/* Add one key file of the image; a missing file is optional only for default anchors. */
static int add_file(copa__pgp_keyring *kr, const copa__image_files *fs, const char *path,
                    int optional)
{
    char *data = NULL;
    size_t len = 0;
    int rc = fs->read(&data, &len, path, fs->payload);

    if (rc == COPA_ENOTFOUND && optional) {
        copa_error_clear();
        return 0;
    }
    if (rc == COPA_ENOTFOUND)
        rc = copa__error_set(COPA_ENOTFOUND, "Signed-By key file %s does not exist in the image",
                             path);
    /* apt skips empty keyring files (a package may ship a placeholder). */
    if (rc == 0 && len > 0)
        rc = copa__pgp_keyring_add(kr, path, data, len);
    free(data);
    return rc;
}

static int add_defaults(copa__pgp_keyring *kr, const copa__image_files *fs)
{
    char **paths;
    size_t n, i;
    int rc = copa__apt_default_anchor_paths(&paths, &n, fs);

    for (i = 0; rc == 0 && i < n; i++)
        rc = add_file(kr, fs, paths[i], 1);
    copa__image_files_free_names(paths, n);
    return rc;
}

static int restrict_to_fingerprints(copa__pgp_keyring *kr, const copa__apt_source *src)
{
    const char **fprs = calloc(src->signed_by_count + 1, sizeof(*fprs));
    size_t i, n = 0;
    int rc;

    if (fprs == NULL)
        return copa__error_oom();
    for (i = 0; i < src->signed_by_count; i++)
        if (copa__apt_is_fingerprint(src->signed_by[i]))
            fprs[n++] = src->signed_by[i];
    rc = n > 0 ? copa__pgp_keyring_retain(kr, fprs, n) : 0;
    free(fprs);
    return rc;
}

int copa__apt_anchor_keyring(copa__pgp_keyring **out, const copa__apt_source *src,
                             const copa__image_files *fs)
{
    copa__pgp_keyring *kr = NULL;
    size_t i;
    int rc = copa__pgp_keyring_create(&kr);

    *out = NULL;
    if (rc != 0)
        return rc;
    switch (copa__apt_anchor_kind_of(src)) {
    case COPA__ANCHOR_INLINE:
        rc = copa__pgp_keyring_add(kr, "Signed-By (inline key)", src->signed_by_key,
                                   strlen(src->signed_by_key));
        break;
    case COPA__ANCHOR_FILES:
        for (i = 0; rc == 0 && i < src->signed_by_count; i++)
            if (!copa__apt_is_fingerprint(src->signed_by[i]))
                rc = add_file(kr, fs, src->signed_by[i], 0);
        break;
    case COPA__ANCHOR_FINGERPRINTS:
    case COPA__ANCHOR_DEFAULT:
        rc = add_defaults(kr, fs);
        break;
    }
    if (rc == 0)
        rc = restrict_to_fingerprints(kr, src);
    if (rc != 0) {
        copa__pgp_keyring_free(kr);
        return copa__error_prefix("%s:%zu: trust anchors: ", src->file, src->line);
    }
    *out = kr;
    return 0;
}
