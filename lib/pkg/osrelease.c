/*
 * os-release(5) reader: a small shell-word parser for KEY=value lines.
 */
#include "pkg/osrelease.h"
#include "util/buffer.h"
#include "util/error.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_key_char(char c, int first)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
}

/*
 * Decode one shell word from [*pos, end) into `val`. Stops at an unquoted
 * blank or the end of the line. Returns 0, 1 for an unterminated quote, or
 * COPA_ENOMEM.
 */
static int decode_value(copa__buf *val, const char **pos, const char *end)
{
    const char *c = *pos;
    int rc = 0;

    while (rc == 0 && c < end && *c != ' ' && *c != '\t') {
        if (*c == '\'') {
            const char *close = memchr(c + 1, '\'', (size_t)(end - c - 1));
            if (close == NULL)
                return 1;
            rc = copa__buf_append(val, c + 1, (size_t)(close - c - 1));
            c = close + 1;
        } else if (*c == '"') {
            c++;
            while (rc == 0 && c < end && *c != '"') {
                /* Inside double quotes only these four are escapes. */
                if (*c == '\\' && c + 1 < end && strchr("\"\\$`", c[1]) != NULL)
                    c++;
                rc = copa__buf_append(val, c++, 1);
            }
            if (c >= end)
                return 1;
            c++;
        } else {
            if (*c == '\\' && c + 1 < end)
                c++;
            rc = copa__buf_append(val, c++, 1);
        }
    }
    *pos = c;
    return rc;
}

static char **field_slot(copa__os_release *os, const char *key, size_t n)
{
    static const struct {
        const char *key;
        size_t offset;
    } keys[] = {{"ID", offsetof(copa__os_release, id)},
                {"ID_LIKE", offsetof(copa__os_release, id_like)},
                {"VERSION_ID", offsetof(copa__os_release, version_id)},
                {"VERSION_CODENAME", offsetof(copa__os_release, version_codename)},
                {"PRETTY_NAME", offsetof(copa__os_release, pretty_name)}};
    size_t i;
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strlen(keys[i].key) == n && memcmp(keys[i].key, key, n) == 0)
            return (char **)((char *)os + keys[i].offset);
    return NULL;
}

static int parse_line(copa__os_release *os, const char *c, const char *end, const char *name,
                      size_t line)
{
    copa__buf val = COPA__BUF_INIT;
    const char *key;
    size_t key_len;
    char **slot;
    int rc;

    while (c < end && (*c == ' ' || *c == '\t'))
        c++;
    if (c == end || *c == '#')
        return 0;
    key = c;
    while (c < end && is_key_char(*c, c == key))
        c++;
    if (c == key || c == end || *c != '=')
        return 0; /* not an assignment: ignored like systemd does */
    key_len = (size_t)(c - key);
    slot = field_slot(os, key, key_len);
    if (slot == NULL)
        return 0;
    c++;
    rc = decode_value(&val, &c, end);
    if (rc == 1) {
        copa__buf_free(&val);
        return copa__error_set(COPA_EINVALID, "%s:%zu: unterminated quote in %.*s", name, line,
                               (int)key_len, key);
    }
    if (rc == 0 && val.data == NULL)
        rc = copa__buf_append(&val, "", 0);
    if (rc < 0) {
        copa__buf_free(&val);
        return copa__error_oom();
    }
    free(*slot); /* the last assignment wins, as in a shell */
    *slot = copa__buf_detach(&val);
    return 0;
}

int copa__os_release_parse(copa__os_release *out, const char *text, size_t len, const char *name)
{
    const char *c = text, *end = text + len;
    size_t line = 1;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    while (rc == 0 && c < end) {
        const char *nl = memchr(c, '\n', (size_t)(end - c));
        const char *le = nl != NULL ? nl : end;
        if (le > c && le[-1] == '\r')
            le--;
        rc = parse_line(out, c, le, name, line++);
        c = nl != NULL ? nl + 1 : end;
    }
    if (rc == 0)
        out->format = copa__os_release_format(out->id, out->id_like);
    return rc;
}

