/* SPDX-License-Identifier: MIT */
/* Sealing secrets at rest: HKDF key derivation and the "cs1." AES-256-GCM text format. */
#include "internal.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <stdio.h>

#define NONCE_LEN 12
#define TAG_LEN 16
#define KEY_ID_BYTES 4
#define KEY_ID_HEX (2 * KEY_ID_BYTES)
#define VERSION_TEXT "cs1."
#define VERSION_LEN 4
#define HEAD_LEN (VERSION_LEN + KEY_ID_HEX + 1) /* "cs1." <key id> "." */
#define CHUNK 768                               /* a multiple of 3: whole base64 groups */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int calsync_seal_derive_key(unsigned char out[CALSYNC_SEAL_KEY_LEN], const unsigned char *secret,
                            size_t secret_len, calsync_error *err)
{
    calsync_error_clear(err);
    if (out == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "calsync_seal_derive_key: out is NULL");
    if (secret == NULL && secret_len > 0)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "calsync_seal_derive_key: secret is NULL");
    if (secret_len < CALSYNC_SEAL_SECRET_MIN)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "the sealing secret is %zu bytes; at least %d are needed", secret_len,
                            CALSYNC_SEAL_SECRET_MIN);

    int rc = CALSYNC_OK;
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *kctx = NULL;
    if (kdf == NULL) {
        rc = calsync_crypto_fail(err, "fetch HKDF");
        goto out;
    }
    kctx = EVP_KDF_CTX_new(kdf);
    if (kctx == NULL) {
        rc = calsync_crypto_fail(err, "allocate an HKDF context");
        goto out;
    }
    OSSL_PARAM params[5];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret, secret_len);
    params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)"calsync-seal", 12);
    params[3] =
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)"cs1 sealing key", 15);
    params[4] = OSSL_PARAM_construct_end();
    if (EVP_KDF_derive(kctx, out, CALSYNC_SEAL_KEY_LEN, params) != 1) {
        OPENSSL_cleanse(out, CALSYNC_SEAL_KEY_LEN);
        rc = calsync_crypto_fail(err, "derive the sealing key with HKDF-SHA256");
    }
out:
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
    return rc;
}

static size_t b64_len(size_t n)
{
    static const size_t tail[3] = {0, 2, 3};
    return n / 3 * 4 + tail[n % 3];
}

size_t calsync_seal_size(size_t plain_len)
{
    /* Saturates rather than wraps: no buffer can be that large anyway. */
    if (plain_len > (SIZE_MAX / 4) * 3 - 64)
        return SIZE_MAX;
    return HEAD_LEN + b64_len(NONCE_LEN + plain_len + TAG_LEN) + 1;
}

/* Streaming base64url encoder, so ciphertext never needs a heap copy. */
typedef struct b64_writer {
    char *out;
    size_t pos;
    unsigned char pend[3];
    size_t npend;
} b64_writer;

static void b64_group(b64_writer *w, const unsigned char g[3], size_t n)
{
    uint32_t v =
        (uint32_t)g[0] << 16 | (uint32_t)(n > 1 ? g[1] : 0) << 8 | (uint32_t)(n > 2 ? g[2] : 0);
    w->out[w->pos++] = b64_alphabet[v >> 18 & 63];
    w->out[w->pos++] = b64_alphabet[v >> 12 & 63];
    if (n > 1)
        w->out[w->pos++] = b64_alphabet[v >> 6 & 63];
    if (n > 2)
        w->out[w->pos++] = b64_alphabet[v & 63];
}

static void b64_put(b64_writer *w, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        w->pend[w->npend++] = p[i];
        if (w->npend == 3) {
            b64_group(w, w->pend, 3);
            w->npend = 0;
        }
    }
}

