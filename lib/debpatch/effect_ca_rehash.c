/*
 * `openssl rehash` of /etc/ssl/certs, on the table of entries, with
 * OpenSSL 3's rules (apps/rehash.c): names are visited in strcmp order; a
 * symlink named HHHHHHHH.[r]N is an existing link; any other entry whose
 * name ends in .pem/.crt/.cer/.crl (any case) and that holds exactly one
 * PEM certificate or CRL asks for a link named after its subject (issuer)
 * hash, X509_NAME_hash_ex; a certificate whose SHA-1 fingerprint is
 * already in the bucket is a duplicate. Existing links with a number below
 * the bucket's count stay as they are, new links take the lowest free
 * numbers in the order they were met, other links are removed.
 */
#include "debpatch/effect_ca.h"
#include "util/error.h"

#include <ctype.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MAX_COLLISIONS = 256, TYPE_CERT = 0, TYPE_CRL = 1, NO_ID = 0xffff };

typedef struct hentry {
    char *filename;
    unsigned int old_id;
    int need_symlink;
    unsigned char digest[EVP_MAX_MD_SIZE];
} hentry;

typedef struct bucket {
    int type;
    unsigned long hash;
    hentry *e;
    size_t n;
    unsigned int num_needed;
} bucket;

enum { HEADS = 4096 };

/* Buckets in one array, chained from HEADS heads by (type + hash). */
typedef struct table {
    bucket *b;
    size_t *next; /* per bucket: the next index in its chain + 1, 0 = end */
    size_t n;
    size_t head[HEADS]; /* index + 1, 0 = empty */
} table;

static bucket *find_bucket(table *t, int type, unsigned long hash)
{
    size_t h = ((unsigned long)type + hash) % HEADS, i;
    bucket *grown;
    size_t *next;
    for (i = t->head[h]; i != 0; i = t->next[i - 1])
        if (t->b[i - 1].type == type && t->b[i - 1].hash == hash)
            return &t->b[i - 1];
    if ((grown = realloc(t->b, (t->n + 1) * sizeof(*grown))) == NULL)
        return NULL;
    t->b = grown;
    if ((next = realloc(t->next, (t->n + 1) * sizeof(*next))) == NULL)
        return NULL;
    t->next = next;
    memset(&t->b[t->n], 0, sizeof(*t->b));
    t->b[t->n].type = type;
    t->b[t->n].hash = hash;
    t->next[t->n] = t->head[h];
    t->head[h] = t->n + 1;
    return &t->b[t->n++];
}

static int add_entry(table *t, int type, unsigned long hash, const char *filename,
                     const unsigned char *digest, int need_symlink, unsigned int old_id)
{
    bucket *b = find_bucket(t, type, hash);
    hentry *found = NULL, *grown;
    size_t i;
    unsigned int sha1 = 20;

    if (b == NULL)
        return copa__error_oom();
    for (i = 0; i < b->n; i++) {
        if (digest != NULL && memcmp(digest, b->e[i].digest, sha1) == 0)
            return 0; /* "skipping duplicate certificate" */
        if (strcmp(filename, b->e[i].filename) == 0) {
            found = &b->e[i];
            if (digest == NULL)
                break;
        }
    }
    if (found == NULL) {
        if (b->num_needed >= MAX_COLLISIONS)
            return 0; /* "hash table overflow": no link */
        if ((grown = realloc(b->e, (b->n + 1) * sizeof(*grown))) == NULL)
            return copa__error_oom();
        b->e = grown;
        found = &b->e[b->n];
        memset(found, 0, sizeof(*found));
        found->old_id = NO_ID;
        if ((found->filename = strdup(filename)) == NULL)
            return copa__error_oom();
        b->n++;
    }
    if (old_id < found->old_id)
        found->old_id = old_id;
    if (need_symlink && !found->need_symlink) {
        found->need_symlink = 1;
        b->num_needed++;
        memcpy(found->digest, digest, sha1);
    }
    return 0;
}

static int hexval(int ch)
{
    return isdigit(ch) ? ch - '0' : tolower(ch) - 'a' + 10;
}

