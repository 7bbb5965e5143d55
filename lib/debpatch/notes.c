/*
 * What did not happen because nothing is executed: every maintainer script
 * of the new versions (preinst install/upgrade, postinst configure), the
 * old versions' prerm/postrm upgrade calls, and declared triggers; plus the
 * known consequences users should hear about.
 */
#include "debpatch/internal.h"
#include "util/buffer.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int skipped(copa__dp_ctx *c, const char *id, const char *what)
{
    copa__buf b = COPA__BUF_INIT;
    int rc = copa__buf_appendf(&b, "%s: %s", id, what);
    if (rc == 0)
        rc = copa__dp_strlist_push(&c->res->skipped_scripts, &c->res->nskipped_scripts, b.data);
    copa__buf_free(&b);
    return rc;
}

static int note(copa__dp_ctx *c, const char *fmt, const char *a)
{
    copa__buf b = COPA__BUF_INIT;
    size_t i;
    int rc = copa__buf_appendf(&b, fmt, a);
    for (i = 0; rc == 0 && i < c->res->nnotes; i++)
        if (strcmp(c->res->notes[i], b.data) == 0) {
            copa__buf_free(&b);
            return 0;
        }
    if (rc == 0)
        rc = copa__dp_strlist_push(&c->res->notes, &c->res->nnotes, b.data);
    copa__buf_free(&b);
    return rc;
}

/* Does the old version have info/<id>.<ext> in the image? */
static int old_has(copa__dp_ctx *c, const copa__dp_pkg *p, const char *ext)
{
    char *path, *text = NULL;
    size_t len;
    int rc, has;
    if (p->old == NULL || p->old->distroless)
        return 0;
    if ((path = copa__dpkg_info_path(c->in->db, p->old, ext)) == NULL)
        return 0;
    rc = c->in->files->read(&text, &len, path, c->in->files->payload);
    has = rc == 0;
    copa_error_clear();
    free(text);
    free(path);
    return has;
}

static int scripts(copa__dp_ctx *c, const copa__dp_pkg *p)
{
    const copa__deb_member *trig = copa__deb_control_member(p->deb, "triggers");
    const char *mode = p->old != NULL ? "upgrade" : "install";
    char what[64];
    int rc = 0;

    if (rc == 0 && old_has(c, p, "prerm"))
        rc = skipped(c, p->id, "old prerm (upgrade)");
    if (rc == 0 && copa__deb_control_member(p->deb, "preinst") != NULL) {
        snprintf(what, sizeof(what), "preinst (%s)", mode);
        rc = skipped(c, p->id, what);
    }
    if (rc == 0 && old_has(c, p, "postrm"))
        rc = skipped(c, p->id, "old postrm (upgrade)");
    if (rc == 0 && copa__deb_control_member(p->deb, "postinst") != NULL)
        rc = skipped(c, p->id, "postinst (configure)");
    if (rc == 0 && trig != NULL)
        rc = skipped(c, p->id, "triggers");
    return rc;
}

/* Packages whose scripts do work a user will notice. */
static const struct {
    const char *name;
    const char *text;
} known[] = {
    {"libc6", "libc6: running services were not restarted; restart containers to use the new "
              "C library"},
    {"tzdata", "tzdata: /etc/localtime and /etc/timezone were not reconfigured (the zone files "
               "themselves are updated)"},
    {"openssl", "openssl: services linked against the old library keep it until restarted"},
    {"dbus", "dbus: the system bus configuration was not reloaded"},
};

/*
 * One note naming every package whose ldconfig trigger did not run, unless
 * effect_ldso.c brought /etc/ld.so.cache up to date; with its reason when
 * it could not.
 */
static int ldconfig_note(copa__dp_ctx *c)
{
    copa__buf b = COPA__BUF_INIT;
    size_t i;
    int rc = 0;
    if (c->ldso_current)
        return 0;
    for (i = 0; rc == 0 && i < c->npkgs; i++) {
        const copa__deb_member *t = copa__deb_control_member(c->pkgs[i].deb, "triggers");
        if (t != NULL && strstr(t->data, "ldconfig") != NULL)
            rc = copa__buf_appendf(&b, "%s%s", b.length > 0 ? ", " : "", c->pkgs[i].ctl->name);
    }
    if (rc == 0 && b.length > 0) {
        rc = copa__buf_appendf(&b,
                               "): /etc/ld.so.cache is not refreshed (%s); libraries at "
                               "unchanged paths still load",
                               c->ldso_why != NULL ? c->ldso_why : "not attempted");
        if (rc == 0)
            rc = note(c, "ldconfig did not run (%s", b.data);
    }
    copa__buf_free(&b);
    return rc;
}

/* Whether the new postinst mentions `command` (read, never run). */
static int postinst_calls(const copa__dp_pkg *p, const char *command)
{
    const copa__deb_member *m = copa__deb_control_member(p->deb, "postinst");
    return m != NULL && memmem(m->data, m->len, command, strlen(command)) != NULL;
}

static int ships_under(const copa__dp_pkg *p, const char *dir)
{
    size_t i, n = strlen(dir);
    for (i = 0; i < p->npaths; i++)
        if (strncmp(p->paths[i], dir, n) == 0 && p->paths[i][n] != '\0')
            return 1;
    return 0;
}

int copa__dp_notes(copa__dp_ctx *c)
{
    const copa__dp_pkg *man_pages = NULL;
    size_t i, k;
    int rc = ldconfig_note(c);
    for (i = 0; rc == 0 && i < c->npkgs; i++) {
        const copa__dp_pkg *p = &c->pkgs[i];
        rc = scripts(c, p);
        for (k = 0; rc == 0 && k < sizeof(known) / sizeof(known[0]); k++)
            if (strcmp(p->ctl->name, known[k].name) == 0)
                rc = note(c, "%s", known[k].text);
        if (rc == 0 && p->old == NULL && copa__deb_control_member(p->deb, "postinst") != NULL)
            rc = note(c,
                      "%s: new package whose postinst did not run: users, groups, "
                      "alternatives and file capabilities it would create are missing",
                      p->id);
        if (rc == 0 && postinst_calls(p, "py3compile"))
            rc = note(c,
                      "%s: Python byte-code under /usr/lib/python3/dist-packages is stale "
                      "(py3compile did not run): recompiled at each start by non-root processes",
                      p->id);
        if (man_pages == NULL && ships_under(p, "/usr/share/man/"))
            man_pages = p;
    }
    /* man-db's file trigger on /usr/share/man is what refreshes its index. */
    if (rc == 0 && man_pages != NULL && copa__dpkg_db_find(c->in->db, "man-db") != NULL)
        rc = note(c,
                  "man-db: the manual page index (/var/cache/man) was not updated (%s ships "
                  "pages): apropos and man -k miss what the upgrade added or renamed",
                  man_pages->ctl->name);
    return rc;
}
