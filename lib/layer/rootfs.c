/*
 * The rootfs view: applying each layer's entries to the index.
 *
 * - An entry's parent directories are resolved through the view's
 *   symlinks (as containerd and umoci do when they extract), so a file
 *   written as "lib/x" on a merged-/usr image lands in "usr/lib/x".
 *   Missing parents are created as 0755 root directories.
 * - A directory over a directory merges (the new metadata wins); anything
 *   else replaces the old entry and its subtree.
 * - Whiteouts and opaque markers hide only what lower layers put there,
 *   never entries of their own layer, whatever their order in the tar.
 * - Hardlinks become copies of their target's metadata (and kept content).
 */
#include "layer/reader.h"
#include "layer/rootfs_internal.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static const char *const default_prefixes[] = {
    "/etc", "/var/lib/dpkg", "/lib/apk/db", "/var/lib/rpm", "/usr/lib/sysimage/rpm",
    "/usr/share/keyrings", "/usr/lib/os-release",
    /* the CA store effect (lib/debpatch) */
    "/usr/share/ca-certificates", "/usr/local/share/ca-certificates",
    /* apt's auto-installed marks */
    "/var/lib/apt/extended_states"};

void copa__rootfs_options_init(copa__rootfs_options *options)
{
    memset(options, 0, sizeof(*options));
    options->keep_max_size = 1024 * 1024;
    options->keep_prefixes = default_prefixes;
    options->keep_prefix_count = sizeof(default_prefixes) / sizeof(default_prefixes[0]);
}

static int copy_prefixes(copa__rootfs *fs, const copa__rootfs_options *options)
{
    size_t i;

    fs->prefixes = calloc(options->keep_prefix_count + 1, sizeof(char *));
    fs->canonical = calloc(options->keep_prefix_count + 1, sizeof(char *));
    if (fs->prefixes == NULL || fs->canonical == NULL)
        return copa__error_oom();
    for (i = 0; i < options->keep_prefix_count; i++) {
        const char *given = options->keep_prefixes[i];
        char *copy = malloc(strlen(given) + 2);
        if (copy == NULL)
            return copa__error_oom();
        fs->prefixes[fs->prefix_count++] = copy;
        copy[0] = '/';
        strcpy(copy + 1, given);
        if (copa__layer_path_normalize(copy + 1) != 0)
            return copa__error_set(COPA_EINVALID, "keep prefix '%s' contains '..'", given);
    }
    fs->prefixes_dirty = 1;
    return 0;
}

int copa__rootfs_new(copa__rootfs **out, const copa__rootfs_options *options)
{
    copa__rootfs_options defaults;
    copa__rootfs *fs = calloc(1, sizeof(*fs));
    int error;

    if (fs == NULL)
        return copa__error_oom();
    if (options == NULL) {
        copa__rootfs_options_init(&defaults);
        options = &defaults;
    }
    fs->keep_max_size = options->keep_max_size;
    fs->cache_node = RFS_NONE;
    if ((error = copa__rfs_init(fs)) != 0 || (error = copy_prefixes(fs, options)) != 0) {
        copa__rootfs_free(fs);
        return error;
    }
    *out = fs;
    return 0;
}

void copa__rootfs_free(copa__rootfs *fs)
{
    size_t i;

    if (fs == NULL)
        return;
    for (i = 0; i < fs->prefix_count; i++) {
        free(fs->prefixes[i]);
        free(fs->canonical[i]);
    }
    free(fs->prefixes);
    free(fs->canonical);
    free(fs->cache_path);
    copa__rfs_release(fs);
    free(fs);
}

static void remove_node(copa__rootfs *fs, uint32_t id)
{
    copa__rfs_remove(fs, id);
    fs->cache_node = RFS_NONE;
    fs->prefixes_dirty = 1;
}

