/*
 * Fuzz the dpkg status parser and writer: whatever parses must write back
 * byte for byte with no updates, and a rebuilt stanza for every package
 * (its own fields as a control file) must parse again.
 */
#include "pkg/dpkg_status.h"
#include "pkg/dpkg_write.h"
#include "pkg/dpkg_info.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void rebuild(const copa__dpkg_status *st)
{
    size_t i, j;
    for (i = 0; i < st->count && i < 64; i++) {
        const copa__dpkg_pkg *p = &st->pkgs[i];
        copa__buf ctl = COPA__BUF_INIT, stanza = COPA__BUF_INIT, out = COPA__BUF_INIT;
        copa__dpkg_stanza_update up;
        for (j = 0; j < p->field_count; j++)
            copa__buf_appendf(&ctl, "%.*s: %.*s\n", (int)p->fields[j].name_len, p->fields[j].name,
                              (int)p->fields[j].value_len, p->fields[j].value);
        if (ctl.data != NULL &&
            copa__dpkg_stanza_build(&stanza, ctl.data, ctl.length, "install ok installed",
                                    p->conffiles, p->conffile_count) == 0) {
            up.name = p->name;
            up.arch = p->arch;
            up.text = stanza.data;
            up.len = stanza.length;
            if (copa__dpkg_status_write(&out, st, "amd64", &up, 1) != 0)
                abort();
        }
        copa__buf_free(&ctl);
        copa__buf_free(&stanza);
        copa__buf_free(&out);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    copa__dpkg_status *st = NULL;
    copa__buf out = COPA__BUF_INIT;
    copa__arena arena;
    copa__dpkg_diversions d;
    copa__dpkg_statoverrides so;
    copa__dpkg_md5sums m;
    copa__dpkg_list l;
    const char *text = (const char *)data;

    if (copa__dpkg_status_parse(&st, "fuzz", text, size, size > 0 && data[0] & 1) == 0) {
        if (copa__dpkg_status_write(&out, st, "amd64", NULL, 0) != 0 || out.length != size ||
            (size > 0 && memcmp(out.data, data, size) != 0))
            abort();
        rebuild(st);
        copa__dpkg_status_free(st);
    }
    copa__buf_free(&out);
    copa__arena_init(&arena);
    copa__dpkg_diversions_parse(&d, &arena, text, size, "fuzz");
    copa__dpkg_statoverride_parse(&so, &arena, text, size, "fuzz");
    copa__dpkg_md5sums_parse(&m, &arena, text, size, "fuzz");
    copa__dpkg_list_parse(&l, &arena, text, size, "fuzz");
    copa__arena_free(&arena);
    return 0;
}