static void b64_finish(b64_writer *w)
{
    if (w->npend > 0)
        b64_group(w, w->pend, w->npend);
    w->npend = 0;
    w->out[w->pos] = '\0';
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

/* Strict check: the alphabet, a possible length, and zero unused bits in the
 * last character, so that each byte string has exactly one text form and
 * every changed character is a changed byte. */
static int b64_check(const char *s, size_t n, size_t *decoded, calsync_error *err)
{
    if (n % 4 == 1)
        return calsync_fail(
            err, CALSYNC_ERR_SEAL_FORMAT, NULL,
            "sealed value: base64url part of %zu characters is an impossible length", n);
    for (size_t i = 0; i < n; i++) {
        if (b64_value((unsigned char)s[i]) < 0)
            return calsync_fail(
                err, CALSYNC_ERR_SEAL_FORMAT, NULL,
                "sealed value: character %zu of the base64url part is not base64url "
                "(padding is not used)",
                HEAD_LEN + i + 1);
    }
    if (n % 4 != 0) {
        int last = b64_value((unsigned char)s[n - 1]);
        int unused_mask = n % 4 == 2 ? 0x0f : 0x03;
        if (last & unused_mask)
            return calsync_fail(
                err, CALSYNC_ERR_SEAL_FORMAT, NULL,
                "sealed value: the last base64url character has non-zero unused bits");
    }
    *decoded = n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1);
    return CALSYNC_OK;
}

static void key_id_hex(char out[KEY_ID_HEX + 1], const unsigned char key[CALSYNC_SEAL_KEY_LEN])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    /* SHA-256 of a fixed 32-byte input cannot fail short of a broken library;
     * a zeroed id would then make every open report SEAL_KEY, which is safe. */
    if (EVP_Digest(key, CALSYNC_SEAL_KEY_LEN, md, &mdlen, EVP_sha256(), NULL) != 1 ||
        mdlen < KEY_ID_BYTES) {
        ERR_clear_error();
        memset(md, 0, KEY_ID_BYTES);
    }
    calsync_hex(out, md, KEY_ID_BYTES);
}

static int feed_aad(EVP_CIPHER_CTX *ctx, const char *key_id, const char *context,
                    size_t context_len)
{
    int outl = 0;
    const char *parts[3] = {VERSION_TEXT, key_id, "."};
    size_t lens[3] = {VERSION_LEN, KEY_ID_HEX, 1};
    for (int i = 0; i < 3; i++)
        if (!EVP_CipherUpdate(ctx, NULL, &outl, (const unsigned char *)parts[i], (int)lens[i]))
            return 0;
    while (context_len > 0) {
        int n = context_len > INT32_MAX ? INT32_MAX : (int)context_len;
        if (!EVP_CipherUpdate(ctx, NULL, &outl, (const unsigned char *)context, n))
            return 0;
        context += n;
        context_len -= (size_t)n;
    }
    return 1;
}

int calsync_seal(char *buf, size_t cap, size_t *out_len,
                 const unsigned char key[CALSYNC_SEAL_KEY_LEN], const char *context,
                 size_t context_len, const unsigned char *plain, size_t plain_len,
                 calsync_error *err)
{
    calsync_error_clear(err);
    if (out_len != NULL)
        *out_len = 0;
    if (buf != NULL && cap > 0)
        buf[0] = '\0';
    if (buf == NULL || out_len == NULL || key == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "calsync_seal: buf, out_len and key are required");
    if ((context == NULL && context_len > 0) || (plain == NULL && plain_len > 0))
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "calsync_seal: NULL input with a length");
    if (plain_len > CALSYNC_SEAL_MAX_PLAIN)
        return calsync_fail(err, CALSYNC_ERR_TOO_LARGE, NULL,
                            "a secret to seal is %zu bytes; at most %u are accepted", plain_len,
                            CALSYNC_SEAL_MAX_PLAIN);
    size_t need = calsync_seal_size(plain_len);
    if (cap < need)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "calsync_seal: buffer of %zu bytes is too small; %zu needed", cap,
                            need);

    int rc = CALSYNC_OK;
    unsigned char nonce[NONCE_LEN];
    unsigned char tag[TAG_LEN];
    unsigned char chunk[CHUNK + 32];
    char key_id[KEY_ID_HEX + 1];
    int outl = 0;
    EVP_CIPHER_CTX *ctx = NULL;

    if (RAND_bytes(nonce, NONCE_LEN) != 1) {
        rc = calsync_crypto_fail(err, "draw a random nonce");
        goto out;
    }
    key_id_hex(key_id, key);
    ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) {
        rc = calsync_crypto_fail(err, "allocate a cipher context");
        goto out;
    }
    if (!EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce) ||
        !feed_aad(ctx, key_id, context, context_len)) {
        rc = calsync_crypto_fail(err, "start AES-256-GCM");
        goto out;
    }

    memcpy(buf, VERSION_TEXT, VERSION_LEN);
    memcpy(buf + VERSION_LEN, key_id, KEY_ID_HEX);
    buf[HEAD_LEN - 1] = '.';
    b64_writer w = {buf, HEAD_LEN, {0, 0, 0}, 0};
    b64_put(&w, nonce, NONCE_LEN);
    for (size_t off = 0; off < plain_len; off += CHUNK) {
        size_t n = plain_len - off < CHUNK ? plain_len - off : CHUNK;
        if (!EVP_EncryptUpdate(ctx, chunk, &outl, plain + off, (int)n)) {
            rc = calsync_crypto_fail(err, "encrypt with AES-256-GCM");
            goto out;
        }
        b64_put(&w, chunk, (size_t)outl);
    }
    if (!EVP_EncryptFinal_ex(ctx, chunk, &outl) ||
        !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag)) {
        rc = calsync_crypto_fail(err, "finish AES-256-GCM");
        goto out;
    }
    b64_put(&w, chunk, (size_t)outl); /* GCM is a stream mode: outl is 0 */
    b64_put(&w, tag, TAG_LEN);
    b64_finish(&w);
    *out_len = w.pos;
