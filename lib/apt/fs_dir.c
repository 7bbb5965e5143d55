/*
 * The image's files from a root filesystem directory. Paths are resolved
 * with openat2(RESOLVE_IN_ROOT), so an absolute symlink in the image (for
 * example trusted.gpg.d/x.gpg -> /usr/share/keyrings/x.gpg) lands inside
 * the directory, never on the host: keys come from the image only.
 */
#include "apt/apt.h"
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

enum { MAX_IMAGE_FILE = 64 * 1024 * 1024 };

typedef struct dir_fs {
    int root_fd;
    char *root;
} dir_fs;

/*
 * Without openat2 (kernels before 5.6, valgrind): walk the path one
 * component at a time refusing symlinks and "..", which can never leave
 * the root but cannot follow an image's symlinks either (ELOOP).
 */
static int open_nofollow(const dir_fs *d, const char *rel, int flags)
{
    char *copy = strdup(rel), *save = NULL, *part, *next;
    int dir = dup(d->root_fd), fd = -1;

    if (copy == NULL || dir < 0) {
        free(copy);
        if (dir >= 0)
            close(dir);
        errno = ENOMEM;
        return -1;
    }
    for (part = strtok_r(copy, "/", &save); part != NULL; part = next) {
        next = strtok_r(NULL, "/", &save);
        if (strcmp(part, "..") == 0) {
            errno = ENOENT;
            break;
        }
        fd = openat(dir, part,
                    next != NULL ? O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
                                 : flags | O_NOFOLLOW | O_CLOEXEC);
        close(dir);
        dir = fd;
        if (fd < 0 || next == NULL)
            break;
    }
    free(copy);
    if (part == NULL) /* the root itself */
        return dir;
    if (fd < 0 || next != NULL) {
        int e = errno;
        if (dir >= 0 && dir != fd)
            close(dir);
        errno = e;
        return -1;
    }
    return fd;
}

static int open_in_root(const dir_fs *d, const char *path, int flags)
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
        return open_nofollow(d, rel, flags);
    return (int)fd;
}

static int fail_open(const dir_fs *d, const char *path)
{
    if (errno == ENOENT || errno == ENOTDIR)
        return copa__error_set(COPA_ENOTFOUND, "%s%s: no such file in the image", d->root, path);
    if (errno == ELOOP)
        return copa__error_set(COPA_EUNSUPPORTED,
                               "%s%s: a symlink, and this kernel has no openat2 to follow it "
                               "inside the root",
                               d->root, path);
    return copa__error_set(COPA_ERROR, "%s%s: %s", d->root, path, strerror(errno));
}

static int dir_read(void *payload, const char *path, char **data, size_t *len)
{
    const dir_fs *d = payload;
    char proc[64];
    int fd = open_in_root(d, path, O_RDONLY), rc;

    *data = NULL;
    *len = 0;
    if (fd < 0)
        return fail_open(d, path);
    /* Read through the already-resolved descriptor. */
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    rc = copa__file_read_all(data, len, proc, MAX_IMAGE_FILE);
    close(fd);
    if (rc != 0)
        return copa__error_set(rc, "%s%s: cannot read", d->root, path);
    return 0;
}

void copa__apt_free_names(char **names, size_t count)
{
    size_t i;
    for (i = 0; names != NULL && i < count; i++)
        free(names[i]);
    free(names);
}

static int push_name(char ***names, size_t *count, size_t *cap, const char *name)
{
    if (*count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        char **n = realloc(*names, ncap * sizeof(*n));
        if (n == NULL)
            return copa__error_oom();
        *names = n;
        *cap = ncap;
    }
    if (((*names)[*count] = strdup(name)) == NULL)
        return copa__error_oom();
    (*count)++;
    return 0;
}

static int dir_list(void *payload, const char *path, char ***names, size_t *count)
{
    const dir_fs *d = payload;
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
        copa__apt_free_names(*names, *count);
        *names = NULL;
        *count = 0;
    }
    return rc;
}

int copa__apt_fs_dir_open(copa__apt_fs *fs, const char *root)
{
    dir_fs *d = calloc(1, sizeof(*d));

    memset(fs, 0, sizeof(*fs));
    if (d == NULL || (d->root = strdup(root)) == NULL) {
        free(d);
        return copa__error_oom();
    }
    /* Messages print root + "/etc/..."; drop a trailing '/'. */
    if (strlen(d->root) > 1 && d->root[strlen(d->root) - 1] == '/')
        d->root[strlen(d->root) - 1] = '\0';
    d->root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d->root_fd < 0) {
        int rc = errno == ENOENT ? COPA_ENOTFOUND : COPA_ERROR;
        rc = copa__error_set(rc, "%s: cannot open the root directory: %s", root, strerror(errno));
        free(d->root);
        free(d);
        return rc;
    }
    fs->read_file = dir_read;
    fs->list_dir = dir_list;
    fs->payload = d;
    return 0;
}

void copa__apt_fs_dir_close(copa__apt_fs *fs)
{
    dir_fs *d = fs != NULL ? fs->payload : NULL;
    if (d == NULL)
        return;
    close(d->root_fd);
    free(d->root);
    free(d);
    memset(fs, 0, sizeof(*fs));
}
