/* SPDX-License-Identifier: MIT */
/* Calendly-Webhook-Signature: strict header parsing, HMAC-SHA256 over t "." body, key ring, time
 * window. */
#include "internal.h"

#include <inttypes.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <stdio.h>

#define MAC_LEN 32
#define V1_HEX_LEN 64
#define T_DIGITS_MAX 19
#define HEADER_NAME "Calendly-Webhook-Signature"

typedef struct parsed_header {
    int64_t t;
    const char *t_text; /* the digits exactly as sent: they are what was signed */
    size_t t_len;
    size_t nv1;
    unsigned char v1[CALSYNC_SIG_V1_MAX][MAC_LEN];
} parsed_header;

static int is_ws(char c)
{
    return c == ' ' || c == '\t';
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Copies an attacker-chosen name into a message-safe form: printable ASCII
 * only, shortened, so a hostile header cannot garble an admin's screen. */
static void printable_excerpt(char *out, size_t cap, const char *s, size_t len)
{
    size_t keep = len;
    int cut = 0;
    if (keep > 16) {
        keep = 16;
        cut = 1;
    }
    size_t o = 0;
    for (size_t i = 0; i < keep && o + 1 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        out[o++] = (c >= 0x20 && c < 0x7f && c != '"') ? (char)c : '?';
    }
    for (int k = 0; cut && k < 3 && o + 1 < cap; k++)
        out[o++] = '.';
    out[o] = '\0';
}

static int parse_t(parsed_header *ph, const char *v, size_t vlen, size_t item, calsync_error *err)
{
    if (vlen > T_DIGITS_MAX)
        return calsync_fail(err, CALSYNC_ERR_SIG_MALFORMED, NULL,
                            HEADER_NAME
                            ": t in item %zu has %zu characters; at most %d digits are allowed",
                            item, vlen, T_DIGITS_MAX);
    uint64_t acc = 0;
    for (size_t i = 0; i < vlen; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c < '0' || c > '9')
            return calsync_fail(err, CALSYNC_ERR_SIG_MALFORMED, NULL,
                                HEADER_NAME
                                ": t in item %zu must be unsigned decimal Unix seconds; "
                                "found a non-digit at position %zu",
                                item, i + 1);
        acc = acc * 10u + (uint64_t)(c - '0'); /* 19 digits cannot overflow 64 bits */
    }
    if (acc > (uint64_t)INT64_MAX)
        return calsync_fail(err, CALSYNC_ERR_SIG_MALFORMED, NULL,
                            HEADER_NAME ": t in item %zu is beyond the 64-bit range", item);
    ph->t = (int64_t)acc;
    ph->t_text = v;
    ph->t_len = vlen;
    return CALSYNC_OK;
}

