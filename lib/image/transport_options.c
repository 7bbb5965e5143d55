/*
 * A registry client made from the transport options. A --cert-dir holds
 * CA certificates as separate *.crt files (the containers/docker certs.d
 * convention), which libcurl cannot use as a CA path unless the directory
 * was prepared with c_rehash; so they are concatenated into one temporary
 * bundle instead.
 */
#include "image/transport.h"
#include "registry/registry.h"
#include "util/buffer.h"
#include "util/error.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int is_ca_name(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".crt") == 0;
}

static int append_file(FILE *out, const char *path)
{
    char chunk[8192];
    size_t n;
    FILE *in = fopen(path, "rb");

    if (in == NULL)
        return copa__error_set(COPA_ERROR, "%s: %s", path, strerror(errno));
    while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
        fwrite(chunk, 1, n, out);
    fputc('\n', out);
    fclose(in);
    return 0;
}

static int bundle_from_dir(char **out, const char *dir)
{
    const char *base = getenv("TMPDIR");
    copa__buf path = COPA__BUF_INIT, file = COPA__BUF_INIT;
    struct dirent *e;
    DIR *d = opendir(dir);
    FILE *f = NULL;
    int fd, error = 0, found = 0;

    if (d == NULL)
        return copa__error_set(errno == ENOENT ? COPA_ENOTFOUND : COPA_ERROR,
                               "certificate directory %s: %s", dir, strerror(errno));
    if ((error = copa__buf_appendf(&path, "%s/copa-ca-XXXXXX",
                                   base != NULL && *base ? base : "/tmp")) != 0 ||
        (fd = mkstemp(path.data)) < 0 || (f = fdopen(fd, "wb")) == NULL) {
        error = error ? error : copa__error_set(COPA_ERROR, "CA bundle: %s", strerror(errno));
        goto done;
    }
    while (error == 0 && (e = readdir(d)) != NULL) {
        if (!is_ca_name(e->d_name))
            continue;
        copa__buf_free(&file);
        if ((error = copa__buf_appendf(&file, "%s/%s", dir, e->d_name)) == 0)
            error = append_file(f, file.data);
        found++;
    }
    if (error == 0 && fclose(f) != 0)
        error = copa__error_set(COPA_ERROR, "%s: %s", path.data, strerror(errno));
    f = NULL;
    if (error == 0 && found == 0)
        error = copa__error_set(COPA_ENOTFOUND, "certificate directory %s: no *.crt file", dir);
done:
    if (f != NULL)
        fclose(f);
    closedir(d);
    copa__buf_free(&file);
    if (error != 0) {
        if (path.data != NULL && strstr(path.data, "XXXXXX") == NULL)
            unlink(path.data);
        copa__buf_free(&path);
        return error;
    }
    *out = copa__buf_detach(&path);
    return 0;
}

void copa__transport_bundle_free(char *bundle)
{
    if (bundle != NULL)
        unlink(bundle);
    free(bundle);
}

int copa__transport_registry_new(copa__registry **out, char **bundle,
                                 const copa__transport_options *options, const char *host)
{
    copa__registry_options ro;
    int error;

    *out = NULL;
    *bundle = NULL;
    memset(&ro, 0, sizeof(ro));
    ro.http.ca_host = host; /* its certs.d directories (net/ca_trust.h) */
    if (options != NULL) {
        ro.credentials = options->credentials;
        ro.insecure_registries = options->insecure_registries;
        ro.http.ca_file = options->ca_file;
        ro.http.cancel = options->cancel;
        ro.http.cancel_payload = options->cancel_payload;
        if (options->cert_dir != NULL && options->ca_file == NULL) {
            if ((error = bundle_from_dir(bundle, options->cert_dir)) != 0)
                return error;
            ro.http.ca_file = *bundle;
        }
    }
    if ((error = copa__registry_new(out, &ro)) != 0) {
        copa__transport_bundle_free(*bundle);
        *bundle = NULL;
    }
    return error;
}
