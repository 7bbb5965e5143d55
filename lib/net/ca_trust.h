/*
 * The CA certificates an https transfer trusts, decided as the container
 * tools (skopeo, podman, crane, Docker) decide them:
 *  - the system store: libcurl's default CA file and directory; or, as Go's
 *    crypto/x509 reads them, $SSL_CERT_FILE (a PEM file) in place of the
 *    file and $SSL_CERT_DIR (colon-separated directories, every file in
 *    them) in place of the directory;
 *  - plus the caller's extra CA file (--ca-file, or the bundle of --cert-dir);
 *  - plus, for a registry HOST[:PORT], every *.crt in
 *    /etc/containers/certs.d/HOST[:PORT]/ and /etc/docker/certs.d/HOST[:PORT]/
 *    ($COPA_CERTS_D, colon-separated, replaces these two roots), and the
 *    first *.cert with a matching *.key there as the client certificate.
 * libcurl takes one CA file, so when anything beyond its defaults applies
 * all of it becomes one PEM blob (CURLOPT_CAINFO_BLOB).
 */
#ifndef COPA_LIB_NET_CA_TRUST_H
#define COPA_LIB_NET_CA_TRUST_H

#include "util/buffer.h"

typedef struct copa__ca_trust {
    copa__buf pem;     /* empty: libcurl's defaults, with ca_file as its CA file */
    int default_dir;   /* 1: keep libcurl's default CA directory */
    char *client_cert; /* certs.d HOST/NAME.cert, or NULL */
    char *client_key;  /* certs.d HOST/NAME.key, or NULL */
} copa__ca_trust;

/*
 * Decide the trust. default_ca_file is libcurl's built-in CA file (may be
 * NULL); ca_file the caller's extra PEM file and host the registry
 * (HOST[:PORT]), both may be NULL. COPA_ENOTFOUND when $SSL_CERT_FILE or a
 * directory of $SSL_CERT_DIR cannot be read; COPA_ERROR for another
 * unreadable file.
 */
int copa__ca_trust_build(copa__ca_trust *out, const char *default_ca_file, const char *ca_file,
                         const char *host);
void copa__ca_trust_free(copa__ca_trust *trust);

#endif