out:
    if (rc != CALSYNC_OK)
        buf[0] = '\0';
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}

/* Routes the decoded byte stream: nonce, then ciphertext into the caller's
 * buffer, then the tag. */
typedef struct opener {
    EVP_CIPHER_CTX *ctx;
    const unsigned char *key;
    const char *key_id;
    const char *context;
    size_t context_len;
    unsigned char nonce[NONCE_LEN];
    unsigned char tag[TAG_LEN];
    size_t seen;
    size_t ct_len;
    unsigned char *out;
    size_t out_len;
} opener;

static int open_feed(opener *op, const unsigned char *p, size_t n)
{
    while (n > 0) {
        size_t take;
        if (op->seen < NONCE_LEN) {
            take = NONCE_LEN - op->seen < n ? NONCE_LEN - op->seen : n;
            memcpy(op->nonce + op->seen, p, take);
            if (op->seen + take == NONCE_LEN &&
                (!EVP_DecryptInit_ex(op->ctx, EVP_aes_256_gcm(), NULL, op->key, op->nonce) ||
                 !feed_aad(op->ctx, op->key_id, op->context, op->context_len)))
                return 0;
        } else if (op->seen < NONCE_LEN + op->ct_len) {
            size_t left = NONCE_LEN + op->ct_len - op->seen;
            take = left < n ? left : n;
            int outl = 0;
            if (!EVP_DecryptUpdate(op->ctx, op->out + op->out_len, &outl, p, (int)take))
                return 0;
            op->out_len += (size_t)outl;
        } else {
            size_t off = op->seen - NONCE_LEN - op->ct_len;
            take = TAG_LEN - off < n ? TAG_LEN - off : n;
            memcpy(op->tag + off, p, take);
        }
        op->seen += take;
        p += take;
        n -= take;
    }
    return 1;
}

