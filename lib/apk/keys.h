/*
 * The image's apk signing keys (docs/apk.md): the files in /etc/apk/keys,
 * then those in /usr/share/apk/keys/<arch> whose name /etc/apk/keys does
 * not already have. A key's file name is what an index signature names
 * (.SIGN.RSA.<name>), so names are kept exactly; the bytes are the PEM
 * public key, checked later by the signature verifier.
 */
#ifndef COPA_LIB_APK_KEYS_H
#define COPA_LIB_APK_KEYS_H

#include "util/image_files.h"

#include <stddef.h>

#define COPA__APK_KEYS_DIR "/etc/apk/keys"
#define COPA__APK_SHARED_KEYS_DIR "/usr/share/apk/keys"

typedef struct copa__apk_key {
    char *name; /* file name, e.g. alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub */
    char *path; /* where it was read, inside the image */
    unsigned char *pem;
    size_t pem_len;
} copa__apk_key;

typedef struct copa__apk_keys {
    copa__apk_key *items;
    size_t count;
} copa__apk_keys;

/*
 * Read the keys through `files`; `arch` (from /etc/apk/arch, may be NULL)
 * picks the /usr/share/apk/keys folder. Absent folders are no keys; files
 * that cannot be a PEM key (over 64 KiB, a NUL byte, no "-----BEGIN "
 * after blanks) and dot files are skipped. COPA_ENOMEM, or the read error
 * of the image-files provider.
 */
int copa__apk_keys_load(copa__apk_keys **out, const copa__image_files *files, const char *arch);

/* The key named `name`, or NULL. */
const copa__apk_key *copa__apk_keys_find(const copa__apk_keys *keys, const char *name);

void copa__apk_keys_free(copa__apk_keys *keys);

#endif
