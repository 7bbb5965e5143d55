/* Which CA certificates an https transfer trusts; see ca_trust.h. */
#include "net/ca_trust.h"
#include "util/error.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CERTS_D_DEFAULT "/etc/containers/certs.d:/etc/docker/certs.d"

static const char *env(const char *name)
{
    const char *value = getenv(name);
    return value != NULL && *value != '\0' ? value : NULL;
}

/* Append a PEM file; `missing` is the code when it cannot be read. */
static int append_pem(copa__buf *pem, const char *path, int missing)
{
    char chunk[8192];
    size_t n;
    FILE *in = fopen(path, "rb");
    int error = 0;

    if (in == NULL)
        return copa__error_set(errno == ENOENT ? missing : COPA_ERROR, "CA certificates %s: %s",
                               path, strerror(errno));
    while (error == 0 && (n = fread(chunk, 1, sizeof(chunk), in)) > 0)
        error = copa__buf_append(pem, chunk, n);
    if (error == 0 && ferror(in))
        error = copa__error_set(COPA_ERROR, "CA certificates %s: read error", path);
    fclose(in);
    return error != 0 ? error : copa__buf_append(pem, "\n", 1);
}

static int has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), s = strlen(suffix);
    return n > s && strcmp(name + n - s, suffix) == 0;
}

static int is_regular(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Go reads every file of each $SSL_CERT_DIR directory; so do we. */
static int append_cert_dirs(copa__buf *pem, const char *dirs)
{
    char *copy = strdup(dirs), *dir, *save = NULL;
    int error = 0;

    if (copy == NULL)
        return copa__error_oom();
    for (dir = strtok_r(copy, ":", &save); dir != NULL && error == 0;
         dir = strtok_r(NULL, ":", &save)) {
        struct dirent **names = NULL;
        int count = scandir(dir, &names, NULL, alphasort), i;
        if (count < 0) {
            error = copa__error_set(COPA_ENOTFOUND, "SSL_CERT_DIR: %s: %s", dir, strerror(errno));
            break;
        }
        for (i = 0; i < count; i++) {
            copa__buf path = COPA__BUF_INIT;
            if (error == 0 && names[i]->d_name[0] != '.' &&
                (error = copa__buf_appendf(&path, "%s/%s", dir, names[i]->d_name)) == 0 &&
                is_regular(path.data))
                error = append_pem(pem, path.data, COPA_ERROR);
            copa__buf_free(&path);
            free(names[i]);
        }
        free(names);
    }
    free(copy);
    return error;
}

static int set_client_pair(copa__ca_trust *out, const char *dir, const char *cert_name)
{
    copa__buf cert = COPA__BUF_INIT, key = COPA__BUF_INIT;
    int error;

    if ((error = copa__buf_appendf(&cert, "%s/%s", dir, cert_name)) != 0 ||
        (error = copa__buf_appendf(&key, "%s/%.*s.key", dir, (int)(strlen(cert_name) - 5),
                                   cert_name)) != 0) {
        copa__buf_free(&cert);
        copa__buf_free(&key);
        return error;
    }
    if (!is_regular(key.data)) {
        /* Docker refuses a certificate without its key: so do we. */
        error = copa__error_set(COPA_EINVALID, "client certificate %s has no key %s", cert.data,
                                key.data);
        copa__buf_free(&cert);
        copa__buf_free(&key);
        return error;
    }
    out->client_cert = copa__buf_detach(&cert);
    out->client_key = copa__buf_detach(&key);
    return 0;
}

/* One certs.d/HOST directory: its *.crt into extras, a client pair. */
static int scan_host_dir(copa__ca_trust *out, copa__buf *extras, const char *dir)
{
    struct dirent **names = NULL;
    int count = scandir(dir, &names, NULL, alphasort), i, error = 0;

    if (count < 0)
        return errno == ENOENT || errno == ENOTDIR
                   ? 0
                   : copa__error_set(COPA_ERROR, "certificate directory %s: %s", dir,
                                     strerror(errno));
    for (i = 0; i < count; i++) {
        const char *name = names[i]->d_name;
        if (error == 0 && has_suffix(name, ".crt")) {
            copa__buf path = COPA__BUF_INIT;
            if ((error = copa__buf_appendf(&path, "%s/%s", dir, name)) == 0)
                error = append_pem(extras, path.data, COPA_ERROR);
            copa__buf_free(&path);
        } else if (error == 0 && has_suffix(name, ".cert") && out->client_cert == NULL) {
            error = set_client_pair(out, dir, name);
        }
        free(names[i]);
    }
    free(names);
    return error;
}

static int scan_certs_d(copa__ca_trust *out, copa__buf *extras, const char *host)
{
    const char *roots = env("COPA_CERTS_D");
    char *copy, *root, *save = NULL;
    int error = 0;

    /* A registry name is HOST[:PORT]: nothing that could leave the root. */
    if (host == NULL || *host == '\0' || strchr(host, '/') != NULL || strcmp(host, ".") == 0 ||
        strcmp(host, "..") == 0)
        return 0;
    if ((copy = strdup(roots != NULL ? roots : CERTS_D_DEFAULT)) == NULL)
        return copa__error_oom();
    for (root = strtok_r(copy, ":", &save); root != NULL && error == 0;
         root = strtok_r(NULL, ":", &save)) {
        copa__buf dir = COPA__BUF_INIT;
        if ((error = copa__buf_appendf(&dir, "%s/%s", root, host)) == 0)
            error = scan_host_dir(out, extras, dir.data);
        copa__buf_free(&dir);
    }
    free(copy);
    return error;
}

static int build(copa__ca_trust *out, const char *default_ca_file, const char *ca_file,
                 const char *host)
{
    const char *cert_file = env("SSL_CERT_FILE"), *cert_dir = env("SSL_CERT_DIR");
    copa__buf extras = COPA__BUF_INIT;
    int error;

    out->default_dir = cert_dir == NULL;
    if ((error = scan_certs_d(out, &extras, host)) != 0)
        goto done;
    if (extras.length == 0 && cert_file == NULL && cert_dir == NULL)
        goto done; /* libcurl's defaults, with ca_file as its CA file */
    if (cert_file != NULL && (error = append_pem(&out->pem, cert_file, COPA_ENOTFOUND)) != 0)
        error = copa__error_prefix("SSL_CERT_FILE: ");
    else if (default_ca_file != NULL && is_regular(default_ca_file))
        error = append_pem(&out->pem, default_ca_file, COPA_ERROR);
    if (error == 0 && cert_dir != NULL)
        error = append_cert_dirs(&out->pem, cert_dir);
    if (error == 0 && ca_file != NULL)
        error = append_pem(&out->pem, ca_file, COPA_ENOTFOUND);
    if (error == 0 && extras.length > 0)
        error = copa__buf_append(&out->pem, extras.data, extras.length);
    /* An empty blob would mean "the defaults" to the caller: trust nothing instead. */
    if (error == 0 && out->pem.length == 0)
        error = copa__buf_append(&out->pem, "\n", 1);
done:
    copa__buf_free(&extras);
    return error;
}

int copa__ca_trust_build(copa__ca_trust *out, const char *default_ca_file, const char *ca_file,
                         const char *host)
{
    int error;

    memset(out, 0, sizeof(*out));
    if ((error = build(out, default_ca_file, ca_file, host)) != 0)
        copa__ca_trust_free(out);
    return error;
}

void copa__ca_trust_free(copa__ca_trust *trust)
{
    copa__buf_free(&trust->pem);
    free(trust->client_cert);
    free(trust->client_key);
    memset(trust, 0, sizeof(*trust));
}