static int parse_v1(parsed_header *ph, const char *v, size_t vlen, size_t item, calsync_error *err)
{
    if (ph->nv1 == CALSYNC_SIG_V1_MAX)
        return calsync_fail(err, CALSYNC_ERR_SIG_MALFORMED, NULL,
                            HEADER_NAME ": more than %d v1 signatures", CALSYNC_SIG_V1_MAX);
    if (vlen != V1_HEX_LEN)
        return calsync_fail(err, CALSYNC_ERR_SIG_MALFORMED, NULL,
                            HEADER_NAME
                            ": v1 in item %zu must be %d hex digits; found %zu characters",
                            item, V1_HEX_LEN, vlen);
    unsigned char *dst = ph->v1[ph->nv1];
    for (size_t i = 0; i < MAC_LEN; i++) {
        int hi = hex_value((unsigned char)v[2 * i]);
        int lo = hex_value((unsigned char)v[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return calsync_fail(err, CALSYNC_ERR_SIG_MALFORMED, NULL,
                                HEADER_NAME
                                ": v1 in item %zu holds a character that is not a hex digit "
                                "at position %zu",
                                item, 2 * i + (hi < 0 ? 1 : 2));
        dst[i] = (unsigned char)(hi << 4 | lo);
    }
    ph->nv1++;
    return CALSYNC_OK;
}

static int parse_header(parsed_header *ph, const char *h, size_t len, calsync_error *err)
{
    ph->t_text = NULL;
    ph->t_len = 0;
    ph->t = 0;
    ph->nv1 = 0;
    if (len == 0)
        return calsync_fail(err, CALSYNC_ERR_SIG_MALFORMED, NULL,
                            HEADER_NAME " header is missing or empty");
    if (len > CALSYNC_SIG_HEADER_MAX)
        return calsync_fail(err, CALSYNC_ERR_SIG_MALFORMED, NULL,
                            HEADER_NAME " header is %zu bytes, over the %d-byte limit", len,
                            CALSYNC_SIG_HEADER_MAX);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)h[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return calsync_fail(err, CALSYNC_ERR_SIG_MALFORMED, NULL,
                                HEADER_NAME ": control byte 0x%02x at offset %zu", c, i);
    }

    size_t item = 0;
    size_t pos = 0;
    for (;;) {
        item++;
        size_t start = pos;
        while (pos < len && h[pos] != ',')
            pos++;
        size_t end = pos;
        while (start < end && is_ws(h[start]))
            start++;
        while (end > start && is_ws(h[end - 1]))
            end--;
        if (start == end)
            return calsync_fail(
                err, CALSYNC_ERR_SIG_MALFORMED, NULL,
                HEADER_NAME ": item %zu is empty (a doubled, leading or trailing comma)", item);
        const char *eq = memchr(h + start, '=', end - start);
        if (eq == NULL)
            return calsync_fail(err, CALSYNC_ERR_SIG_MALFORMED, NULL,
                                HEADER_NAME ": item %zu is not of the form name=value", item);
        size_t ks = start, ke = (size_t)(eq - h);
        size_t vs = ke + 1, ve = end;
        while (ke > ks && is_ws(h[ke - 1]))
            ke--;
        while (vs < ve && is_ws(h[vs]))
            vs++;
        if (ke == ks)
            return calsync_fail(err, CALSYNC_ERR_SIG_MALFORMED, NULL,
                                HEADER_NAME ": item %zu has an empty name before '='", item);
        if (vs == ve)
            return calsync_fail(err, CALSYNC_ERR_SIG_MALFORMED, NULL,
                                HEADER_NAME ": item %zu has an empty value after '='", item);

        int rc;
        if (ke - ks == 1 && h[ks] == 't') {
            if (ph->t_text != NULL)
                return calsync_fail(err, CALSYNC_ERR_SIG_MALFORMED, NULL,
                                    HEADER_NAME ": a second t in item %zu", item);
            rc = parse_t(ph, h + vs, ve - vs, item, err);
        } else if (ke - ks == 2 && h[ks] == 'v' && h[ks + 1] == '1') {
            rc = parse_v1(ph, h + vs, ve - vs, item, err);
        } else {
            char name[24];
            printable_excerpt(name, sizeof name, h + ks, ke - ks);
            rc = calsync_fail(err, CALSYNC_ERR_SIG_MALFORMED, NULL,
                              HEADER_NAME
                              ": unknown scheme \"%s\" in item %zu (only t and v1 are accepted)",
                              name, item);
        }
        if (rc != CALSYNC_OK)
            return rc;
        if (pos == len)
            break;
        pos++; /* past the comma; an item must follow it */
    }

    if (ph->t_text == NULL)
        return calsync_fail(err, CALSYNC_ERR_SIG_MALFORMED, NULL, HEADER_NAME ": no t= timestamp");
    if (ph->nv1 == 0)
        return calsync_fail(err, CALSYNC_ERR_SIG_MALFORMED, NULL, HEADER_NAME ": no v1= signature");
    return CALSYNC_OK;
}

/* One HMAC context serves the whole ring: the fetch and allocation are the
 * costly part of a 3 KB verification, so they happen once per call. */
typedef struct mac_state {
    EVP_MAC *mac;
    EVP_MAC_CTX *ctx;
    int keyed;
} mac_state;

static int mac_open(mac_state *ms, calsync_error *err)
{
    ms->keyed = 0;
    ms->ctx = NULL;
    ms->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (ms->mac == NULL)
        return calsync_crypto_fail(err, "fetch HMAC");
    ms->ctx = EVP_MAC_CTX_new(ms->mac);
    if (ms->ctx == NULL)
        return calsync_crypto_fail(err, "allocate an HMAC context");
    return CALSYNC_OK;
}

static void mac_close(mac_state *ms)
{
    EVP_MAC_CTX_free(ms->ctx);
    EVP_MAC_free(ms->mac);
}

static int mac_compute(mac_state *ms, unsigned char out[MAC_LEN], const calsync_key *key,
                       const char *t_text, size_t t_len, const unsigned char *body, size_t body_len,
                       calsync_error *err)
{
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();
    /* Re-keying keeps the digest, so it is set (and fetched) only once. */
    if (!EVP_MAC_init(ms->ctx, key->ptr, key->len, ms->keyed ? NULL : params))
        return calsync_crypto_fail(err, "initialise HMAC-SHA256");
    ms->keyed = 1;
    size_t outl = 0;
    if (!EVP_MAC_update(ms->ctx, (const unsigned char *)t_text, t_len) ||
        !EVP_MAC_update(ms->ctx, (const unsigned char *)".", 1) ||
        (body_len > 0 && !EVP_MAC_update(ms->ctx, body, body_len)) ||
        !EVP_MAC_final(ms->ctx, out, &outl, MAC_LEN) || outl != MAC_LEN)
        return calsync_crypto_fail(err, "compute HMAC-SHA256");
    return CALSYNC_OK;
}

static int check_key(const calsync_key *key, size_t index, calsync_error *err)
{
    if (key->ptr == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "signing key %zu is NULL", index);
    /* An empty HMAC key is public knowledge: anyone could sign. */
    if (key->len == 0)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "signing key %zu is empty", index);
    return CALSYNC_OK;
}