static int set_meta(copa__rootfs *fs, uint32_t id, const copa__layer_entry *e)
{
    rfs_node *n = &fs->nodes[id];
    int error;

    n->type = (uint8_t)e->type;
    n->mode = (uint16_t)(e->mode & 07777);
    n->uid = (uint32_t)e->uid;
    n->gid = (uint32_t)e->gid;
    n->mtime = e->mtime;
    n->size = e->type == COPA__ENTRY_FILE ? e->size : 0;
    n->layer = (uint16_t)fs->layer;
    n->capability = NULL;
    if (e->capability != NULL && e->capability_length <= 255) {
        unsigned char packed[256];
        packed[0] = (unsigned char)e->capability_length;
        memcpy(packed + 1, e->capability, e->capability_length);
        n->capability = (const unsigned char *)copa__rfs_strdup(fs, (const char *)packed,
                                                                e->capability_length + 1);
        if (n->capability == NULL)
            return copa__error_oom();
    }
    if ((error = copa__rfs_intern(fs, &fs->nodes[id].uname, e->uname)) != 0 ||
        (error = copa__rfs_intern(fs, &fs->nodes[id].gname, e->gname)) != 0)
        return error;
    return 0;
}

static int add_implicit_dir(copa__rootfs *fs, uint32_t *out, uint32_t parent, const char *name,
                            size_t length)
{
    int error = copa__rfs_add_child(fs, out, parent, name, length);

    if (error != 0)
        return error;
    fs->nodes[*out].type = COPA__ENTRY_DIR;
    fs->nodes[*out].mode = 0755;
    fs->nodes[*out].layer = (uint16_t)fs->layer;
    return 0;
}

static int bad_parent(copa__rootfs *fs, const char *path)
{
    return copa__error_set(COPA_EINVALID,
                           "layer %s: '%s': a parent is not a directory in the image",
                           fs->layer_name, path);
}

/* Walk the directory part `dir` (length `length`) of an entry path. */
static int walk_dir(copa__rootfs *fs, uint32_t *out, const char *path, size_t length, int create)
{
    uint32_t current = RFS_ROOT;
    size_t pos = 0;

    while (pos < length) {
        size_t end = pos;
        uint32_t child;
        int links = 0;
        while (end < length && path[end] != '/')
            end++;
        child = copa__rfs_child(fs, current, path + pos, end - pos);
        if (child == RFS_NONE) {
            int error;
            if (!create)
                return COPA_ENOTFOUND;
            if ((error = add_implicit_dir(fs, &child, current, path + pos, end - pos)) != 0)
                return error;
        } else if (fs->nodes[child].type == COPA__ENTRY_SYMLINK) {
            uint32_t target;
            if (copa__rfs_resolve(fs, &target, current, fs->nodes[child].link, 1, &links) != 0 ||
                fs->nodes[target].type != COPA__ENTRY_DIR)
                return create ? bad_parent(fs, path) : COPA_ENOTFOUND;
            child = target;
        } else if (fs->nodes[child].type != COPA__ENTRY_DIR) {
            return create ? bad_parent(fs, path) : COPA_ENOTFOUND;
        }
        current = child;
        pos = end + 1;
    }
    *out = current;
    return 0;
}

/* The parent directory of `path` and where its last component starts. */
static int resolve_parent(copa__rootfs *fs, uint32_t *out, const char **leaf, const char *path,
                          int create)
{
    const char *slash = strrchr(path, '/');
    size_t length = slash != NULL ? (size_t)(slash - path) : 0;
    int error;

    *leaf = slash != NULL ? slash + 1 : path;
    if (length == 0) {
        *out = RFS_ROOT;
        return 0;
    }
    if (fs->cache_node != RFS_NONE && strlen(fs->cache_path) == length &&
        memcmp(fs->cache_path, path, length) == 0) {
        *out = fs->cache_node;
        return 0;
    }
    if ((error = walk_dir(fs, out, path, length, create)) != 0)
        return error;
    free(fs->cache_path);
    fs->cache_path = strndup(path, length);
    fs->cache_node = fs->cache_path != NULL ? *out : RFS_NONE;
    return 0;
}

/* Remove what lower layers put under `id`; keep this layer's entries and their parents. */
static void prune_lower(copa__rootfs *fs, uint32_t id)
{
    uint32_t child = fs->nodes[id].first_child;

    while (child != RFS_NONE) {
        uint32_t next = fs->nodes[child].next_sibling;
        prune_lower(fs, child);
        if (fs->nodes[child].layer < fs->layer && fs->nodes[child].first_child == RFS_NONE)
            remove_node(fs, child);
        child = next;
    }
}

