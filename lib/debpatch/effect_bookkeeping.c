/*
 * dpkg's and apt's own bookkeeping around an upgrade:
 *
 * - /var/lib/dpkg/status-old: dpkg keeps the status file it replaces
 *   there; copa writes the image's status file, the database before the
 *   patch.
 * - /var/lib/apt/extended_states: apt marks a package it installs to
 *   satisfy a dependency as automatically installed, so that
 *   `apt-get autoremove` can remove it once nothing needs it. Every package
 *   new in the plan is such a dependency (copa only upgrades); each gets
 *   the stanza apt writes ("Package", "Architecture" (an arch-all package
 *   under the native one, as apt records it), "Auto-Installed: 1"),
 *   appended in name order after the image's stanzas, which stay byte for
 *   byte. A package that already has a stanza keeps it.
 */
#include "debpatch/internal.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

#define STATUS_PATH COPA__DPKG_ADMINDIR "/status"
#define EXTENDED_STATES "/var/lib/apt/extended_states"

static int layer_wrote(copa__dp_ctx *c, const char *canon)
{
    const char *link;
    int layer = 0;
    copa__dp_view_kind(&c->view, canon, &link, &layer);
    return layer == 1;
}

static int status_old(copa__dp_ctx *c)
{
    const copa__image_files *f = c->in->files;
    copa__rootfs_stat st;
    unsigned int mode = 0644;
    char *text = NULL;
    size_t len;
    int rc;

    if (!layer_wrote(c, &STATUS_PATH[1]))
        return 0; /* dpkg rewrote nothing */
    if ((rc = f->read(&text, &len, STATUS_PATH, f->payload)) != 0)
        return rc; /* it was read to build the new one */
    if (c->view.fs != NULL && copa__rootfs_stat_path(&st, c->view.fs, STATUS_PATH, 1) == 0)
        mode = st.mode & 07777; /* dpkg links the old file: same mode */
    copa_error_clear();
    rc = copa__dp_add_generated(c, STATUS_PATH "-old", mode, text, len);
    free(text);
    return rc;
}

/* Does `text` hold a stanza for name/arch? */
static int has_stanza(const char *text, size_t len, const char *name, const char *arch)
{
    copa__dpkg_status *st = NULL;
    size_t i;
    int found = 0;
    if (copa__dpkg_status_parse(&st, EXTENDED_STATES, text, len, COPA__DPKG_STATUS_D) != 0) {
        copa_error_clear();
        return 0;
    }
    for (i = 0; i < st->count && !found; i++)
        found = strcmp(st->pkgs[i].name, name) == 0 &&
                (st->pkgs[i].arch[0] == '\0' || strcmp(st->pkgs[i].arch, arch) == 0);
    copa__dpkg_status_free(st);
    return found;
}

static int by_id(const void *a, const void *b)
{
    const copa__dp_pkg *x = *(const copa__dp_pkg *const *)a, *y = *(const copa__dp_pkg *const *)b;
    return strcmp(x->id, y->id);
}

static int extended_states(copa__dp_ctx *c)
{
    const copa__image_files *f = c->in->files;
    const copa__dp_pkg **fresh = calloc(c->npkgs + 1, sizeof(*fresh));
    copa__buf out = COPA__BUF_INIT;
    char *text = NULL;
    size_t len = 0, n = 0, i;
    int rc = fresh == NULL ? copa__error_oom() : 0;

    for (i = 0; rc == 0 && i < c->npkgs; i++)
        if (c->pkgs[i].old == NULL)
            fresh[n++] = &c->pkgs[i];
    if (rc != 0 || n == 0 || c->in->db->status == NULL)
        goto done; /* nothing new, or distroless: no apt */
    if ((rc = f->read(&text, &len, EXTENDED_STATES, f->payload)) == COPA_EUNSUPPORTED) {
        /* Larger than the view keeps: leave apt's file alone, say what follows. */
        copa_error_clear();
        rc = copa__dp_strlist_push(&c->res->notes, &c->res->nnotes,
                                   "apt: " EXTENDED_STATES " is too large to rewrite: the new "
                                   "dependencies are not marked auto-installed, so apt-get "
                                   "autoremove will not remove them");
        goto done;
    }
    if (rc == COPA_ENOTFOUND) {
        copa_error_clear();
        rc = 0;
        if (copa__dp_view_kind(&c->view, "var/lib/apt", &(const char *){NULL}, NULL) !=
            COPA__DP_DIR)
            goto done; /* no apt state in the image */
    }
    if (rc == 0)
        rc = copa__buf_append(&out, text != NULL ? text : "", len);
    qsort(fresh, n, sizeof(*fresh), by_id);
    for (i = 0; rc == 0 && i < n; i++) {
        const char *arch =
            strcmp(fresh[i]->ctl->arch, "all") == 0 ? c->in->db->native_arch : fresh[i]->ctl->arch;
        if (has_stanza(out.data, out.length, fresh[i]->ctl->name, arch))
            continue;
        if (out.length > 0 && out.data[out.length - 1] != '\n')
            rc = copa__buf_append_str(&out, "\n");
        if (rc == 0 && out.length > 1 && out.data[out.length - 2] != '\n')
            rc = copa__buf_append_str(&out, "\n"); /* stanzas are separated by a blank line */
        if (rc == 0)
            rc = copa__buf_appendf(&out, "Package: %s\nArchitecture: %s\nAuto-Installed: 1\n\n",
                                   fresh[i]->ctl->name, arch);
    }
    if (rc == 0 && (out.length != len || (len > 0 && memcmp(out.data, text, len) != 0)))
        rc = copa__dp_add_generated(c, EXTENDED_STATES, 0644, out.data, out.length);
done:
    copa__buf_free(&out);
    free(text);
    free(fresh);
    return rc;
}

int copa__dp_effect_bookkeeping(copa__dp_ctx *c)
{
    int rc = status_old(c);
    if (rc == 0)
        rc = extended_states(c);
    return rc;
}
