/*
 * copa_packages_open: read an image with the patch pipeline's loading
 * stages (open, read every layer, detect the OS and load the package
 * database), then keep only the inventory. copa's own patch layer is read
 * too, so a patched image shows its new versions, and the patch label
 * says which of them copa installed.
 */
#include "inventory/inventory.h"
#include "patch/context.h"
#include "util/error.h"
#include "util/utf8.h"
#include "vex/purl.h"

#include <stdlib.h>
#include <string.h>

int copa_packages_options_init(copa_packages_options *options, unsigned int version)
{
    copa_packages_options defaults = COPA_PACKAGES_OPTIONS_INIT;

    if (options == NULL || version != COPA_PACKAGES_OPTIONS_VERSION)
        return copa__error_set(COPA_EINVALID, "copa_packages_options_init: unknown version %u",
                               version);
    *options = defaults;
    return 0;
}

/* The patch loader's options from ours: no report, no destination, a dry run. */
static void loader_options(copa_patch_options *po, const char *reference,
                           const copa_packages_options *o)
{
    copa_patch_options defaults = COPA_PATCH_OPTIONS_INIT;

    *po = defaults;
    po->image = reference;
    po->dry_run = 1;
    po->platform = o->platform;
    po->credentials = o->credentials;
    po->insecure_registries = o->insecure_registries;
    po->ca_file = o->ca_file;
    po->cert_dir = o->cert_dir;
    po->cache_dir = o->cache_dir;
}

static const char *dup_or_empty(copa_inventory *inv, const char *text)
{
    return copa__utf8_arena_dup(&inv->arena, text != NULL ? text : "");
}

/* The image's purl: pkg:oci/<name>@<digest>, with its registry and tag when it has them. */
static int image_purl(copa_inventory *inv, const copa_reference *ref)
{
    const char *repository = copa_reference_repository(ref);
    const char *path = copa_reference_path(ref);
    char *purl = NULL;
    int rc;

    if (repository == NULL && path != NULL) {
        const char *slash = strrchr(path, '/');
        repository = slash != NULL && slash[1] != '\0' ? slash + 1 : path;
    }
    if ((rc = copa__purl_image(&purl, copa_reference_registry(ref),
                               repository != NULL ? repository : "image", inv->digest,
                               copa_reference_tag(ref))) != 0)
        return rc;
    inv->image_purl = copa__arena_strdup(&inv->arena, purl);
    free(purl);
    return inv->image_purl != NULL ? 0 : copa__error_oom();
}

static int fill(copa_inventory *inv, const copa__inventory_input *in)
{
    int rc;

    inv->image = dup_or_empty(inv, in->image);
    inv->digest = dup_or_empty(inv, in->digest);
    inv->os_id = dup_or_empty(inv, in->os->id);
    inv->os_version = dup_or_empty(inv, in->os->version_id);
    inv->os_pretty_name = dup_or_empty(inv, in->os->pretty_name);
    if (inv->image == NULL || inv->digest == NULL || inv->os_id == NULL ||
        inv->os_version == NULL || inv->os_pretty_name == NULL)
        return copa__error_oom();
    if ((rc = image_purl(inv, in->ref)) != 0)
        return rc;
    return copa__inventory_from_engine(inv, in->engine, in->patched, in->patched_count);
}

int copa__inventory_build(copa_inventory **out, const copa__inventory_input *in)
{
    copa_inventory *inv = calloc(1, sizeof(*inv));
    int rc;

    *out = NULL;
    if (inv == NULL)
        return copa__error_oom();
    copa__arena_init(&inv->arena);
    if ((rc = fill(inv, in)) != 0) {
        copa_inventory_free(inv);
        return rc;
    }
    *out = inv;
    return 0;
}

int copa_packages_open(copa_inventory **out, const char *reference,
                       const copa_packages_options *options)
{
    copa_packages_options defaults = COPA_PACKAGES_OPTIONS_INIT;
    copa_patch_options po;
    copa__patch_ctx ctx;
    int rc;

    if (out != NULL)
        *out = NULL;
    if (out == NULL || reference == NULL || reference[0] == '\0')
        return copa__error_set(COPA_EINVALID, "copa_packages_open: out and reference are "
                                              "required");
    if (options == NULL)
        options = &defaults;
    if (options->version != COPA_PACKAGES_OPTIONS_VERSION)
        return copa__error_set(COPA_EINVALID, "copa_packages_open: unknown options version %u",
                               options->version);
    loader_options(&po, reference, options);
    memset(&ctx, 0, sizeof(ctx));
    ctx.opts = &po;
    ctx.read_all_layers = 1;
    copa__progress_init(&ctx.progress, NULL, NULL);
    rc = copa_reference_parse(&ctx.ref, reference);
    if (rc == 0)
        rc = copa__patch_load_image(&ctx);
    if (rc == 0) {
        copa__inventory_input in;
        memset(&in, 0, sizeof(in));
        in.image = reference;
        in.ref = ctx.ref;
        in.digest = ctx.manifest.doc.digest;
        in.os = &ctx.os;
        in.engine = ctx.engine;
        in.patched = ctx.repatch.packages;
        in.patched_count = ctx.repatch.package_count;
        rc = copa__inventory_build(out, &in);
    }
    copa__patch_ctx_free(&ctx);
    return rc;
}

void copa_inventory_free(copa_inventory *inventory)
{
    if (inventory == NULL)
        return;
    copa__arena_free(&inventory->arena);
    free(inventory);
}

const char *copa_inventory_os_id(const copa_inventory *inventory)
{
    return inventory->os_id;
}

const char *copa_inventory_os_version(const copa_inventory *inventory)
{
    return inventory->os_version;
}

const char *copa_inventory_os_pretty_name(const copa_inventory *inventory)
{
    return inventory->os_pretty_name;
}

const char *copa_inventory_package_manager(const copa_inventory *inventory)
{
    return inventory->package_manager;
}

const char *copa_inventory_digest(const copa_inventory *inventory)
{
    return inventory->digest;
}

size_t copa_inventory_package_count(const copa_inventory *inventory)
{
    return inventory->package_count;
}

const copa_package *copa_inventory_package(const copa_inventory *inventory, size_t index)
{
    return index < inventory->package_count ? &inventory->packages[index] : NULL;
}
