/*
 * Shared by the resolver tests: worlds written as dpkg status and Packages
 * stanzas (parsed by lib/repo like real files), resolving, and lookups.
 */
#ifndef RESOLVE_HELPERS_H
#define RESOLVE_HELPERS_H

#include <copa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve/resolve.h"

/* An installed stanza (status file) and a candidate stanza (Packages file). */
#define INSTA(name, arch, ver, extra)                                                              \
    "Package: " name "\nStatus: install ok installed\nVersion: " ver "\nArchitecture: " arch       \
    "\n" extra "\n\n"
#define INST(name, ver, extra) INSTA(name, "amd64", ver, extra)
#define HELD(name, ver, extra)                                                                     \
    "Package: " name "\nStatus: hold ok installed\nVersion: " ver "\nArchitecture: amd64\n" extra  \
    "\n\n"
#define CANDA(name, arch, ver, extra)                                                              \
    "Package: " name "\nVersion: " ver "\nArchitecture: " arch "\nFilename: pool/" name "_" ver    \
    "_" arch ".deb\nSize: 1000\nSHA256: "                                                          \
    "0000000000000000000000000000000000000000000000000000000000000000\n" extra "\n\n"
#define CAND(name, ver, extra) CANDA(name, "amd64", ver, extra)

static copa__rs_world W;
static copa__rs_plan P;
static int RC;

static inline void world(const char *installed, const char *cands)
{
    copa__rs_plan_free(&P);
    copa__rs_world_free(&W);
    if (copa__rs_world_init(&W, COPA_PKG_DEB, "amd64") < 0 ||
        copa__rs_world_add_deb822(&W, 1, "status", installed, strlen(installed), 0, 0, NULL) < 0 ||
        copa__rs_world_add_deb822(&W, 0, "Packages", cands, strlen(cands), 1, 0, "file:/repo") <
            0) {
        fprintf(stderr, "world: %s\n", copa_error_last());
        abort();
    }
}

static const char *const ID1[] = {"CVE-2024-0001"};
static const char *const ID2[] = {"CVE-2024-0002", "CVE-2024-0003"};

/* Resolve one report entry. */
static inline int want(const char *name, const char *fixed)
{
    copa__rs_request r;
    r.name = name;
    r.fixed_version = fixed;
    r.ids = ID1;
    r.nids = 1;
    copa__rs_plan_free(&P);
    return RC = copa__resolve(&P, &W, &r, 1, 0);
}

static inline int update_everything(void)
{
    copa__rs_plan_free(&P);
    return RC = copa__resolve(&P, &W, NULL, 0, 1);
}

static inline const copa__rs_step *step_arch(const char *name, const char *arch)
{
    size_t i;
    for (i = 0; i < P.nsteps; i++)
        if (strcmp(P.steps[i].name, name) == 0 && (arch == NULL || !strcmp(P.steps[i].arch, arch)))
            return &P.steps[i];
    return NULL;
}

static inline const copa__rs_step *step(const char *name)
{
    return step_arch(name, NULL);
}

static inline void cleanup(void)
{
    copa__rs_plan_free(&P);
    copa__rs_world_free(&W);
}

#endif