/* A link named like a hash link: 1 and its parts, else 0. */
static int parse_link_name(const char *name, unsigned long *hash, int *type, unsigned int *id)
{
    const char *p;
    char *end;
    int i;
    *hash = 0;
    for (i = 0; i < 8; i++) {
        if (!isxdigit((unsigned char)name[i]))
            return 0;
        *hash = (*hash << 4) + (unsigned long)hexval((unsigned char)name[i]);
    }
    if (name[8] != '.')
        return 0;
    p = name + 9;
    *type = (*p == 'r' || *p == 'R') ? TYPE_CRL : TYPE_CERT;
    p += *type == TYPE_CRL;
    /* strtoul as rehash.c reads it (an empty number is 0), kept to 16 bits. */
    *id = (unsigned int)(strtoul(p, &end, 10) & 0xffff);
    return *end == '\0';
}

static int has_extension(const char *name)
{
    static const char *const ext[] = {"pem", "crt", "cer", "crl"};
    const char *dot = strrchr(name, '.');
    size_t i;
    for (i = 0; dot != NULL && i < sizeof(ext) / sizeof(ext[0]); i++)
        if (strcasecmp(dot + 1, ext[i]) == 0)
            return 1;
    return 0;
}

/* What one file holds for rehash: a certificate or CRL's hash and digest, or nothing. */
typedef struct parsed {
    char *identity; /* the file's canonical path (copa__ca_dir_file_identity) */
    int usable, type;
    unsigned long hash;
    unsigned char digest[EVP_MAX_MD_SIZE];
    size_t next; /* index + 1 of the next in its chain, 0 = end */
} parsed;

/*
 * Files already parsed, by identity: a hostile directory of thousands of
 * links to one large file would otherwise be read and parsed once per link
 * (openssl rehash does so; the outcome is the same either way).
 */
typedef struct parsed_memo {
    parsed *p;
    size_t n;
    size_t head[HEADS];
} parsed_memo;

static size_t identity_head(const char *identity)
{
    size_t h = 5381;
    for (; *identity != '\0'; identity++)
        h = h * 33 + (unsigned char)*identity;
    return h % HEADS;
}

static parsed *memo_find(parsed_memo *m, const char *identity)
{
    size_t i;
    for (i = m->head[identity_head(identity)]; i != 0; i = m->p[i - 1].next)
        if (strcmp(m->p[i - 1].identity, identity) == 0)
            return &m->p[i - 1];
    return NULL;
}

/* Takes `identity`; NULL on OOM (identity freed). */
static parsed *memo_add(parsed_memo *m, char *identity)
{
    size_t h = identity_head(identity);
    parsed *grown = realloc(m->p, (m->n + 1) * sizeof(*grown));
    if (grown == NULL) {
        free(identity);
        return NULL;
    }
    m->p = grown;
    memset(&m->p[m->n], 0, sizeof(*m->p));
    m->p[m->n].identity = identity;
    m->p[m->n].next = m->head[h];
    m->head[h] = m->n + 1;
    return &m->p[m->n++];
}

static void memo_free(parsed_memo *m)
{
    size_t i;
    for (i = 0; i < m->n; i++)
        free(m->p[i].identity);
    free(m->p);
}

/* The one certificate or CRL of `name`'s content, if that is what it holds. */
static int parse_file(parsed *out, copa__ca_dir *d, const char *name)
{
    copa__buf content = COPA__BUF_INIT;
    STACK_OF(X509_INFO) *inf = NULL;
    const X509_NAME *subject = NULL;
    int rc;
    BIO *bio;

    out->usable = 0;
    out->type = TYPE_CERT;
    if ((rc = copa__ca_dir_read(d, name, &content)) <= 0) {
        copa__buf_free(&content);
        return rc; /* "cannot open file": skipped */
    }
    if ((bio = BIO_new_mem_buf(content.data, (int)content.length)) == NULL) {
        copa__buf_free(&content);
        return copa__error_oom();
    }
    inf = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (inf != NULL && sk_X509_INFO_num(inf) == 1) {
        X509_INFO *x = sk_X509_INFO_value(inf, 0);
        if (x->x509 != NULL) {
            subject = X509_get_subject_name(x->x509);
            X509_digest(x->x509, EVP_sha1(), out->digest, NULL);
        } else if (x->crl != NULL) {
            out->type = TYPE_CRL;
            subject = X509_CRL_get_issuer(x->crl);
            X509_CRL_digest(x->crl, EVP_sha1(), out->digest, NULL);
        }
    }
    if (subject != NULL) {
        int ok = 0;
        out->hash = X509_NAME_hash_ex(subject, NULL, NULL, &ok);
        out->usable = ok;
    }
    sk_X509_INFO_pop_free(inf, X509_INFO_free);
    ERR_clear_error();
    copa__buf_free(&content);
    return 0;
}