int calsync_open(unsigned char *buf, size_t cap, size_t *out_len,
                 const unsigned char key[CALSYNC_SEAL_KEY_LEN], const char *context,
                 size_t context_len, const char *sealed, size_t sealed_len, calsync_error *err)
{
    calsync_error_clear(err);
    if (out_len != NULL)
        *out_len = 0;
    if (out_len == NULL || key == NULL || (buf == NULL && cap > 0))
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "calsync_open: out_len and key are required");
    if ((context == NULL && context_len > 0) || (sealed == NULL && sealed_len > 0))
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "calsync_open: NULL input with a length");

    if (sealed_len < VERSION_LEN || memcmp(sealed, VERSION_TEXT, VERSION_LEN) != 0)
        return calsync_fail(err, CALSYNC_ERR_SEAL_FORMAT, NULL,
                            "not a sealed value: it does not start with \"" VERSION_TEXT "\"");
    if (sealed_len < HEAD_LEN || sealed[HEAD_LEN - 1] != '.')
        return calsync_fail(err, CALSYNC_ERR_SEAL_FORMAT, NULL,
                            "sealed value: \"" VERSION_TEXT
                            "\" must be followed by an %d-digit key id and '.'",
                            KEY_ID_HEX);
    for (size_t i = VERSION_LEN; i < VERSION_LEN + KEY_ID_HEX; i++) {
        char c = sealed[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return calsync_fail(err, CALSYNC_ERR_SEAL_FORMAT, NULL,
                                "sealed value: the key id must be %d lowercase hex digits",
                                KEY_ID_HEX);
    }
    const char *payload = sealed + HEAD_LEN;
    size_t payload_len = sealed_len - HEAD_LEN;
    size_t raw_len = 0;
    int rc = b64_check(payload, payload_len, &raw_len, err);
    if (rc != CALSYNC_OK)
        return rc;
    if (raw_len < NONCE_LEN + TAG_LEN)
        return calsync_fail(
            err, CALSYNC_ERR_SEAL_FORMAT, NULL,
            "sealed value is truncated: %zu bytes after decoding, at least %d expected", raw_len,
            NONCE_LEN + TAG_LEN);
    size_t ct_len = raw_len - NONCE_LEN - TAG_LEN;
    if (ct_len > CALSYNC_SEAL_MAX_PLAIN)
        return calsync_fail(err, CALSYNC_ERR_SEAL_FORMAT, NULL,
                            "sealed value holds %zu bytes; no value over %u bytes is ever sealed",
                            ct_len, CALSYNC_SEAL_MAX_PLAIN);

    char key_id[KEY_ID_HEX + 1];
    key_id_hex(key_id, key);
    if (memcmp(key_id, sealed + VERSION_LEN, KEY_ID_HEX) != 0)
        return calsync_fail(
            err, CALSYNC_ERR_SEAL_KEY, NULL,
            "value was sealed under key %.8s but the current key is %s: the secret it "
            "derives from has changed; enter the value again",
            sealed + VERSION_LEN, key_id);
    if (cap < ct_len)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "calsync_open: buffer of %zu bytes is too small; %zu needed", cap,
                            ct_len);

    opener op;
    memset(&op, 0, sizeof op);
    op.key = key;
    op.key_id = key_id;
    op.context = context;
    op.context_len = context_len;
    op.ct_len = ct_len;
    op.out = buf;
    unsigned char chunk[CHUNK];
    op.ctx = EVP_CIPHER_CTX_new();
    if (op.ctx == NULL) {
        rc = calsync_crypto_fail(err, "allocate a cipher context");
        goto out;
    }
    size_t fill = 0;
    for (size_t i = 0; i < payload_len; i += 4) {
        size_t n = payload_len - i < 4 ? payload_len - i : 4;
        uint32_t v = 0;
        for (size_t k = 0; k < 4; k++)
            v = v << 6 | (uint32_t)(k < n ? b64_value((unsigned char)payload[i + k]) : 0);
        unsigned char g[3] = {(unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v};
        memcpy(chunk + fill, g, n - 1);
        fill += n - 1;
        if (fill + 3 > CHUNK || i + 4 >= payload_len) {
            if (!open_feed(&op, chunk, fill)) {
                rc = calsync_crypto_fail(err, "decrypt with AES-256-GCM");
                goto out;
            }
            fill = 0;
        }
    }
    int outl = 0;
    if (!EVP_CIPHER_CTX_ctrl(op.ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, op.tag)) {
        rc = calsync_crypto_fail(err, "set the GCM tag");
        goto out;
    }
    if (EVP_DecryptFinal_ex(op.ctx, buf == NULL ? chunk : buf + op.out_len, &outl) != 1) {
        ERR_clear_error();
        rc = calsync_fail(
            err, CALSYNC_ERR_SEAL_AUTH, NULL,
            "sealed value does not open: it was altered, or sealed for another setting "
            "than \"%.*s\"",
            (int)(context_len > 64 ? 64 : context_len), context ? context : "");
        goto out;
    }
    op.out_len += (size_t)outl;
    *out_len = op.out_len;
out:
    /* Never hand out plaintext that failed authentication. */
    if (rc != CALSYNC_OK && op.out_len > 0)
        OPENSSL_cleanse(buf, op.out_len);
    OPENSSL_cleanse(chunk, sizeof chunk);
    EVP_CIPHER_CTX_free(op.ctx);
    return rc;
}
