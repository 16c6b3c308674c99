/* SPDX-License-Identifier: MIT */
/* Private helpers shared by libcalsync's modules; never installed. */
#ifndef CALSYNC_INTERNAL_H
#define CALSYNC_INTERNAL_H

#include "calsync.h"

#include <jansson.h>
#include <stdarg.h>
#include <string.h>

/* Fills err (if not NULL) and returns code.  path may be NULL. */
int calsync_fail(calsync_error *err, int code, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Reports an OpenSSL failure as CALSYNC_ERR_CRYPTO with OpenSSL's own
 * reason ("OpenSSL failed to <what>: <reason>") and clears its error queue. */
int calsync_crypto_fail(calsync_error *err, const char *what);

/* "object", "array", "string", "number", "boolean" or "null": for
 * error messages about a JSON value of the wrong type. */
const char *calsync_json_type_name(const json_t *v);

/* Resets err to CALSYNC_OK with empty strings. */
void calsync_error_clear(calsync_error *err);

/* Byte-wise comparison of two optional strings; absent sorts first. */
int calsync_str_cmp(calsync_str a, calsync_str b);
int calsync_str_eq(calsync_str a, calsync_str b);

/* A view of a NUL-terminated literal or buffer. */
static inline calsync_str calsync_str_of(const char *s, size_t len)
{
    calsync_str r;
    r.ptr = s;
    r.len = len;
    return r;
}

/* The last '/'-separated segment of a URI (ignoring a trailing '/');
 * absent in, absent out. */
calsync_str calsync_uri_last_segment(calsync_str uri);

/* Lowercase hex of n bytes into out (2n + 1 bytes, NUL-terminated). */
void calsync_hex(char *out, const unsigned char *bytes, size_t n);

#endif /* CALSYNC_INTERNAL_H */
