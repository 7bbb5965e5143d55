/*
 * The CA trust store effect (effect_ca_*.c): what ca-certificates'
 * postinst and update-ca-certificates would have done, computed on the
 * image as the layer changes it. See docs/dpkg.md, "Effects produced".
 */
#ifndef COPA_LIB_DEBPATCH_EFFECT_CA_H
#define COPA_LIB_DEBPATCH_EFFECT_CA_H

#include "debpatch/internal.h"

#define COPA__CA_CERTSDIR "/usr/share/ca-certificates"
#define COPA__CA_LOCALDIR "/usr/local/share/ca-certificates"
#define COPA__CA_ETCDIR "/etc/ssl/certs"
#define COPA__CA_CONF "/etc/ca-certificates.conf"
#define COPA__CA_BUNDLE "ca-certificates.crt"

/* Content of image path `path` after the layer (symlinks followed): 1 and
 * `out` filled for a regular file, 0 when missing or not a regular file. */
int copa__ca_read(copa__dp_ctx *c, const char *path, copa__buf *out);

/* `path` after the layer, symlinks followed: COPA__DP_MISSING, _DIR, _OTHER. */
copa__dp_kind copa__ca_kind(copa__dp_ctx *c, const char *path);

/*
 * Regular files named *.crt below `dir` (recursively), as image paths,
 * sorted bytewise. `follow`: through symlinks (find -L) or not (find).
 */
int copa__ca_find_crt(char ***out, size_t *count, copa__dp_ctx *c, const char *dir, int follow);
void copa__ca_names_free(char **names, size_t count);

/* One entry of /etc/ssl/certs: as the image has it and as it ends up. */
typedef struct copa__ca_entry {
    char *name;
    copa__dp_kind kind, was_kind; /* MISSING once removed */
    char *target, *was_target;    /* symlink targets */
    copa__buf content;            /* a file this effect writes (the bundle) */
    int generated;
} copa__ca_entry;

typedef struct copa__ca_dir {
    copa__dp_ctx *c;
    char *canon; /* canonical path of /etc/ssl/certs ("etc/ssl/certs") */
    copa__ca_entry *e;
    size_t n;
} copa__ca_dir;

int copa__ca_dir_load(copa__ca_dir *d, copa__dp_ctx *c);
void copa__ca_dir_free(copa__ca_dir *d);
copa__ca_entry *copa__ca_dir_find(copa__ca_dir *d, const char *name);
int copa__ca_dir_link(copa__ca_dir *d, const char *name, const char *target);
void copa__ca_dir_remove(copa__ca_dir *d, const char *name);
/* test -e (regular 0) / test -f (regular 1) on `name`, symlinks followed. */
int copa__ca_dir_exists(copa__ca_dir *d, const char *name, int regular);
/* Content of `name`, symlinks followed: 1 for a regular file, 0 otherwise. */
int copa__ca_dir_read(copa__ca_dir *d, const char *name, copa__buf *out);
/* Which file `name` finally is, symlinks followed: its canonical path
 * (malloc'd), or NULL when it is no regular file or only in memory. */
char *copa__ca_dir_file_identity(copa__ca_dir *d, const char *name);

/* `openssl rehash` of the directory (effect_ca_rehash.c). */
int copa__ca_rehash(copa__ca_dir *d);

#endif
