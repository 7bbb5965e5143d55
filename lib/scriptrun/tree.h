/*
 * A scratch copy of an image's merged root for --run-scripts: the image's
 * layers and copa's new layer (still in its writer) extracted into a
 * directory, whiteouts applied, with a manifest of what each path should
 * be (owner, mode, capability) because a caller who is not root cannot
 * store other owners on disk. After the scripts ran in the sandbox, the
 * tree is compared with a snapshot taken before and every difference goes
 * into the writer, replacing the writer's own entry for the same path (a
 * layer holds each path once).
 */
#ifndef COPA_LIB_SCRIPTRUN_TREE_H
#define COPA_LIB_SCRIPTRUN_TREE_H

#include "layer/layer.h"
#include "layer/writer.h"

#include <stddef.h>

typedef struct copa__tree copa__tree;
typedef struct copa__tree_snapshot copa__tree_snapshot;

/* `dir` exists and is empty; it is not removed by copa__tree_free. */
int copa__tree_new(copa__tree **out, const char *dir);
void copa__tree_free(copa__tree *tree);
const char *copa__tree_dir(const copa__tree *tree);

/* One more image layer, lowest first (whiteouts and opaque markers applied). */
int copa__tree_apply_layer(copa__tree *tree, const copa__layer_desc *desc,
                           const copa__layer_source *source);

/* The entries added to `writer` so far, as if it were the next layer. */
int copa__tree_apply_writer(copa__tree *tree, copa__layer_writer *writer);

/* Every path with its type, mode, owner, content hash, link and capability. */
int copa__tree_snapshot_take(copa__tree_snapshot **out, const copa__tree *tree);
void copa__tree_snapshot_free(copa__tree_snapshot *snapshot);

/*
 * Compare the tree now with `before` and put the differences into
 * `writer`: new and changed paths (content, type, mode, owner, symlink
 * target, security.capability) replace the writer's entry for the path,
 * deleted paths become whiteouts. *changed counts the paths written.
 */
int copa__tree_emit_changes(copa__tree *tree, const copa__tree_snapshot *before,
                            copa__layer_writer *writer, size_t *changed);

#endif
