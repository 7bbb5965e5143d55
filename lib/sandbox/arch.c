/*
 * Can this host run the tree's executables? Natively when the ELF class,
 * byte order and machine match this process's own, otherwise only through
 * a binfmt_misc handler. Inside the sandbox's root the handler's
 * interpreter path does not exist, so the handler must have been
 * registered with the F (fix-binary) flag, which opens the interpreter at
 * registration time.
 */
#include "sandbox/sandbox.h"
#include "util/error.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEADER_BYTES 128
#define BINFMT_DIR "/proc/sys/fs/binfmt_misc"

typedef struct elf_id {
    unsigned char cls, data;
    unsigned machine;
} elf_id;

static int read_header(int fd, unsigned char *buf, size_t *len)
{
    ssize_t n = pread(fd, buf, HEADER_BYTES, 0);
    if (n < 0)
        return -1;
    *len = (size_t)n;
    return 0;
}

static int elf_identify(const unsigned char *buf, size_t len, elf_id *id)
{
    if (len < 20 || memcmp(buf, ELFMAG, SELFMAG) != 0)
        return -1;
    id->cls = buf[EI_CLASS];
    id->data = buf[EI_DATA];
    id->machine = id->data == ELFDATA2MSB ? (unsigned)(buf[18] << 8 | buf[19])
                                          : (unsigned)(buf[19] << 8 | buf[18]);
    return 0;
}

static const char *machine_name(unsigned machine)
{
    switch (machine) {
    case EM_X86_64:
        return "x86-64";
    case EM_386:
        return "i386";
    case EM_AARCH64:
        return "aarch64";
    case EM_ARM:
        return "arm";
    case EM_PPC64:
        return "ppc64";
    case EM_S390:
        return "s390x";
    case EM_RISCV:
        return "riscv";
    case EM_MIPS:
        return "mips";
    case EM_LOONGARCH:
        return "loongarch";
    default:
        return "unknown";
    }
}

static int hex_decode(const char *hex, unsigned char *out, size_t cap, size_t *len)
{
    size_t n = 0;
    while (hex[0] && hex[1] && hex[0] != '\n' && n < cap) {
        unsigned v;
        if (sscanf(hex, "%2x", &v) != 1)
            return -1;
        out[n++] = (unsigned char)v;
        hex += 2;
    }
    *len = n;
    return 0;
}

/* One handler entry as the kernel prints it (magic type only). */
typedef struct binfmt_entry {
    int enabled, fix_binary, has_mask;
    size_t offset, magic_len, mask_len;
    unsigned char magic[HEADER_BYTES], mask[HEADER_BYTES];
} binfmt_entry;

static int binfmt_parse(FILE *f, binfmt_entry *e)
{
    char line[512];
    int is_magic = 0;
    memset(e, 0, sizeof *e);
    while (fgets(line, sizeof line, f)) {
        if (strcmp(line, "enabled\n") == 0)
            e->enabled = 1;
        else if (strncmp(line, "flags: ", 7) == 0)
            e->fix_binary = strchr(line + 7, 'F') != NULL;
        else if (strncmp(line, "offset ", 7) == 0)
            e->offset = strtoul(line + 7, NULL, 10);
        else if (strncmp(line, "magic ", 6) == 0) {
            is_magic = hex_decode(line + 6, e->magic, sizeof e->magic, &e->magic_len) == 0;
        } else if (strncmp(line, "mask ", 5) == 0) {
            e->has_mask = hex_decode(line + 5, e->mask, sizeof e->mask, &e->mask_len) == 0;
        }
    }
    return is_magic ? 0 : -1;
}

static int binfmt_matches(const binfmt_entry *e, const unsigned char *buf, size_t len)
{
    if (e->offset + e->magic_len > len)
        return 0;
    for (size_t i = 0; i < e->magic_len; i++) {
        unsigned char mask = e->has_mask && i < e->mask_len ? e->mask[i] : 0xff;
        if ((buf[e->offset + i] & mask) != (e->magic[i] & mask))
            return 0;
    }
    return 1;
}

