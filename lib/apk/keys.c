/*
 * Reading the image's apk keys. apk-tools 2.14 loads every file of
 * /etc/apk/keys (and, where the image has it, /usr/share/apk/keys/<arch>,
 * which Alpine's alpine-keys package fills); a signature names its key by
 * file name. We only collect name and bytes here, with size and shape
 * limits, so a hostile image cannot hand the verifier megabytes or binary
 * junk; parsing the PEM is the verifier's job.
 */
#include "apk/keys.h"

#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KEY (64 * 1024)

void copa__apk_keys_free(copa__apk_keys *keys)
{
    size_t i;
    if (keys == NULL)
        return;
    for (i = 0; i < keys->count; i++) {
        free(keys->items[i].name);
        free(keys->items[i].path);
        free(keys->items[i].pem);
    }
    free(keys->items);
    free(keys);
}

const copa__apk_key *copa__apk_keys_find(const copa__apk_keys *keys, const char *name)
{
    size_t i;
    for (i = 0; i < keys->count; i++)
        if (strcmp(keys->items[i].name, name) == 0)
            return &keys->items[i];
    return NULL;
}

/*
 * Whether a file can be a PEM public key at all. apk-tools tries every file
 * of the folder and ignores the ones that are no key (a README); so do we,
 * and an index signed with such a name then fails as signed by an absent key.
 */
static int looks_like_pem(const char *text, size_t len)
{
    size_t i = 0;
    if (len > MAX_KEY || memchr(text, '\0', len) != NULL)
        return 0;
    while (i < len && strchr(" \t\r\n", text[i]) != NULL)
        i++;
    return len - i >= 11 && memcmp(text + i, "-----BEGIN ", 11) == 0;
}

static int add_key(copa__apk_keys *keys, const char *name, const char *path, char *text, size_t len)
{
    copa__apk_key *bigger = realloc(keys->items, (keys->count + 1) * sizeof(*bigger));
    copa__apk_key *key;

    if (bigger == NULL)
        return copa__error_oom();
    keys->items = bigger;
    key = &keys->items[keys->count];
    key->name = strdup(name);
    key->path = strdup(path);
    key->pem = (unsigned char *)text;
    key->pem_len = len;
    if (key->name == NULL || key->path == NULL) {
        free(key->name);
        free(key->path);
        return copa__error_oom();
    }
    keys->count++;
    return 0;
}

static int load_dir(copa__apk_keys *keys, const copa__image_files *files, const char *dir)
{
    char **names = NULL;
    size_t count = 0, i;
    int rc = files->list(&names, &count, dir, files->payload);

    if (rc == COPA_ENOTFOUND)
        return 0;
    if (rc < 0)
        return rc;
    for (i = 0; rc == 0 && i < count; i++) {
        char path[1024], *text = NULL;
        size_t len = 0;
        if (names[i][0] == '.' || copa__apk_keys_find(keys, names[i]) != NULL)
            continue;
        if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >= (int)sizeof(path)) {
            rc = copa__error_set(COPA_EINVALID, "%s: key file name too long", dir);
            break;
        }
        rc = files->read(&text, &len, path, files->payload);
        if (rc == COPA_ENOTFOUND) { /* a dangling link, a folder: no key */
            rc = 0;
            continue;
        }
        if (rc == 0 && looks_like_pem(text, len) &&
            (rc = add_key(keys, names[i], path, text, len)) == 0)
            continue;
        free(text);
    }
    copa__image_files_free_names(names, count);
    return rc;
}

int copa__apk_keys_load(copa__apk_keys **out, const copa__image_files *files, const char *arch)
{
    copa__apk_keys *keys = calloc(1, sizeof(*keys));
    int rc;

    *out = NULL;
    if (keys == NULL)
        return copa__error_oom();
    rc = load_dir(keys, files, COPA__APK_KEYS_DIR);
    if (rc == 0 && arch != NULL && *arch != '\0' && strchr(arch, '/') == NULL &&
        strcmp(arch, "..") != 0) {
        char dir[256];
        snprintf(dir, sizeof(dir), "%s/%s", COPA__APK_SHARED_KEYS_DIR, arch);
        rc = load_dir(keys, files, dir);
    }
    if (rc != 0) {
        copa__apk_keys_free(keys);
        return rc;
    }
    *out = keys;
    return 0;
}