int calsync_sig_verify(calsync_sig_result *out, const char *header, size_t header_len,
                       const unsigned char *body, size_t body_len, const calsync_key *keys,
                       size_t nkeys, int64_t now, int64_t max_age, int64_t max_future,
                       calsync_error *err)
{
    calsync_error_clear(err);
    if (out == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "calsync_sig_verify: out is NULL");
    out->timestamp = 0;
    out->key_index = SIZE_MAX;
    if (header == NULL && header_len > 0)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "calsync_sig_verify: header is NULL with a length");
    if (body == NULL && body_len > 0)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "calsync_sig_verify: body is NULL with a length");
    if (keys == NULL || nkeys == 0)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "no signing key is configured");
    for (size_t i = 0; i < nkeys; i++) {
        int rc = check_key(&keys[i], i, err);
        if (rc != CALSYNC_OK)
            return rc;
    }
    if (max_age < 0 || max_future < 0)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "signature tolerance must not be negative (max_age %" PRId64
                            ", max_future %" PRId64 ")",
                            max_age, max_future);

    parsed_header ph;
    int rc = parse_header(&ph, header, header_len, err);
    if (rc != CALSYNC_OK)
        return rc;
    out->timestamp = ph.t;

    mac_state ms;
    rc = mac_open(&ms, err);
    if (rc != CALSYNC_OK)
        goto out;

    size_t matched = SIZE_MAX;
    unsigned char mac[MAC_LEN];
    for (size_t k = 0; k < nkeys && matched == SIZE_MAX; k++) {
        rc = mac_compute(&ms, mac, &keys[k], ph.t_text, ph.t_len, body, body_len, err);
        if (rc != CALSYNC_OK)
            goto out;
        /* Every v1 is compared, so the time taken does not say which one matched. */
        int hit = 0;
        for (size_t v = 0; v < ph.nv1; v++)
            hit |= CRYPTO_memcmp(mac, ph.v1[v], MAC_LEN) == 0;
        if (hit)
            matched = k;
    }
    OPENSSL_cleanse(mac, sizeof mac);

    if (matched == SIZE_MAX) {
        rc = calsync_fail(err, CALSYNC_ERR_SIG_MISMATCH, NULL,
                          HEADER_NAME ": none of %zu v1 signatures matches any of %zu signing keys",
                          ph.nv1, nkeys);
        goto out;
    }
    out->key_index = matched;

    /* now - max_age and now + max_future may leave the int64 range; then no
     * t (which is never negative) can be outside that side of the window. */
    if (now >= INT64_MIN + max_age && ph.t < now - max_age) {
        rc = calsync_fail(err, CALSYNC_ERR_SIG_TOO_OLD, NULL,
                          HEADER_NAME ": authentic, but t=%" PRId64 " is %" PRIu64
                                      " s old; at most %" PRId64 " s is accepted",
                          ph.t, (uint64_t)now - (uint64_t)ph.t, max_age);
        goto out;
    }
    if (now <= INT64_MAX - max_future && ph.t > now + max_future) {
        rc = calsync_fail(err, CALSYNC_ERR_SIG_TOO_NEW, NULL,
                          HEADER_NAME ": authentic, but t=%" PRId64 " is %" PRIu64
                                      " s in the future; at most %" PRId64
                                      " s is accepted (check the server clock)",
                          ph.t, (uint64_t)ph.t - (uint64_t)now, max_future);
        goto out;
    }
    rc = CALSYNC_OK;
out:
    mac_close(&ms);
    return rc;
}

int calsync_sig_sign(char *buf, size_t cap, const unsigned char *body, size_t body_len,
                     const calsync_key *key, int64_t timestamp, calsync_error *err)
{
    calsync_error_clear(err);
    if (buf == NULL || cap == 0)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "calsync_sig_sign: no output buffer");
    buf[0] = '\0';
    if (body == NULL && body_len > 0)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "calsync_sig_sign: body is NULL with a length");
    if (key == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "calsync_sig_sign: key is NULL");
    int rc = check_key(key, 0, err);
    if (rc != CALSYNC_OK)
        return rc;
    if (timestamp < 0)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "calsync_sig_sign: timestamp %" PRId64 " is negative", timestamp);

    char t_text[24];
    int t_len = snprintf(t_text, sizeof t_text, "%" PRId64, timestamp);
    size_t need = 2 + (size_t)t_len + 4 + V1_HEX_LEN + 1;
    if (cap < need)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "calsync_sig_sign: buffer of %zu bytes is too small; %zu needed", cap,
                            need);

    mac_state ms;
    unsigned char mac[MAC_LEN];
    char hex[2 * MAC_LEN + 1];
    rc = mac_open(&ms, err);
    if (rc != CALSYNC_OK)
        goto out;
    rc = mac_compute(&ms, mac, key, t_text, (size_t)t_len, body, body_len, err);
    if (rc != CALSYNC_OK)
        goto out;
    calsync_hex(hex, mac, MAC_LEN);
    rc = snprintf(buf, cap, "t=%s,v1=%s", t_text, hex);
out:
    mac_close(&ms);
    return rc;
}
