/*
 * copa__image_files over a root filesystem directory. Paths are resolved
 * inside the directory: with openat2(RESOLVE_IN_ROOT) where the kernel has
 * it (race-free), otherwise by walking components with readlinkat() and
 * clamping ".." and absolute targets at the root (valgrind and kernels
 * before 5.6 lack openat2).
 */
#include "util/image_files.h"
#include "util/buffer.h"
#include "util/error.h"
#include "util/file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Configuration and package databases are large but bounded. */
#define MAX_IMAGE_FILE ((size_t)512 * 1024 * 1024)

/* The kernel's limit on symlinks followed while resolving one path. */
enum { MAX_SYMLINKS = 40 };

typedef struct dir_files {
    int root_fd;
    char *root;
} dir_files;

/* Append component `name` (length n) to the resolved path `out`. */
static int push_component(copa__buf *out, const char *name, size_t n)
{
    if (out->length > 0 && copa__buf_append(out, "/", 1) != 0)
        return COPA_ENOMEM;
    return copa__buf_append(out, name, n);
}

static void pop_component(copa__buf *out)
{
    char *slash = out->length > 0 ? strrchr(out->data, '/') : NULL;
    out->length = slash != NULL ? (size_t)(slash - out->data) : 0;
    if (out->data != NULL)
        out->data[out->length] = '\0';
}

/*
 * Resolve `path` to a relative path under the root whose components are
 * all real (no symlinks), following the image's symlinks. Sets errno and
 * returns -1 on ELOOP or ENOMEM; a missing component is left for open().
 */
