/*
 * Owners by name: dpkg gives a file the uid/gid that the *image's*
 * /etc/passwd and /etc/group assign to the tar header's user and group
 * names, and falls back to the numeric ids only for unknown names. The
 * same mapping serves statoverride entries ("name" or "#id").
 */
#include "debpatch/internal.h"
#include "util/error.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

void copa__dp_ids_free(copa__dp_ids *t)
{
    size_t i;
    for (i = 0; i < t->count; i++)
        free(t->names[i]);
    free(t->names);
    free(t->ids);
    memset(t, 0, sizeof(*t));
}

/* "name:x:id:..." lines; the first entry of a name wins, like getpwnam. */
static int parse(copa__dp_ids *t, const char *text)
{
    const char *line = text;
    while (line != NULL && *line != '\0') {
        const char *end = strchr(line, '\n'), *c1 = strchr(line, ':'), *c2;
        char *num_end, **names;
        int64_t *ids, id;
        if (end == NULL)
            end = line + strlen(line);
        c2 = c1 != NULL && c1 < end ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
        if (c2 != NULL && c1 > line && line[0] != '#' && line[0] != '+' && line[0] != '-') {
            id = strtoll(c2 + 1, &num_end, 10);
            if (num_end != c2 + 1 && (*num_end == ':' || num_end == end) && id >= 0) {
                char *name = strndup(line, (size_t)(c1 - line));
                if (name == NULL)
                    return copa__error_oom();
                if (copa__dp_ids_lookup(t, name, -1) != -1) {
                    free(name); /* the first entry of a name wins, like getpwnam */
                } else {
                    names = realloc(t->names, (t->count + 1) * sizeof(*names));
                    ids = names != NULL ? realloc(t->ids, (t->count + 1) * sizeof(*ids)) : NULL;
                    if (names != NULL)
                        t->names = names;
                    if (ids == NULL) {
                        free(name);
                        return copa__error_oom();
                    }
                    t->ids = ids;
                    names[t->count] = name;
                    ids[t->count++] = id;
                }
            }
        }
        line = *end != '\0' ? end + 1 : NULL;
    }
    return 0;
}

static int load(copa__dp_ids *t, const copa__image_files *files, const char *path)
{
    char *text = NULL;
    size_t len;
    int rc = files->read(&text, &len, path, files->payload);
    if (rc == COPA_ENOTFOUND) {
        copa_error_clear();
        return 0;
    }
    if (rc == 0)
        rc = parse(t, text);
    free(text);
    return rc;
}

int copa__dp_ids_load(copa__dp_ids *users, copa__dp_ids *groups, const copa__image_files *files)
{
    int rc;
    memset(users, 0, sizeof(*users));
    memset(groups, 0, sizeof(*groups));
    if ((rc = load(users, files, "/etc/passwd")) == 0)
        rc = load(groups, files, "/etc/group");
    if (rc != 0) {
        copa__dp_ids_free(users);
        copa__dp_ids_free(groups);
    }
    return rc;
}

int64_t copa__dp_ids_lookup(const copa__dp_ids *t, const char *name, int64_t fallback)
{
    size_t i;
    char *end;
    long long id;

    if (name == NULL || name[0] == '\0')
        return fallback;
    if (name[0] == '#') {
        id = strtoll(name + 1, &end, 10);
        return end != name + 1 && *end == '\0' && id >= 0 ? (int64_t)id : fallback;
    }
    for (i = 0; i < t->count; i++)
        if (strcmp(t->names[i], name) == 0)
            return t->ids[i];
    return fallback;
}

struct copa__dp_md5 {
    EVP_MD_CTX *ctx;
};

int copa__dp_md5_new(copa__dp_md5 **out)
{
    copa__dp_md5 *m = calloc(1, sizeof(*m));
    *out = NULL;
    if (m == NULL || (m->ctx = EVP_MD_CTX_new()) == NULL) {
        free(m);
        return copa__error_oom();
    }
    if (EVP_DigestInit_ex(m->ctx, EVP_md5(), NULL) != 1) {
        copa__dp_md5_free(m);
        return copa__error_set(COPA_ERROR, "MD5 is not available from OpenSSL");
    }
    *out = m;
    return 0;
}

int copa__dp_md5_update(copa__dp_md5 *m, const void *data, size_t len)
{
    if (len > 0 && EVP_DigestUpdate(m->ctx, data, len) != 1)
        return copa__error_set(COPA_ERROR, "MD5 update failed");
    return 0;
}

int copa__dp_md5_final(copa__dp_md5 *m, char out[33])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char d[16];
    unsigned int n = 0, i;
    if (EVP_DigestFinal_ex(m->ctx, d, &n) != 1 || n != 16)
        return copa__error_set(COPA_ERROR, "MD5 final failed");
    for (i = 0; i < 16; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[32] = '\0';
    return 0;
}

void copa__dp_md5_free(copa__dp_md5 *m)
{
    if (m == NULL)
        return;
    EVP_MD_CTX_free(m->ctx);
    free(m);
}

int copa__dp_md5_hex(char out[33], const void *data, size_t len)
{
    copa__dp_md5 *m;
    int rc = copa__dp_md5_new(&m);
    if (rc == 0 && (rc = copa__dp_md5_update(m, data, len)) == 0)
        rc = copa__dp_md5_final(m, out);
    copa__dp_md5_free(m);
    return rc;
}

int copa__dp_strlist_push(char ***list, size_t *count, const char *text)
{
    char **grown = realloc(*list, (*count + 1) * sizeof(**list));
    if (grown == NULL)
        return copa__error_oom();
    *list = grown;
    if ((grown[*count] = strdup(text)) == NULL)
        return copa__error_oom();
    (*count)++;
    return 0;
}
