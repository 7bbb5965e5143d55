/* shim.c - see shim.h. */
#include "shim.h"

#include <string.h>

#include "_cgo_export.h"

/* Copy the calling thread's last error before anything else can replace it. */
static int capture(copa_go_err *e, int rc)
{
    e->code = rc;
    e->message = NULL;
    if (rc < 0) {
        const char *m = copa_error_last();
        e->message = strdup(m != NULL ? m : "");
    }
    return rc;
}

int copa_go_init(copa_go_err *e)
{
    return capture(e, copa_init());
}

int copa_go_version_compare(copa_go_err *e, int *out, const char *format, const char *a,
                            const char *b)
{
    copa_pkg_format f;
    int rc = copa_pkg_format_from_name(&f, format);
    if (rc == 0)
        rc = copa_version_compare(out, f, a, b);
    return capture(e, rc);
}

int copa_go_version_valid(copa_go_err *e, const char *format, const char *v)
{
    copa_pkg_format f;
    int rc = copa_pkg_format_from_name(&f, format);
    if (rc == 0)
        rc = copa_version_valid(f, v);
    return capture(e, rc);
}

int copa_go_report_parse(copa_go_err *e, copa_report **out, const char *path, const char *data,
                         size_t length, const char *format, const char *scanner, int ignore_errors,
                         unsigned int timeout_ms)
{
    copa_report_options opts;
    copa_report_format f;
    int rc = copa_report_options_init(&opts, COPA_REPORT_OPTIONS_VERSION);
    if (rc == 0)
        rc = copa_report_format_from_name(&f, format);
    if (rc != 0)
        return capture(e, rc);
    opts.format = f;
    opts.scanner = scanner;
    opts.ignore_errors = ignore_errors;
    opts.plugin_timeout_ms = timeout_ms;
    if (data != NULL)
        rc = copa_report_parse_buffer(out, data, length, path, &opts);
    else
        rc = copa_report_parse_file(out, path, &opts);
    return capture(e, rc);
}

int copa_go_report_to_json(copa_go_err *e, char **out, const copa_report *report)
{
    return capture(e, copa_report_to_json(out, report));
}

int copa_go_reference_parse(copa_go_err *e, copa_reference **out, const char *text)
{
    return capture(e, copa_reference_parse(out, text));
}

int copa_go_image_inspect(copa_go_err *e, char **out, const char *image, int json,
                          const copa_go_registry *r)
{
    copa_inspect_options opts;
    copa_inspect_options_init(&opts, COPA_INSPECT_OPTIONS_VERSION);
    opts.platform = r->platform;
    opts.json = json;
    opts.credentials = r->credentials;
    opts.insecure_registries = r->insecure_registries;
    opts.ca_file = r->ca_file;
    opts.cert_dir = r->cert_dir;
    opts.cache_dir = r->cache_dir;
    return capture(e, copa_image_inspect(out, image, &opts));
}

int copa_go_image_copy(copa_go_err *e, const char *from, const char *to, const copa_go_registry *r)
{
    copa_copy_options opts;
    copa_copy_options_init(&opts, COPA_COPY_OPTIONS_VERSION);
    opts.platform = r->platform;
    opts.credentials = r->credentials;
    opts.insecure_registries = r->insecure_registries;
    opts.ca_file = r->ca_file;
    opts.cert_dir = r->cert_dir;
    opts.cache_dir = r->cache_dir;
    return capture(e, copa_image_copy(from, to, &opts));
}

int copa_go_packages_open(copa_go_err *e, copa_inventory **out, const char *image,
                          const copa_go_registry *r)
{
    copa_packages_options opts;
    copa_packages_options_init(&opts, COPA_PACKAGES_OPTIONS_VERSION);
    opts.platform = r->platform;
    opts.credentials = r->credentials;
    opts.insecure_registries = r->insecure_registries;
    opts.ca_file = r->ca_file;
    opts.cert_dir = r->cert_dir;
    opts.cache_dir = r->cache_dir;
    return capture(e, copa_packages_open(out, image, &opts));
}

int copa_go_inventory_format(copa_go_err *e, char **out, const copa_inventory *inv, int format)
{
    return capture(e, copa_inventory_format(out, inv, (copa_inventory_format_kind)format));
}

int copa_go_vex_create(copa_go_err *e, copa_vex **out, const char *id, const char *author,
                       const char *timestamp, const char *tooling)
{
    copa_vex_options opts;
    int rc = copa_vex_options_init(&opts, COPA_VEX_OPTIONS_VERSION);
    if (rc != 0)
        return capture(e, rc);
    opts.id = id;
    opts.author = author;
    opts.timestamp = timestamp;
    opts.tooling = tooling;
    return capture(e, copa_vex_create(out, &opts));
}

int copa_go_vex_add_fixed(copa_go_err *e, copa_vex *vex, const char *vulnerability,
                          const char *product, const char *subcomponent)
{
    return capture(e, copa_vex_add_fixed(vex, vulnerability, product, subcomponent));
}

int copa_go_vex_to_json(copa_go_err *e, char **out, const copa_vex *vex)
{
    return capture(e, copa_vex_to_json(out, vex));
}

int copa_go_vex_write_file(copa_go_err *e, const copa_vex *vex, const char *path)
{
    return capture(e, copa_vex_write_file(vex, path));
}

int copa_go_purl_package(copa_go_err *e, char **out, const char *format, const char *distro_id,
                         const char *distro_version, const char *name, const char *version,
                         const char *arch)
{
    copa_pkg_format f;
    int rc = copa_pkg_format_from_name(&f, format);
    if (rc == 0)
        rc = copa_vex_purl_package(out, f, distro_id, distro_version, name, version, arch);
    return capture(e, rc);
}

int copa_go_purl_image(copa_go_err *e, char **out, const char *registry, const char *repository,
                       const char *digest, const char *tag)
{
    return capture(e, copa_vex_purl_image(out, registry, repository, digest, tag));
}

static int progress(const copa_progress *event, void *payload)
{
    return goCopaProgress((uintptr_t)payload, (copa_progress *)event);
}

static void set_progress(copa_patch_options *opts, uintptr_t handle)
{
    if (handle != 0) {
        opts->progress = progress;
        opts->progress_payload = (void *)handle;
    }
}

int copa_go_patch(copa_go_err *e, copa_patch_result **out, copa_patch_options *opts,
                  uintptr_t handle)
{
    set_progress(opts, handle);
    return capture(e, copa_patch(out, opts));
}

int copa_go_plan(copa_go_err *e, char **out, copa_patch_options *opts, int json, uintptr_t handle)
{
    set_progress(opts, handle);
    return capture(e, copa_plan(out, opts, json ? COPA_PLAN_JSON : COPA_PLAN_TEXT));
}