static int resolve_in_root(copa__buf *out, int root_fd, const char *path)
{
    copa__buf pending = COPA__BUF_INIT;
    size_t pos = 0;
    int links = 0;

    copa__buf_clear(out);
    if (copa__buf_append_str(&pending, path) != 0)
        return errno = ENOMEM, -1;
    while (pos < pending.length) {
        const char *part = pending.data + pos;
        size_t n = strcspn(part, "/");
        char target[4096];
        struct stat st;
        ssize_t got;

        pos += n + (part[n] == '/');
        if (n == 0 || (n == 1 && part[0] == '.'))
            continue;
        if (n == 2 && part[0] == '.' && part[1] == '.') {
            pop_component(out);
            continue;
        }
        if (push_component(out, part, n) != 0)
            break;
        if (fstatat(root_fd, out->data, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISLNK(st.st_mode))
            continue;
        got = readlinkat(root_fd, out->data, target, sizeof(target) - 1);
        if (got < 0 || ++links > MAX_SYMLINKS) {
            copa__buf_free(&pending);
            return errno = ELOOP, -1;
        }
        target[got] = '\0';
        pop_component(out);
        if (target[0] == '/')
            copa__buf_clear(out);
        /* Replace what is consumed with the link target, then the rest. */
        {
            copa__buf next = COPA__BUF_INIT;
            if (copa__buf_appendf(&next, "%s/%s", target, pending.data + pos) != 0) {
                copa__buf_free(&pending);
                return errno = ENOMEM, -1;
            }
            copa__buf_free(&pending);
            pending = next;
            pos = 0;
        }
    }
    copa__buf_free(&pending);
    if (out->data == NULL && copa__buf_append_str(out, "") != 0)
        return errno = ENOMEM, -1;
    return 0;
}

static int open_by_walking(const dir_files *d, const char *path, int flags)
{
    copa__buf resolved = COPA__BUF_INIT;
    int fd = -1;

    if (resolve_in_root(&resolved, d->root_fd, path) == 0)
        fd = openat(d->root_fd, resolved.length > 0 ? resolved.data : ".",
                    flags | O_NOFOLLOW | O_CLOEXEC);
    copa__buf_free(&resolved);
    return fd;
}

static int open_in_root(const dir_files *d, const char *path, int flags)
{
    struct open_how how;
    const char *rel = path;
    long fd;

    while (*rel == '/')
        rel++;
    if (*rel == '\0')
        rel = ".";
    memset(&how, 0, sizeof(how));
    how.flags = (unsigned long long)(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    fd = syscall(SYS_openat2, d->root_fd, rel, &how, sizeof(how));
    if (fd < 0 && errno == ENOSYS)
        return open_by_walking(d, rel, flags);
    return (int)fd;
}

static int fail_open(const dir_files *d, const char *path)
{
    if (errno == ENOENT || errno == ENOTDIR)
        return copa__error_set(COPA_ENOTFOUND, "%s%s: no such file in the image", d->root, path);
    if (errno == ELOOP)
        return copa__error_set(COPA_EINVALID, "%s%s: too many levels of symbolic links", d->root,
                               path);
    return copa__error_set(COPA_ERROR, "%s%s: %s", d->root, path, strerror(errno));
}

static int dir_read(char **out, size_t *len, const char *path, void *payload)
{
    const dir_files *d = payload;
    char proc[64];
    int fd = open_in_root(d, path, O_RDONLY), rc;

    *out = NULL;
    *len = 0;
    if (fd < 0)
        return fail_open(d, path);
    /* Read through the already-resolved descriptor. */
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    rc = copa__file_read_all(out, len, proc, MAX_IMAGE_FILE);
    close(fd);
    if (rc != 0)
        return copa__error_set(rc, "%s%s: cannot read", d->root, path);
    return 0;
}

static int push_name(char ***names, size_t *count, size_t *cap, const char *name)
{
    if (*count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        char **grown = realloc(*names, ncap * sizeof(*grown));
        if (grown == NULL)
            return copa__error_oom();
        *names = grown;
        *cap = ncap;
    }
    if (((*names)[*count] = strdup(name)) == NULL)
        return copa__error_oom();
    (*count)++;
    return 0;
}

static int dir_list(char ***names, size_t *count, const char *path, void *payload)
{
    const dir_files *d = payload;
    int fd = open_in_root(d, path, O_RDONLY | O_DIRECTORY), rc = 0;
    size_t cap = 0;
    struct dirent *e;
    DIR *dir;

    *names = NULL;
    *count = 0;
    if (fd < 0)
        return fail_open(d, path);
    dir = fdopendir(fd);
    if (dir == NULL) {
        close(fd);
        return copa__error_set(COPA_ERROR, "%s%s: %s", d->root, path, strerror(errno));
    }
    while (rc == 0 && (e = readdir(dir)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            rc = push_name(names, count, &cap, e->d_name);
    closedir(dir);
    if (rc != 0) {
        copa__image_files_free_names(*names, *count);
        *names = NULL;
        *count = 0;
        return rc;
    }
    copa__image_files_sort_names(*names, *count);
    return 0;
}

int copa__image_files_dir_open(copa__image_files *out, const char *root)
{
    dir_files *d = calloc(1, sizeof(*d));
    size_t n;

    memset(out, 0, sizeof(*out));
    if (d == NULL || (d->root = strdup(root)) == NULL) {
        free(d);
        return copa__error_oom();
    }
    /* Messages print root + "/etc/..."; drop a trailing '/'. */
    n = strlen(d->root);
    if (n > 1 && d->root[n - 1] == '/')
        d->root[n - 1] = '\0';
    d->root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d->root_fd < 0) {
        int rc = errno == ENOENT ? COPA_ENOTFOUND : COPA_ERROR;
        rc = copa__error_set(rc, "%s: cannot open the root directory: %s", root, strerror(errno));
        free(d->root);
        free(d);
        return rc;
    }
    out->read = dir_read;
    out->list = dir_list;
    out->payload = d;
    return 0;
}

void copa__image_files_dir_close(copa__image_files *files)
{
    dir_files *d = files != NULL ? files->payload : NULL;

    if (d == NULL)
        return;
    close(d->root_fd);
    free(d->root);
    free(d);
    memset(files, 0, sizeof(*files));
}
