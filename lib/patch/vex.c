/*
 * The OpenVEX document of a patch, built with lib/vex (copa/vex.h): only
 * vulnerabilities the plan actually fixes are claimed, each with the
 * packages whose new versions fix it.
 */
#include "copa/vex.h"
#include "patch/patch.h"
#include "util/error.h"

#include <stdlib.h>

static int add_step(copa_vex *vex, const copa__patch_vex_input *in, const char *product,
                    const copa__rs_step *s)
{
    char *purl = NULL;
    size_t i;
    int rc;

    if (s->nids == 0)
        return 0;
    if ((rc = copa_vex_purl_package(&purl, in->format, in->distro_id, in->distro_version, s->name,
                                    s->to, s->arch)) != 0)
        return rc;
    for (i = 0; rc == 0 && i < s->nids; i++)
        rc = copa_vex_add_fixed(vex, s->ids[i], product, purl);
    copa_vex_string_free(purl);
    return rc;
}

/* A multi-platform claim: for the index and for its platform's manifest (no tag). */
static int add_claim(copa_vex *vex, const copa__patch_vex_input *in, const char *index_product,
                     const copa__vex_claim *c)
{
    char *product = NULL;
    int rc = copa_vex_add_fixed(vex, c->id, index_product, c->package_purl);

    if (rc == 0)
        rc = copa_vex_purl_image(&product, in->registry, in->repository, c->platform_digest, NULL);
    if (rc == 0)
        rc = copa_vex_add_fixed(vex, c->id, product, c->package_purl);
    copa_vex_string_free(product);
    return rc;
}

int patch_write_vex(int *written, const copa__patch_vex_input *in)
{
    copa_vex_options o = COPA_VEX_OPTIONS_INIT;
    copa_vex *vex = NULL;
    char *product = NULL;
    const char *author = in->author;
    size_t i;
    int rc;

    *written = 0;
    if (author == NULL || author[0] == '\0')
        author = getenv("COPA_VEX_AUTHOR");
    o.author = author != NULL && author[0] != '\0' ? author : NULL;
    if ((rc = copa_vex_purl_image(&product, in->registry, in->repository, in->digest, in->tag)) !=
            0 ||
        (rc = copa_vex_create(&vex, &o)) != 0)
        goto out;
    for (i = 0; rc == 0 && in->plan != NULL && i < in->plan->nsteps; i++)
        rc = add_step(vex, in, product, &in->plan->steps[i]);
    for (i = 0; rc == 0 && in->claims != NULL && i < in->claims->count; i++)
        rc = add_claim(vex, in, product, &in->claims->items[i]);
    if (rc == 0 && copa_vex_statement_count(vex) > 0) {
        rc = copa_vex_write_file(vex, in->path);
        *written = rc == 0;
    }
out:
    copa_vex_free(vex);
    copa_vex_string_free(product);
    return rc;
}
