/* SPDX-License-Identifier: MIT */
/* Test support: reading files from tests/fixtures. */
#ifndef CALSYNC_SUPPORT_FIXTURES_H
#define CALSYNC_SUPPORT_FIXTURES_H

#include <stddef.h>

/* Reads tests/fixtures/<name> whole.  Returns a malloc'd buffer holding
 * exactly *len bytes plus a NUL not counted in *len, or NULL (with a
 * message on stderr) when it cannot be read.  The caller frees it. */
char *fixture_read(const char *name, size_t *len);

#endif
