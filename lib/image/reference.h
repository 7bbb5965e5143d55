/*
 * Private view of copa_reference, shared by the image area.
 */
#ifndef COPA_LIB_IMAGE_REFERENCE_H
#define COPA_LIB_IMAGE_REFERENCE_H

#include "copa/image.h"

struct copa_reference {
    copa_transport transport;
    char *registry;   /* "docker.io"; set only with repository */
    char *repository; /* "library/nginx" */
    char *tag;        /* Docker tag, or the OCI ref.name for oci: */
    char *digest;     /* "sha256:..." */
    char *path;       /* local transports */
    char *string;     /* full normalized form */
};

/*
 * Parse a Docker reference NAME[:TAG][@DIGEST] into ref (registry,
 * repository, tag, digest). With default_tag, a reference with neither tag
 * nor digest gets "latest". 0 or COPA_EINVALID/COPA_EUNSUPPORTED.
 */
int copa__reference_parse_docker(copa_reference *ref, const char *text, int default_tag);

#endif
