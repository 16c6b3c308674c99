/* SPDX-License-Identifier: MIT */
/* libFuzzer target: signature header parsing and verification; input is "<header>\n<body>". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calsync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned char k1[] = "fuzz-signing-key-one";
    static const unsigned char k2[] = "fuzz-signing-key-two";
    const calsync_key ring[2] = {{k1, sizeof k1 - 1}, {k2, sizeof k2 - 1}};

    const uint8_t *nl = memchr(data, '\n', size);
    size_t hlen = nl ? (size_t)(nl - data) : size;
    const unsigned char *body = nl ? nl + 1 : NULL;
    size_t blen = nl ? size - hlen - 1 : 0;
    /* The header gets its own allocation so ASan sees any read past its end. */
    char *header = malloc(hlen ? hlen : 1);
    if (header == NULL)
        return 0;
    memcpy(header, data, hlen);

    calsync_sig_result res;
    calsync_error err;
    int rc =
        calsync_sig_verify(&res, header, hlen, body, blen, ring, 2, 1700000000, 180, 180, &err);
    if (rc != CALSYNC_OK && rc != CALSYNC_ERR_SIG_MALFORMED && rc != CALSYNC_ERR_SIG_MISMATCH &&
        rc != CALSYNC_ERR_SIG_TOO_OLD && rc != CALSYNC_ERR_SIG_TOO_NEW)
        abort();
    if (err.code != rc || (rc != CALSYNC_OK && err.message[0] == '\0'))
        abort();
    if (rc != CALSYNC_ERR_SIG_MALFORMED) {
        if (res.timestamp < 0)
            abort();
        /* Whatever parsed, a fresh signature over the same t and body verifies. */
        char signed_header[CALSYNC_SIG_HEADER_BUF];
        int n = calsync_sig_sign(signed_header, sizeof signed_header, body, blen, &ring[1],
                                 res.timestamp, NULL);
        if (n <= 0)
            abort();
        calsync_sig_result again;
        if (calsync_sig_verify(&again, signed_header, (size_t)n, body, blen, ring, 2, res.timestamp,
                               0, 0, NULL) != CALSYNC_OK ||
            again.key_index != 1 || again.timestamp != res.timestamp)
            abort();
    }
    free(header);
    return 0;
}
