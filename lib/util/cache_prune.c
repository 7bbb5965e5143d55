/* copa__cache_touch / copa__cache_prune: age-based eviction of cache files. */
#include "util/cache_prune.h"
#include "util/digest.h"
#include "util/error.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

void copa__cache_touch(const char *path)
{
    (void)utimensat(AT_FDCWD, path, NULL, 0);
}

int copa__cache_entry_ok(const char *path, uint64_t size, const char *hex)
{
    int ok;

    if (access(path, F_OK) != 0)
        return 0;
    copa__cache_touch(path);
    ok = copa__sha256_file_verify(path, size, hex) == 0;
    if (!ok)
        unlink(path);
    copa_error_clear();
    return ok;
}

size_t copa__cache_prune(const char *dir, int64_t now, int64_t max_age)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t removed = 0;

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        if (e->d_name[0] == '.' &&
            (e->d_name[1] == '\0' || (e->d_name[1] == '.' && e->d_name[2] == '\0')))
            continue;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            continue;
        if ((int64_t)st.st_mtime < now - max_age && unlinkat(dirfd(d), e->d_name, 0) == 0)
            removed++;
    }
    closedir(d);
    return removed;
}