int copa__os_release_load(copa__os_release *out, const copa__image_files *files)
{
    static const char *const paths[] = {"/etc/os-release", "/usr/lib/os-release"};
    size_t i;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < 2; i++) {
        char *text = NULL;
        size_t len = 0;
        int rc = files->read(&text, &len, paths[i], files->payload);
        if (rc == COPA_ENOTFOUND)
            continue;
        if (rc < 0)
            return rc;
        rc = copa__os_release_parse(out, text, len, paths[i]);
        free(text);
        out->path = paths[i];
        return rc;
    }
    return copa__error_set(COPA_ENOTFOUND,
                           "the image has neither /etc/os-release nor /usr/lib/os-release: "
                           "cannot tell which distribution it is");
}

int copa__word_in_list(const char *list, const char *word)
{
    size_t n = strlen(word);
    const char *c = list;

    if (list == NULL || n == 0)
        return 0;
    while (*c != '\0') {
        size_t w;
        while (*c == ' ' || *c == '\t')
            c++;
        w = strcspn(c, " \t");
        if (w == n && strncasecmp(c, word, n) == 0)
            return 1;
        c += w;
    }
    return 0;
}

static int id_or_like(const char *id, const char *id_like, const char *const *names)
{
    for (; *names != NULL; names++)
        if ((id != NULL && strcasecmp(id, *names) == 0) || copa__word_in_list(id_like, *names))
            return 1;
    return 0;
}

copa_pkg_format copa__os_release_format(const char *id, const char *id_like)
{
    static const char *const deb[] = {"debian", "ubuntu", NULL};
    static const char *const apk[] = {"alpine", "wolfi", "chainguard", NULL};
    static const char *const rpm[] = {"rhel",       "fedora",  "centos",   "rocky", "almalinux",
                                      "amzn",       "suse",    "opensuse", "sles",  "ol",
                                      "azurelinux", "mariner", NULL};
    /* ID decides before ID_LIKE: a distribution is first of all itself. */
    if (id_or_like(id, NULL, deb))
        return COPA_PKG_DEB;
    if (id_or_like(id, NULL, apk))
        return COPA_PKG_APK;
    if (id_or_like(id, NULL, rpm))
        return COPA_PKG_RPM;
    if (id_or_like(NULL, id_like, deb))
        return COPA_PKG_DEB;
    if (id_or_like(NULL, id_like, apk))
        return COPA_PKG_APK;
    if (id_or_like(NULL, id_like, rpm))
        return COPA_PKG_RPM;
    return COPA_PKG_UNKNOWN;
}

/* "12" agrees with "12.5" and "12"; "22.04" with "22.04.3"; not "1" with "12". */
static int version_prefix(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;
    const char *longer = la < lb ? b : a;
    return strncmp(a, b, n) == 0 && (longer[n] == '\0' || longer[n] == '.');
}

int copa__os_release_check_report(const copa__os_release *os, const char *family,
                                  const char *version)
{
    const char *id = os->id != NULL ? os->id : "";

    if (family == NULL || family[0] == '\0')
        return 0;
    if (strcasecmp(family, id) != 0) {
        if (copa__word_in_list(os->id_like, family))
            return 0; /* a derivative: the report names the family it scanned as */
        return copa__error_set(COPA_EINVALID,
                               "the report is for OS '%s' but the image is '%s' (%s, ID_LIKE '%s')",
                               family, id, os->path != NULL ? os->path : "os-release",
                               os->id_like != NULL ? os->id_like : "");
    }
    if (version == NULL || version[0] == '\0')
        return 0;
    if (os->version_id != NULL && version_prefix(os->version_id, version))
        return 0;
    if (os->version_codename != NULL && strcasecmp(os->version_codename, version) == 0)
        return 0;
    if (os->version_id == NULL && os->version_codename == NULL)
        return 0; /* nothing to compare against (testing/sid) */
    return copa__error_set(COPA_EINVALID, "the report is for %s %s but the image is %s %s%s%s%s",
                           family, version, id, os->version_id != NULL ? os->version_id : "",
                           os->version_codename != NULL ? " (" : "",
                           os->version_codename != NULL ? os->version_codename : "",
                           os->version_codename != NULL ? ")" : "");
}

void copa__os_release_free(copa__os_release *os)
{
    if (os == NULL)
        return;
    free(os->id);
    free(os->id_like);
    free(os->version_id);
    free(os->version_codename);
    free(os->pretty_name);
    memset(os, 0, sizeof(*os));
}
