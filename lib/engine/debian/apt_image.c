/*
 * copa_apt_open_image: the apt repositories of an image, read the way
 * copa patch reads them (the same open, layer and detect stages), for
 * `copa sources IMAGE` and library users who want to see what an image
 * trusts before patching it.
 */
#include "apt/public.h"
#include "copa/patch.h"
#include "engine/debian/debian.h"
#include "patch/context.h"
#include "util/error.h"

#include <string.h>

/* The image-reading options of a patch, taken from the apt options. */
static void image_options(copa_patch_options *po, const char *image, const copa_apt_options *opts)
{
    copa_patch_options_init(po, COPA_PATCH_OPTIONS_VERSION);
    po->image = image;
    po->cache_dir = opts->cache_dir;
    if (opts->version >= 2) {
        po->platform = opts->platform;
        po->credentials = opts->credentials;
        po->insecure_registries = opts->insecure_registries;
        po->ca_file = opts->ca_file;
        po->cert_dir = opts->cert_dir;
    }
}

int copa_apt_open_image(copa_apt **out, const char *image, const copa_apt_options *opts)
{
    copa_patch_options po;
    copa__patch_ctx ctx;
    int rc;

    if (out != NULL)
        *out = NULL;
    if (out == NULL || image == NULL || opts == NULL || opts->version < 1 ||
        opts->version > COPA_APT_OPTIONS_VERSION)
        return copa__error_set(COPA_EINVALID,
                               "copa_apt_open_image: an image and known options are required");
    image_options(&po, image, opts);
    memset(&ctx, 0, sizeof(ctx));
    ctx.opts = &po;
    copa__progress_init(&ctx.progress, NULL, NULL);
    rc = copa_reference_parse(&ctx.ref, image);
    if (rc == 0)
        rc = copa__patch_load_image(&ctx);
    if (rc == 0 && ctx.engine_ops != &copa__debian_engine)
        rc = copa__error_set(COPA_EUNSUPPORTED, "%s is %s: it has no apt sources", image,
                             ctx.os.pretty_name != NULL ? ctx.os.pretty_name : ctx.os.id);
    if (rc == 0) {
        const copa__debian *d = (const copa__debian *)ctx.engine;
        rc = copa__apt_public_load(out, &ctx.files,
                                   opts->arch != NULL ? opts->arch : d->db->native_arch, opts);
    }
    copa__patch_ctx_free(&ctx);
    return rc;
}