static int apply_whiteout(copa__rootfs *fs, const copa__layer_entry *e)
{
    const char *leaf;
    uint32_t parent, id;

    if (resolve_parent(fs, &parent, &leaf, e->path, 0) != 0)
        return 0; /* hides something that is not there */
    id = copa__rfs_child(fs, parent, leaf, strlen(leaf));
    if (id == RFS_NONE || fs->nodes[id].layer >= fs->layer)
        return 0;
    prune_lower(fs, id);
    if (fs->nodes[id].first_child == RFS_NONE)
        remove_node(fs, id);
    return 0;
}

static int apply_opaque(copa__rootfs *fs, const copa__layer_entry *e)
{
    uint32_t dir;
    int error = walk_dir(fs, &dir, e->path, strlen(e->path), 1);

    if (error != 0)
        return error;
    prune_lower(fs, dir);
    return 0;
}

/* Copy what a hardlink's target is, before the link's own path is replaced. */
typedef struct link_copy {
    rfs_node node;
    unsigned char *content;
} link_copy;

static int copy_link_target(copa__rootfs *fs, link_copy *copy, const copa__layer_entry *e)
{
    uint32_t target;
    int links = 0;

    if (copa__rfs_resolve(fs, &target, RFS_ROOT, e->link, 0, &links) != 0)
        return copa__error_set(COPA_EINVALID, "layer %s: hardlink '%s' to missing '%s'",
                               fs->layer_name, e->path, e->link);
    copy->node = fs->nodes[target];
    copy->content = NULL;
    if (copy->node.type == COPA__ENTRY_DIR)
        return copa__error_set(COPA_EINVALID, "layer %s: hardlink '%s' to directory '%s'",
                               fs->layer_name, e->path, e->link);
    if (copy->node.content != NULL) {
        copy->content = malloc((size_t)copy->node.size);
        if (copy->content == NULL)
            return copa__error_oom();
        memcpy(copy->content, copy->node.content, (size_t)copy->node.size);
    }
    return 0;
}

static void apply_link_copy(copa__rootfs *fs, uint32_t id, link_copy *copy)
{
    rfs_node *n = &fs->nodes[id];

    n->type = copy->node.type;
    n->mode = copy->node.mode;
    n->uid = copy->node.uid;
    n->gid = copy->node.gid;
    n->uname = copy->node.uname;
    n->gname = copy->node.gname;
    n->size = copy->node.size;
    n->mtime = copy->node.mtime;
    n->link = copy->node.link;
    n->capability = copy->node.capability; /* one inode, one set of xattrs */
    n->layer = (uint16_t)fs->layer;
    n->flags = (uint8_t)((copy->node.flags & RFS_KEPT) | RFS_HARDLINK);
    n->content = copy->content;
    if (copy->content != NULL)
        fs->content_bytes += (size_t)copy->node.size;
    copy->content = NULL;
}

/* Create (or, for a directory over a directory, update) the entry's node. */
static int place_node(copa__rootfs *fs, uint32_t *out, const copa__layer_entry *e)
{
    const char *leaf;
    uint32_t parent, id;
    int error;

    if (e->path[0] == '\0') {
        *out = RFS_ROOT;
        return 0;
    }
    if ((error = resolve_parent(fs, &parent, &leaf, e->path, 1)) != 0)
        return error;
    id = copa__rfs_child(fs, parent, leaf, strlen(leaf));
    if (id != RFS_NONE && e->type == COPA__ENTRY_DIR && fs->nodes[id].type == COPA__ENTRY_DIR) {
        *out = id;
        return 0;
    }
    if (id != RFS_NONE)
        remove_node(fs, id);
    return copa__rfs_add_child(fs, out, parent, leaf, strlen(leaf));
}

