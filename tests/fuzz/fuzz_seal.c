/* SPDX-License-Identifier: MIT */
/* libFuzzer target: opening untrusted sealed text, and sealing then opening the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calsync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char key[CALSYNC_SEAL_KEY_LEN];
    static const unsigned char secret[] = "fuzzing-secret-of-some-length";
    if (calsync_seal_derive_key(key, secret, sizeof secret - 1, NULL) != CALSYNC_OK)
        abort();

    char *text = malloc(size ? size : 1);
    unsigned char *out = malloc(size ? size : 1);
    if (text == NULL || out == NULL)
        goto out;
    memcpy(text, data, size);
    size_t n = 0;
    int rc = calsync_open(out, size, &n, key, "ctx", 3, text, size, NULL);
    if (rc != CALSYNC_OK && rc != CALSYNC_ERR_SEAL_FORMAT && rc != CALSYNC_ERR_SEAL_KEY &&
        rc != CALSYNC_ERR_SEAL_AUTH)
        abort();
    if (rc != CALSYNC_OK && n != 0)
        abort();

    if (size <= CALSYNC_SEAL_MAX_PLAIN) {
        size_t cap = calsync_seal_size(size), sn = 0, on = 0;
        char *sealed = malloc(cap);
        unsigned char *back = malloc(size ? size : 1);
        if (sealed && back) {
            if (calsync_seal(sealed, cap, &sn, key, "ctx", 3, data, size, NULL) != CALSYNC_OK ||
                sn + 1 != cap)
                abort();
            if (calsync_open(back, size, &on, key, "ctx", 3, sealed, sn, NULL) != CALSYNC_OK ||
                on != size || (size && memcmp(back, data, size) != 0))
                abort();
            if (calsync_open(back, size, &on, key, "ctx2", 4, sealed, sn, NULL) !=
                CALSYNC_ERR_SEAL_AUTH)
                abort();
        }
        free(sealed);
        free(back);
    }
out:
    free(text);
    free(out);
    return 0;
}
