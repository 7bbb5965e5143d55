/*
 * The Debian engine's sources stage: the image's apt sources and keys
 * (lib/apt, verified against the image's own keys, --mirror applied),
 * loaded scoped to what the installed packages can reach, and the image's
 * apt preferences, which decide candidates as they do for its own apt.
 */
#include "engine/debian/debian.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void apt_options(copa__apt_options *a, const copa__debian *d, const copa__engine_net *net)
{
    memset(a, 0, sizeof(*a));
    a->arch = d->db->native_arch;
    a->now = (int64_t)time(NULL);
    a->cache_dir = net->cache_dir;
    a->insecure_allow_unsigned = net->insecure_allow_unsigned;
    a->mirrors = net->mirrors;
    copa__http_options_defaults(&a->http);
    a->http.ca_file = net->ca_file;
    a->http.cancel = net->cancel;
    a->http.cancel_payload = net->cancel_payload;
}

int copa__debian_sources(copa__engine *engine, const copa__engine_image *image,
                         const copa__engine_net *net, const copa__engine_events *events)
{
    copa__debian *d = (copa__debian *)engine;
    copa__apt_options a;
    copa__apt_filter filter;
    int rc;

    memset(&filter, 0, sizeof(filter));
    apt_options(&a, d, net);
    if (getenv("COPA_APT_SCOPE") == NULL) /* "all" (any value): keep every stanza */
        a.filter = &filter;
    d->have_apt = 1;
    rc = copa__debian_load_scoped(&d->apt, image->files, &a, d->db, events);
    if (rc == 0) {
        d->have_prefs = 1;
        rc = copa__apt_prefs_load(&d->prefs, image->files, d->db->native_arch);
    }
    copa__apt_filter_free(&filter);
    return rc;
}
