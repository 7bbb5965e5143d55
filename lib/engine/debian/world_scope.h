/*
 * The candidates a resolver run can reach from an image's installed
 * packages (world_scope.c).
 */
#ifndef COPA_LIB_ENGINE_DEBIAN_WORLD_SCOPE_H
#define COPA_LIB_ENGINE_DEBIAN_WORLD_SCOPE_H

#include "apt/apt.h"
#include "pkg/dpkg_db.h"
#include "util/names.h"

/*
 * (*out)[r][i] is 1 when package i of repository r is a version of an
 * installed package or (transitively) named by the Depends/Pre-Depends of
 * such a version, or provides such a name. Free with copa__world_scope_free.
 */
int copa__world_scope(unsigned char ***out, const copa__dpkg_db *db, const copa__apt_result *apt);
void copa__world_scope_free(unsigned char **selected, size_t count);

/*
 * The names the same walk visits (installed names, the Depends/Pre-Depends
 * names of their candidates, providers, transitively): every stanza
 * answering to one of them by Package or Provides must be loaded for the
 * walk to select what it would select over a full load. `out` is
 * initialized; free it with copa__names_free.
 */
int copa__world_scope_names(copa__names *out, const copa__dpkg_db *db, const copa__apt_result *apt);

#endif
