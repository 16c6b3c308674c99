/* SPDX-License-Identifier: MIT */
/* libFuzzer target: RFC 3339 parse, and format/re-parse of whatever parses. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calsync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t us, back;
    char buf[CALSYNC_TIME_BUF];
    calsync_error err;
    int rc = calsync_time_parse(&us, (const char *)data, size, &err);
    if (rc == CALSYNC_OK) {
        /* Whatever parses is a formattable instant that reads back the same. */
        if (calsync_time_format(buf, sizeof buf, us) != 27)
            abort();
        if (calsync_time_parse(&back, buf, 27, NULL) != CALSYNC_OK || back != us)
            abort();
    } else if (rc != CALSYNC_ERR_TIME || err.code != CALSYNC_ERR_TIME || err.message[0] == '\0' ||
               us != CALSYNC_TIME_NONE) {
        abort();
    }
    /* The first 8 bytes as an instant: format and parse agree when in range. */
    if (size >= 8) {
        int64_t v;
        memcpy(&v, data, sizeof v);
        int n = calsync_time_format(buf, sizeof buf, v);
        if (n == 27) {
            if (calsync_time_parse(&back, buf, 27, NULL) != CALSYNC_OK || back != v)
                abort();
        } else if (n != CALSYNC_ERR_INPUT) {
            abort();
        }
    }
    return 0;
}
