/*
 * Expat set up for repository metadata from the network: no DTD (so no
 * entity can be declared, expanded or fetched), bounded nesting, and the
 * first failure of a handler kept with the line it happened on. The
 * parsers of repomd.xml, primary.xml and updateinfo.xml embed this context
 * as the first member of their state.
 */
#ifndef COPA_LIB_RPMREPO_XML_GUARD_H
#define COPA_LIB_RPMREPO_XML_GUARD_H

#include <expat.h>
#include <stddef.h>

typedef struct copa__xml_ctx {
    XML_Parser parser;
    const char *name; /* the document, for messages */
    int rc;           /* first failure (a COPA_E* code), 0 while all is well */
    unsigned depth;
    unsigned max_depth;
} copa__xml_ctx;

/*
 * Create the parser; `state` (whose first member is `x`) is the handlers'
 * user data. 0 or COPA_ENOMEM.
 */
int copa__xml_init(copa__xml_ctx *x, const char *name, void *state, XML_StartElementHandler start,
                   XML_EndElementHandler end, XML_CharacterDataHandler text);

/*
 * Stop parsing with `code` and a message naming the document and line.
 * Returns `code`; later failures keep the first one.
 */
int copa__xml_fail(copa__xml_ctx *x, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Feed bytes (`final` on the last call). 0 or the failure's code. */
int copa__xml_feed(copa__xml_ctx *x, const void *data, size_t len, int final);

void copa__xml_free(copa__xml_ctx *x);

/* The local part of an element or attribute name ("rpm:entry" -> "entry"). */
const char *copa__xml_local(const char *name);

/* Attribute `local` of a start tag, or NULL. */
const char *copa__xml_attr(const char **attrs, const char *local);

#endif
