/*
 * The files a patch will write beside the image, checked before any work:
 * a VEX path (-o), an SBOM (--sbom) or an archive (--archive) that cannot be written would
 * otherwise be found only after the downloads, the layer and (for -o) the
 * image were done. A dry run checks the directory; a real run also creates
 * and removes a temporary file beside the path.
 */
#include "patch/patch.h"
#include "util/error.h"
#include "util/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* `path` is written by a temporary file in its directory and a rename. */
static int check_file_output(const char *what, const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    struct stat st;
    int rc = 0;

    if (path[0] == '\0')
        return copa__error_set(COPA_EINVALID, "%s: empty path", what);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return copa__error_set(COPA_EINVALID, "%s %s: is a directory", what, path);
    if (slash == NULL)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else
        dir = strndup(path, (size_t)(slash - path));
    if (dir == NULL)
        return copa__error_oom();
    if (stat(dir, &st) != 0)
        rc = copa__error_set(errno == ENOENT || errno == ENOTDIR ? COPA_ENOTFOUND : COPA_ERROR,
                             "%s %s: directory %s: %s", what, path, dir, strerror(errno));
    else if (!S_ISDIR(st.st_mode))
        rc = copa__error_set(COPA_EINVALID, "%s %s: %s is not a directory", what, path, dir);
    else if (access(dir, W_OK | X_OK) != 0)
        rc = copa__error_set(COPA_ERROR, "%s %s: cannot write in %s: %s", what, path, dir,
                             strerror(errno));
    free(dir);
    return rc;
}

/* A real run also creates and removes a file there: root passes access(). */
static int probe_file_output(const char *what, const char *path)
{
    char *temp = NULL;
    FILE *fp = NULL;

    if (copa__file_temp_beside(&temp, &fp, path) != 0)
        return copa__error_prefix("%s %s: ", what, path);
    fclose(fp);
    unlink(temp);
    free(temp);
    return 0;
}

static int check_one(const char *what, const char *path, int probe)
{
    int rc = check_file_output(what, path);
    return rc == 0 && probe ? probe_file_output(what, path) : rc;
}

int copa__patch_check_outputs(const copa_patch_options *o)
{
    int rc = 0;

    if (o->vex_path != NULL)
        rc = check_one("VEX output (-o)", o->vex_path, !o->dry_run);
    if (rc == 0 && o->archive != NULL)
        rc = check_one("archive (--archive)", o->archive, !o->dry_run);
    if (rc == 0 && o->sbom_path != NULL)
        rc = check_one("SBOM output (--sbom)", o->sbom_path, !o->dry_run);
    return rc;
}
