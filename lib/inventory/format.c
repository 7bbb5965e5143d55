/*
 * copa_inventory_format: one entry point for the three output formats.
 */
#include "inventory/inventory.h"
#include "util/error.h"

#include <stdlib.h>

int copa_inventory_format(char **out, const copa_inventory *inventory,
                          copa_inventory_format_kind format)
{
    if (out != NULL)
        *out = NULL;
    if (out == NULL || inventory == NULL)
        return copa__error_set(COPA_EINVALID, "copa_inventory_format: out and inventory are "
                                              "required");
    switch (format) {
    case COPA_INVENTORY_TABLE:
        return copa__inventory_table(out, inventory);
    case COPA_INVENTORY_JSON:
        return copa__inventory_json(out, inventory);
    case COPA_INVENTORY_CYCLONEDX:
        return copa__inventory_cyclonedx(out, inventory);
    }
    return copa__error_set(COPA_EINVALID, "copa_inventory_format: unknown format %d", (int)format);
}

void copa_inventory_text_free(char *text)
{
    free(text);
}