/* Apply one entry; *file gets the node of a regular file entry. */
static int apply(copa__rootfs *fs, const copa__layer_entry *e, copa__layer_reader *reader,
                 uint32_t *file)
{
    link_copy copy = {{0}, NULL};
    uint32_t id;
    int error;

    if (e->type == COPA__ENTRY_WHITEOUT)
        return apply_whiteout(fs, e);
    if (e->type == COPA__ENTRY_OPAQUE)
        return apply_opaque(fs, e);
    if (e->type == COPA__ENTRY_HARDLINK && (error = copy_link_target(fs, &copy, e)) != 0)
        return error;
    if ((error = place_node(fs, &id, e)) != 0) {
        free(copy.content);
        return error;
    }
    if (e->type == COPA__ENTRY_HARDLINK) {
        apply_link_copy(fs, id, &copy);
        return 0;
    }
    if ((error = set_meta(fs, id, e)) != 0)
        return error;
    if (e->type == COPA__ENTRY_SYMLINK) {
        fs->nodes[id].link = copa__rfs_strdup(fs, e->link, strlen(e->link));
        fs->prefixes_dirty = 1;
        return fs->nodes[id].link == NULL ? copa__error_oom() : 0;
    }
    if (e->type != COPA__ENTRY_FILE)
        return 0;
    *file = id;
    /* No reader: a replay, the content comes from the record. */
    if (reader == NULL)
        return copa__rfs_keep_recorded(fs, id, fs->replay_content, fs->replay_length,
                                       fs->replay_kept);
    return copa__rfs_keep(fs, id, reader);
}

static int apply_entry(void *payload, const copa__layer_entry *e, copa__layer_reader *reader)
{
    copa__rootfs *fs = payload;
    uint32_t file = RFS_NONE;
    int error = apply(fs, e, reader, &file);

    if (error != 0 || fs->record == NULL)
        return error;
    if (file != RFS_NONE && (fs->nodes[file].flags & RFS_KEPT))
        return fs->record(fs->record_payload, e, fs->nodes[file].content,
                          (size_t)fs->nodes[file].size, 1);
    return fs->record(fs->record_payload, e, NULL, 0, 0);
}

static int begin_layer(copa__rootfs *fs, const char *name)
{
    if (fs->broken)
        return copa__error_set(COPA_EINVALID, "rootfs view is incomplete after a failed layer");
    if (fs->layer >= 0xfffe)
        return copa__error_set(COPA_EUNSUPPORTED, "too many layers");
    fs->layer = fs->layer_count;
    fs->layer_name = name != NULL ? name : "(unnamed)";
    fs->cache_node = RFS_NONE;
    return 0;
}

static int end_layer(copa__rootfs *fs, int error)
{
    fs->layer_name = NULL;
    if (error != 0) {
        fs->broken = 1;
        return error;
    }
    fs->layer_count++;
    return 0;
}

int copa__rootfs_add_layer(copa__rootfs *fs, const copa__layer_desc *desc,
                           const copa__layer_source *source)
{
    int error = begin_layer(fs, desc->digest);

    if (error != 0)
        return error;
    return end_layer(fs, copa__layer_read(desc, source, apply_entry, fs));
}

int copa__rootfs_add_layer_recorded(copa__rootfs *fs, const copa__layer_desc *desc,
                                    const copa__layer_source *source, copa__rootfs_record_fn record,
                                    void *payload)
{
    int error;

    fs->record = record;
    fs->record_payload = payload;
    error = copa__rootfs_add_layer(fs, desc, source);
    fs->record = NULL;
    fs->record_payload = NULL;
    return error;
}

int copa__rootfs_replay_layer(copa__rootfs *fs, const char *name, copa__rootfs_next_fn next,
                              void *payload, int *needs_bytes)
{
    int error = begin_layer(fs, name);

    *needs_bytes = 0;
    if (error != 0)
        return error;
    fs->replay_missing = 0;
    for (;;) {
        copa__layer_entry e;
        int more;
        memset(&e, 0, sizeof(e));
        fs->replay_content = NULL;
        fs->replay_length = 0;
        fs->replay_kept = 0;
        more = next(payload, &e, &fs->replay_content, &fs->replay_length, &fs->replay_kept);
        if (more <= 0) {
            error = more;
            break;
        }
        if ((error = apply_entry(fs, &e, NULL)) != 0)
            break;
    }
    fs->replay_content = NULL;
    *needs_bytes = error != 0 && fs->replay_missing;
    return end_layer(fs, error);
}
