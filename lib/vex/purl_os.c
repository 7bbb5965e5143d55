/*
 * The purls copa writes: OS packages (deb, apk, rpm) and images (oci),
 * following the purl-spec type definitions of those four types.
 */
#include "vex/purl.h"
#include "util/digest.h"
#include "util/error.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int empty(const char *text)
{
    return text == NULL || text[0] == '\0';
}

/* Scanners name Red Hat packages pkg:rpm/redhat/...; other IDs are the vendor. */
static const char *vendor_of(const char *distro_id)
{
    return strcasecmp(distro_id, "rhel") == 0 ? "redhat" : distro_id;
}

/* How many dot-separated components of the version name a release:
 * Debian 12.5 is release 12, Ubuntu 22.04 and Alpine 3.19.1 are 22.04 and
 * 3.19; 0 keeps the version as given. */
static int release_components(const char *distro_id)
{
    if (strcasecmp(distro_id, "debian") == 0)
        return 1;
    if (strcasecmp(distro_id, "ubuntu") == 0 || strcasecmp(distro_id, "alpine") == 0)
        return 2;
    return 0;
}

/* "<vendor>-<release>" into a malloc'd string. */
static int distro_qualifier(char **out, const char *vendor, const char *distro_id,
                            const char *version)
{
    int keep = release_components(distro_id);
    size_t length = strlen(version), i;
    int dots = 0;

    if (keep > 0) {
        for (i = 0; i < length; i++) {
            if (version[i] == '.' && ++dots == keep) {
                length = i;
                break;
            }
        }
    }
    if (asprintf(out, "%s-%.*s", vendor, (int)length, version) < 0) {
        *out = NULL;
        return copa__error_oom();
    }
    return 0;
}

static char *lower_dup(const char *text)
{
    char *copy = strdup(text);
    size_t i;

    for (i = 0; copy != NULL && copy[i] != '\0'; i++)
        copy[i] = (char)tolower((unsigned char)copy[i]);
    return copy;
}

static const char *type_of(copa_pkg_format format)
{
    switch (format) {
    case COPA_PKG_DEB:
        return "deb";
    case COPA_PKG_APK:
        return "apk";
    case COPA_PKG_RPM:
        return "rpm";
    default:
        return NULL;
    }
}

int copa__purl_package(char **out, copa_pkg_format format, const char *distro_id,
                       const char *distro_version, const char *name, const char *version,
                       const char *arch)
{
    copa__purl_qualifier qualifiers[3];
    copa__purl purl;
    char *distro = NULL, *epoch = NULL, *bare_version = NULL, *namespace = NULL,
         *lowered_name = NULL;
    const char *colon;
    int rc;

    *out = NULL;
    memset(&purl, 0, sizeof(purl));
    memset(qualifiers, 0, sizeof(qualifiers));
    purl.type = (char *)type_of(format);
    if (purl.type == NULL)
        return copa__error_set(COPA_EINVALID, "no purl type for package format %d", (int)format);
    if (empty(name) || empty(version) || empty(distro_id))
        return copa__error_set(COPA_EINVALID,
                               "a package purl needs a name, a version and a distro ID "
                               "(name '%s', version '%s', distro '%s')",
                               name != NULL ? name : "", version != NULL ? version : "",
                               distro_id != NULL ? distro_id : "");
    /* Type normalization: the namespace is lower-case, and so are deb and
     * apk names (rpm names are case sensitive). */
    namespace = lower_dup(vendor_of(distro_id));
    lowered_name = format == COPA_PKG_RPM ? strdup(name) : lower_dup(name);
    if (namespace == NULL || lowered_name == NULL) {
        rc = copa__error_oom();
        goto done;
    }
    purl.namespace = namespace;
    purl.name = lowered_name;
    purl.version = (char *)version;
    purl.qualifiers = qualifiers;
    if (!empty(arch)) {
        qualifiers[purl.qualifier_count].key = "arch";
        qualifiers[purl.qualifier_count++].value = (char *)arch;
    }
    if (!empty(distro_version)) {
        rc = distro_qualifier(&distro, purl.namespace, distro_id, distro_version);
        if (rc != 0)
            goto done;
        qualifiers[purl.qualifier_count].key = "distro";
        qualifiers[purl.qualifier_count++].value = distro;
    }
    /* The rpm type carries the epoch as a qualifier, not in the version. */
    colon = strchr(version, ':');
    if (format == COPA_PKG_RPM && colon != NULL && colon > version &&
        strspn(version, "0123456789") == (size_t)(colon - version)) {
        epoch = strndup(version, (size_t)(colon - version));
        bare_version = strdup(colon + 1);
        if (epoch == NULL || bare_version == NULL) {
            rc = copa__error_oom();
            goto done;
        }
        purl.version = bare_version;
        qualifiers[purl.qualifier_count].key = "epoch";
        qualifiers[purl.qualifier_count++].value = epoch;
    }
    rc = copa__purl_to_string(out, &purl);
done:
    free(namespace);
    free(lowered_name);
    free(distro);
    free(epoch);
    free(bare_version);
    return rc;
}

int copa__purl_image(char **out, const char *registry, const char *repository, const char *digest,
                     const char *tag)
{
    copa__purl_qualifier qualifiers[2];
    copa__purl purl;
    char *name = NULL, *url = NULL;
    const char *last;
    int rc;

    *out = NULL;
    memset(&purl, 0, sizeof(purl));
    memset(qualifiers, 0, sizeof(qualifiers));
    if (empty(repository))
        return copa__error_set(COPA_EINVALID, "an image purl needs the image's repository");
    if (digest == NULL || copa__digest_validate(digest) != 0)
        return copa__error_set(COPA_EINVALID,
                               "an image purl needs a digest 'sha256:<64 hex>', not '%s'",
                               digest != NULL ? digest : "");
    last = strrchr(repository, '/');
    name = lower_dup(last != NULL ? last + 1 : repository);
    if (name == NULL)
        return copa__error_oom();
    purl.type = "oci";
    purl.name = name;
    purl.version = (char *)digest;
    purl.qualifiers = qualifiers;
    if (!empty(registry)) {
        if (asprintf(&url, "%s/%s", registry, repository) < 0) {
            url = NULL;
            free(name);
            return copa__error_oom();
        }
        qualifiers[purl.qualifier_count].key = "repository_url";
        qualifiers[purl.qualifier_count++].value = url;
    }
    if (!empty(tag)) {
        qualifiers[purl.qualifier_count].key = "tag";
        qualifiers[purl.qualifier_count++].value = (char *)tag;
    }
    rc = name[0] == '\0'
             ? copa__error_set(COPA_EINVALID, "image repository '%s' ends with '/'", repository)
             : copa__purl_to_string(out, &purl);
    free(name);
    free(url);
    return rc;
}
