/*
 * File capabilities across an upgrade. Packages such as iputils-ping,
 * squid, mtr-tiny, fping and wireshark-common ship their binaries plain
 * and grant them a capability in postinst (setcap cap_net_raw+ep ...);
 * dpkg never applies xattrs from data.tar. Since postinst does not run
 * here, a replaced binary would lose the capability the image gave it and
 * stop working. So the new file keeps the security.capability the image's
 * file at the same path had, unless the package's own entry carries one,
 * and a note says so.
 */
#include "debpatch/internal.h"
#include "util/archive_xattr.h"
#include "util/buffer.h"
#include "util/error.h"

#include <stdint.h>
#include <string.h>

/* linux/capability.h numbering, as getcap(8) names them. */
static const char *const cap_names[] = {"cap_chown",
                                        "cap_dac_override",
                                        "cap_dac_read_search",
                                        "cap_fowner",
                                        "cap_fsetid",
                                        "cap_kill",
                                        "cap_setgid",
                                        "cap_setuid",
                                        "cap_setpcap",
                                        "cap_linux_immutable",
                                        "cap_net_bind_service",
                                        "cap_net_broadcast",
                                        "cap_net_admin",
                                        "cap_net_raw",
                                        "cap_ipc_lock",
                                        "cap_ipc_owner",
                                        "cap_sys_module",
                                        "cap_sys_rawio",
                                        "cap_sys_chroot",
                                        "cap_sys_ptrace",
                                        "cap_sys_pacct",
                                        "cap_sys_admin",
                                        "cap_sys_boot",
                                        "cap_sys_nice",
                                        "cap_sys_resource",
                                        "cap_sys_time",
                                        "cap_sys_tty_config",
                                        "cap_mknod",
                                        "cap_lease",
                                        "cap_audit_write",
                                        "cap_audit_control",
                                        "cap_setfcap",
                                        "cap_mac_override",
                                        "cap_mac_admin",
                                        "cap_syslog",
                                        "cap_wake_alarm",
                                        "cap_block_suspend",
                                        "cap_audit_read",
                                        "cap_perfmon",
                                        "cap_bpf",
                                        "cap_checkpoint_restore"};

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * "cap_net_raw=ep" from a vfs_cap_data value (magic_etc, then permitted and
 * inheritable words, low 32 bits first); "security.capability" for a value
 * this cannot read.
 */
static int describe(copa__buf *out, const unsigned char *v, size_t n)
{
    uint64_t perm = 0, inh = 0;
    size_t i, words;
    int rc = 0, any = 0;

    if (n < 12 || (le32(v) & 0xff000000u) < 0x01000000u)
        return copa__buf_append_str(out, COPA__XATTR_CAPABILITY);
    words = n >= 20 ? 2 : 1;
    for (i = 0; i < words; i++) {
        perm |= (uint64_t)le32(v + 4 + 8 * i) << (32 * i);
        inh |= (uint64_t)le32(v + 8 + 8 * i) << (32 * i);
    }
    for (i = 0; rc == 0 && i < 64; i++)
        if (((perm | inh) >> i) & 1) {
            rc = i < sizeof(cap_names) / sizeof(cap_names[0])
                     ? copa__buf_appendf(out, "%s%s", any ? "," : "", cap_names[i])
                     : copa__buf_appendf(out, "%scap_%zu", any ? "," : "", i);
            any = 1;
        }
    if (rc == 0)
        rc = copa__buf_appendf(out, "=%s%s%s", (le32(v) & 1) ? "e" : "", inh != 0 ? "i" : "",
                               perm != 0 ? "p" : "");
    return rc;
}

static int keep_note(copa__dp_ctx *c, const copa__dp_pkg *p, const char *canon,
                     const unsigned char *v, size_t n)
{
    copa__buf b = COPA__BUF_INIT;
    int rc = copa__buf_appendf(&b, "%s: /%s keeps the file capability ", p->id, canon);
    if (rc == 0)
        rc = describe(&b, v, n);
    if (rc == 0)
        rc = copa__buf_append_str(&b, " it had in the image (the package's postinst that sets "
                                      "it did not run)");
    if (rc == 0)
        rc = copa__dp_strlist_push(&c->res->notes, &c->res->nnotes, b.data);
    copa__buf_free(&b);
    return rc;
}

int copa__dp_effect_caps(copa__dp_ctx *c, const copa__dp_pkg *p, const copa__deb_entry *e,
                         const char *canon, copa__layer_wentry *w, copa__xattr *slot)
{
    copa__rootfs_stat st;
    const char *link;
    int layer = 0;

    if (e->type != COPA__DEB_FILE)
        return 0;
    slot->name = COPA__XATTR_CAPABILITY;
    if (e->capability != NULL) {
        slot->value = e->capability;
        slot->length = e->capability_length;
    } else {
        /* Only a file the image has at this path, not one this layer hid or wrote. */
        copa__dp_view_kind(&c->view, canon, &link, &layer);
        if (layer != 0 || c->view.fs == NULL ||
            copa__rootfs_stat_path(&st, c->view.fs, canon, 0) != 0) {
            copa_error_clear();
            return 0;
        }
        if (st.type != COPA__ENTRY_FILE || st.capability == NULL)
            return 0;
        slot->value = st.capability;
        slot->length = st.capability_length;
        if (keep_note(c, p, canon, st.capability, st.capability_length) != 0)
            return copa__error_oom();
    }
    w->xattrs = slot;
    w->xattr_count = 1;
    return 0;
}
