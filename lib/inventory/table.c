/*
 * The inventory for people: a header with the OS, then aligned columns.
 * Every value comes from the image, so control bytes are shown as '?'
 * rather than reaching the terminal.
 */
#include "inventory/inventory.h"
#include "util/buffer.h"
#include "util/error.h"

#include <string.h>

typedef struct widths {
    int name, version, arch;
} widths;

static void widen(int *w, const char *text)
{
    if ((int)strlen(text) > *w)
        *w = (int)strlen(text);
}

static widths column_widths(const copa_inventory *inv)
{
    widths w = {4, 7, 4}; /* the headings */
    size_t i;

    for (i = 0; i < inv->package_count; i++) {
        widen(&w.name, inv->packages[i].name);
        widen(&w.version, inv->packages[i].version);
        widen(&w.arch, inv->packages[i].arch);
    }
    return w;
}

/* "glibc", or "glibc 2.36-9" when the source version differs from the package's. */
static int source_of(copa__buf *out, const copa_package *p)
{
    copa__buf_clear(out);
    if (strcmp(p->source_version, p->version) == 0)
        return copa__buf_append_str(out, p->source_name);
    return copa__buf_appendf(out, "%s %s", p->source_name, p->source_version);
}

static void mask_controls(char *text)
{
    for (; *text != '\0'; text++)
        if ((unsigned char)*text < 0x20 && *text != '\n')
            *text = '?';
        else if ((unsigned char)*text == 0x7f)
            *text = '?';
}

int copa__inventory_table(char **out, const copa_inventory *inv)
{
    copa__buf b = COPA__BUF_INIT, src = COPA__BUF_INIT;
    widths w = column_widths(inv);
    size_t i;
    int rc;

    rc = copa__buf_appendf(&b, "Image:    %s\nDigest:   %s\nOS:       %s\nPackages: %zu (%s)\n\n",
                           inv->image, inv->digest,
                           inv->os_pretty_name[0] != '\0' ? inv->os_pretty_name : inv->os_id,
                           inv->package_count, inv->package_manager);
    if (rc == 0)
        rc = copa__buf_appendf(&b, "%-*s  %-*s  %-*s  %s\n", w.name, "NAME", w.version, "VERSION",
                               w.arch, "ARCH", "SOURCE");
    for (i = 0; rc == 0 && i < inv->package_count; i++) {
        const copa_package *p = &inv->packages[i];
        if ((rc = source_of(&src, p)) == 0)
            rc = copa__buf_appendf(&b, "%-*s  %-*s  %-*s  %s%s\n", w.name, p->name, w.version,
                                   p->version, w.arch, p->arch, src.data,
                                   p->patched ? "  (patched by copa)" : "");
    }
    copa__buf_free(&src);
    if (rc == 0 && (*out = copa__buf_detach(&b)) == NULL)
        rc = copa__error_oom();
    copa__buf_free(&b);
    if (rc == 0)
        mask_controls(*out);
    return rc;
}
