/*
 * Paths inside an untrusted tree: resolved by the kernel as if the tree
 * were "/", so a symbolic link in the image (dev -> /etc) can never point
 * a mount or a write at the host.
 */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int copa__sandbox_open_in(int root_fd, const char *path, int flags, int mode)
{
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)(flags | O_CLOEXEC);
    how.mode = (flags & O_CREAT) ? (unsigned long long)mode : 0;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    long fd = syscall(SYS_openat2, root_fd, path, &how, sizeof how);
    return (int)fd;
}