/* do_file(): the entry's one certificate or CRL, if that is what it holds. */
static int do_file(table *t, parsed_memo *m, copa__ca_dir *d, const char *name)
{
    parsed once, *p = NULL;
    char *identity;
    int rc = 0;

    if (!has_extension(name))
        return 0;
    if ((identity = copa__ca_dir_file_identity(d, name)) != NULL &&
        (p = memo_find(m, identity)) != NULL) {
        free(identity);
    } else {
        if (identity != NULL && (p = memo_add(m, identity)) == NULL)
            return copa__error_oom();
        if (p == NULL) { /* only in memory: parsed for this entry */
            memset(&once, 0, sizeof(once));
            p = &once;
        }
        if ((rc = parse_file(p, d, name)) != 0)
            return rc;
    }
    if (p->usable)
        rc = add_entry(t, p->type, p->hash, name, p->digest, 1, NO_ID);
    return rc;
}

static int link_name(char *out, size_t size, const bucket *b, unsigned int id)
{
    return snprintf(out, size, "%08lx.%s%u", b->hash, b->type == TYPE_CRL ? "r" : "", id) <
                   (int)size
               ? 0
               : copa__error_set(COPA_EINVALID, "hash link name too long");
}

/* The links of one bucket, as do_dir() settles them. */
static int settle(copa__ca_dir *d, const bucket *b)
{
    unsigned char used[MAX_COLLISIONS + 1];
    unsigned int nextid = 0;
    size_t i;
    char name[32];
    int rc = 0;

    memset(used, 0, sizeof(used));
    for (i = 0; i < b->n; i++)
        if (b->e[i].old_id < b->num_needed)
            used[b->e[i].old_id] = 1;
    for (i = 0; rc == 0 && i < b->n; i++) {
        const hentry *e = &b->e[i];
        if (e->old_id < b->num_needed)
            continue; /* "link exists, and is used as-is" */
        if (e->need_symlink) {
            while (nextid < MAX_COLLISIONS && used[nextid])
                nextid++;
            if ((rc = link_name(name, sizeof(name), b, nextid)) == 0)
                rc = copa__ca_dir_link(d, name, e->filename);
            used[nextid] = 1;
        } else if ((rc = link_name(name, sizeof(name), b, e->old_id)) == 0)
            copa__ca_dir_remove(d, name);
    }
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int copa__ca_rehash(copa__ca_dir *d)
{
    char **names = calloc(d->n + 1, sizeof(*names));
    size_t i, n = 0, k;
    int rc = names == NULL ? copa__error_oom() : 0;
    table t;
    parsed_memo memo;

    memset(&t, 0, sizeof(t));
    memset(&memo, 0, sizeof(memo));
    for (i = 0; rc == 0 && i < d->n; i++)
        if (d->e[i].kind != COPA__DP_MISSING)
            names[n++] = d->e[i].name;
    if (n > 0)
        qsort(names, n, sizeof(*names), by_name);
    for (i = 0; rc == 0 && i < n; i++) {
        const copa__ca_entry *e = copa__ca_dir_find(d, names[i]);
        unsigned long hash;
        unsigned int id;
        int type;
        if (e->kind == COPA__DP_SYMLINK && parse_link_name(e->name, &hash, &type, &id))
            rc = add_entry(&t, type, hash, e->target, NULL, 0, id);
        else
            rc = do_file(&t, &memo, d, e->name);
    }
    memo_free(&memo);
    free(names); /* borrowed names: the table may grow below */
    for (i = 0; rc == 0 && i < t.n; i++)
        rc = settle(d, &t.b[i]);
    for (i = 0; i < t.n; i++) {
        for (k = 0; k < t.b[i].n; k++)
            free(t.b[i].e[k].filename);
        free(t.b[i].e);
    }
    free(t.b);
    free(t.next);
    return rc;
}