/* 1: a usable handler (name in how), 0: none, -1: only one without F (name in how). */
static int binfmt_find(const unsigned char *buf, size_t len, char *how, size_t how_size)
{
    DIR *dir = opendir(BINFMT_DIR);
    if (!dir)
        return 0;
    int found = 0;
    struct dirent *d;
    while ((d = readdir(dir)) != NULL && found != 1) {
        if (d->d_name[0] == '.' || !strcmp(d->d_name, "register") || !strcmp(d->d_name, "status"))
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", BINFMT_DIR, d->d_name);
        FILE *f = fopen(path, "re");
        if (!f)
            continue;
        binfmt_entry e;
        int ok = binfmt_parse(f, &e) == 0;
        fclose(f);
        if (!ok || !e.enabled || !binfmt_matches(&e, buf, len))
            continue;
        snprintf(how, how_size, "%s", d->d_name);
        found = e.fix_binary ? 1 : -1;
    }
    closedir(dir);
    return found;
}

static int binfmt_globally_enabled(void)
{
    FILE *f = fopen(BINFMT_DIR "/status", "re");
    if (!f)
        return 0;
    char line[32] = "";
    int enabled = fgets(line, sizeof line, f) && strncmp(line, "enabled", 7) == 0;
    fclose(f);
    return enabled;
}

static int self_id(elf_id *id)
{
    unsigned char buf[HEADER_BYTES];
    size_t len = 0;
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = read_header(fd, buf, &len);
    close(fd);
    return rc == 0 ? elf_identify(buf, len, id) : -1;
}

static int runs_natively(const elf_id *tree, const elf_id *host)
{
    if (tree->cls == host->cls && tree->data == host->data && tree->machine == host->machine)
        return 1;
    /* A 64-bit x86 kernel runs 32-bit x86 programs itself (IA-32 emulation). */
    return host->machine == EM_X86_64 && tree->machine == EM_386;
}

int copa__sandbox_check_arch(const char *root, const char *probe, char *how, size_t how_size)
{
    int root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0)
        return copa__error_set(COPA_ERROR, "%s: %s", root, strerror(errno));
    int fd = copa__sandbox_open_in(root_fd, probe, O_RDONLY, 0);
    close(root_fd);
    if (fd < 0)
        return copa__error_set(COPA_ENOTFOUND, "the image has no /%s", probe);
    unsigned char buf[HEADER_BYTES];
    size_t len = 0;
    int rc = read_header(fd, buf, &len);
    close(fd);
    elf_id tree, host;
    if (rc != 0 || elf_identify(buf, len, &tree) != 0)
        return copa__error_set(COPA_EUNSUPPORTED, "the image's /%s is not an ELF executable",
                               probe);
    if (self_id(&host) != 0)
        return copa__error_set(COPA_ERROR, "cannot read this program's own ELF header");
    if (runs_natively(&tree, &host)) {
        snprintf(how, how_size, "native");
        return 0;
    }
    const char *name = machine_name(tree.machine);
    if (!binfmt_globally_enabled())
        return copa__error_set(COPA_EUNSUPPORTED,
                               "the image's programs are %s ELF and this host runs them only "
                               "through binfmt_misc, which is not mounted or not enabled (%s)",
                               name, BINFMT_DIR);
    char handler[256] = "";
    int found = binfmt_find(buf, len, handler, sizeof handler);
    if (found == 1) {
        snprintf(how, how_size, "%s", handler);
        return 0;
    }
    if (found == -1)
        return copa__error_set(COPA_EUNSUPPORTED,
                               "the binfmt_misc handler '%s' for the image's %s programs is "
                               "registered without the F (fix-binary) flag, so it cannot run "
                               "inside the image's root; register it with F (qemu-user-static "
                               "does)",
                               handler, name);
    return copa__error_set(COPA_EUNSUPPORTED,
                           "no binfmt_misc handler is registered for the image's %s programs "
                           "(for example qemu-%s from qemu-user-static, with the F flag)",
                           name, name);
}
