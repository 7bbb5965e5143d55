/*
 * Fuzz the .deb reader: open a package from memory, walk every data.tar
 * entry and read its content; every path handed out must be normalized
 * (no leading '/', no ".." component).
 */
#include "pkg/deb_file.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_path(const char *p)
{
    const char *c = p;
    if (p[0] == '/')
        abort();
    while ((c = strstr(c, "..")) != NULL) {
        if ((c == p || c[-1] == '/') && (c[2] == '\0' || c[2] == '/'))
            abort();
        c += 2;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    copa__deb *deb = NULL;
    copa__deb_entry e;
    char buf[4096];
    size_t got, count, i, entries = 0;
    const copa__deb_member *m;

    if (copa__deb_open_memory(&deb, "fuzz.deb", data, size) != 0)
        return 0;
    m = copa__deb_control_members(deb, &count);
    for (i = 0; i < count; i++)
        if (m[i].data[m[i].len] != '\0')
            abort();
    while (entries++ < 10000 && copa__deb_data_next(deb, &e) == 1) {
        check_path(e.path);
        if (e.type == COPA__DEB_HARDLINK)
            check_path(e.link);
        while (copa__deb_data_read(deb, buf, sizeof(buf), &got) == 0 && got > 0)
            ;
    }
    copa__deb_free(deb);
    return 0;
}
