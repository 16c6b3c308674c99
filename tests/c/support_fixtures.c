/* SPDX-License-Identifier: MIT */
/* Test support: reading files from tests/fixtures. */
#include "support_fixtures.h"

#include <stdio.h>
#include <stdlib.h>

char *fixture_read(const char *name, size_t *len)
{
    char path[1024];
    char *buf = NULL;
    FILE *f = NULL;
    *len = 0;
    if (snprintf(path, sizeof path, "%s/%s", CALSYNC_FIXTURES, name) >= (int)sizeof path)
        goto fail;
    f = fopen(path, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0)
        goto fail;
    long size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0)
        goto fail;
    buf = malloc((size_t)size + 1);
    if (buf == NULL || fread(buf, 1, (size_t)size, f) != (size_t)size)
        goto fail;
    buf[size] = '\0';
    fclose(f);
    *len = (size_t)size;
    return buf;
fail:
    fprintf(stderr, "fixture_read: cannot read %s\n", path);
    free(buf);
    if (f != NULL)
        fclose(f);
    return NULL;
}
