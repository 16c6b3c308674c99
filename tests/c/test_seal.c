/* SPDX-License-Identifier: MIT */
/* Tests of sealing secrets: key derivation, the cs1 format, every way a value fails to open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka.h needs the four headers above first. */
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "calsync.h"

/*
 * Known answers from the OpenSSL command line:
 *   openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt key:0123456789abcdef0123456789abcdef \
 *       -kdfopt salt:calsync-seal -kdfopt 'info:cs1 sealing key' HKDF
 */
#define SECRET_A "0123456789abcdef0123456789abcdef"
static const unsigned char key_a_expected[32] = {
    0x0B, 0x42, 0xEC, 0x91, 0xD5, 0xDC, 0x7B, 0x37, 0x38, 0xC5, 0x36, 0x97, 0xE6, 0xA3, 0x7C, 0x0B,
    0xA2, 0x7B, 0x6B, 0xF0, 0x71, 0xB7, 0x1B, 0x0A, 0x12, 0x35, 0xFF, 0x04, 0xFD, 0xF2, 0xE1, 0x50};
/* Same command with -kdfopt key:sixteen-bytes-ok (the shortest secret allowed). */
#define SECRET_B "sixteen-bytes-ok"
static const unsigned char key_b_expected[32] = {
    0x8B, 0xD2, 0x27, 0xF0, 0xDC, 0x53, 0x99, 0x5B, 0x26, 0x99, 0x87, 0xBF, 0xB3, 0x86, 0x42, 0xA9,
    0x8F, 0x2C, 0x85, 0xAC, 0x4B, 0xE3, 0xC3, 0x08, 0xF6, 0x3C, 0x16, 0x4B, 0x59, 0x76, 0xCC, 0x50};
/* First 8 hex digits of `openssl dgst -sha256` over key A's 32 bytes. */
#define KEY_A_ID "167ff5d3"
/*
 * Sealed independently with Python's `cryptography` AESGCM: key A, nonce
 * 01 02 .. 0c, AAD "cs1.167ff5d3.calendly_token", base64url without padding.
 */
#define FOREIGN_SEALED                                                                             \
    "cs1.167ff5d3.AQIDBAUGBwgJCgsMHAcZ4NXMQmYFJPiQGXMfjlZfv-ZpAx5CPQmDZZ1G3Fv0hhL7IqFE1MpArxETAQ"
#define FOREIGN_PLAIN "pat_eyJraWQiOiJ0ZXN0In0.secret"

#define CTX "calendly_token"
#define CTX_LEN (sizeof CTX - 1)
#define PLAIN "token-secret-value"

static void key_a(unsigned char k[32])
{
    assert_int_equal(
        calsync_seal_derive_key(k, (const unsigned char *)SECRET_A, sizeof SECRET_A - 1, NULL),
        CALSYNC_OK);
}

static void key_b(unsigned char k[32])
{
    assert_int_equal(
        calsync_seal_derive_key(k, (const unsigned char *)SECRET_B, sizeof SECRET_B - 1, NULL),
        CALSYNC_OK);
}

static int contains(const unsigned char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return 1;
    return 0;
}

/* Seals into a fresh heap string of exactly calsync_seal_size bytes. */
static char *seal_new(const unsigned char k[32], const char *ctx, size_t ctx_len, const void *plain,
                      size_t n, size_t *out_len)
{
    size_t cap = calsync_seal_size(n);
    char *buf = malloc(cap);
    assert_non_null(buf);
    calsync_error err;
    int rc = calsync_seal(buf, cap, out_len, k, ctx, ctx_len, plain, n, &err);
    if (rc != CALSYNC_OK)
        fail_msg("seal failed: %s", err.message);
    assert_int_equal(*out_len + 1, cap);
    assert_int_equal(strlen(buf), *out_len);
    return buf;
}

static int open_into(unsigned char *buf, size_t cap, size_t *n, const unsigned char k[32],
                     const char *ctx, size_t ctx_len, const char *sealed, size_t sealed_len,
                     calsync_error *err)
{
    return calsync_open(buf, cap, n, k, ctx, ctx_len, sealed, sealed_len, err);
}

static void derive_key_matches_openssl_kdf(void **state)
{
    (void)state;
    unsigned char k[32];
    key_a(k);
    assert_memory_equal(k, key_a_expected, 32);
    key_b(k);
    assert_memory_equal(k, key_b_expected, 32);
}

static void derive_key_is_deterministic_and_secret_dependent(void **state)
{
    (void)state;
    unsigned char k1[32], k2[32], k3[32];
    key_a(k1);
    key_a(k2);
    assert_memory_equal(k1, k2, 32);
    unsigned char other[] = SECRET_A;
    other[31] ^= 1;
    assert_int_equal(calsync_seal_derive_key(k3, other, sizeof other - 1, NULL), CALSYNC_OK);
    assert_memory_not_equal(k1, k3, 32);
}

static void derive_key_refuses_secret_under_16_bytes(void **state)
{
    (void)state;
    unsigned char k[32];
    calsync_error err;
    assert_int_equal(calsync_seal_derive_key(k, (const unsigned char *)SECRET_B, 15, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_non_null(strstr(err.message, "at least 16"));
    assert_int_equal(calsync_seal_derive_key(k, NULL, 0, NULL), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_seal_derive_key(NULL, (const unsigned char *)SECRET_A, 32, NULL),
                     CALSYNC_ERR_ARGUMENT);
}

static void opens_value_sealed_by_an_independent_implementation(void **state)
{
    (void)state;
    unsigned char k[32], out[128];
    size_t n = 0;
    key_a(k);
    calsync_error err;
    int rc = open_into(out, sizeof out, &n, k, CTX, CTX_LEN, FOREIGN_SEALED,
                       sizeof FOREIGN_SEALED - 1, &err);
    if (rc != CALSYNC_OK)
        fail_msg("open failed: %s", err.message);
    assert_int_equal(n, sizeof FOREIGN_PLAIN - 1);
    assert_memory_equal(out, FOREIGN_PLAIN, n);
}

static void sealed_text_has_the_documented_form(void **state)
{
    (void)state;
    unsigned char k[32];
    key_a(k);
    size_t n;
    char *s = seal_new(k, CTX, CTX_LEN, PLAIN, sizeof PLAIN - 1, &n);
    assert_memory_equal(s, "cs1." KEY_A_ID ".", 13);
    /* nonce 12 + plain 18 + tag 16 = 46 bytes: 62 base64url characters, no padding. */
    assert_int_equal(n, 13 + 62);
    for (size_t i = 13; i < n; i++)
        assert_non_null(
            strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", s[i]));
    free(s);
}

static void round_trip_of_every_length_up_to_100(void **state)
{
    (void)state;
    unsigned char k[32], plain[100], out[256];
    key_a(k);
    for (size_t i = 0; i < sizeof plain; i++)
        plain[i] = (unsigned char)(255 - i * 3);
    for (size_t len = 0; len <= sizeof plain; len++) {
        size_t sn, on = 999;
        char *s = seal_new(k, CTX, CTX_LEN, plain, len, &sn);
        assert_int_equal(open_into(out, sizeof out, &on, k, CTX, CTX_LEN, s, sn, NULL), CALSYNC_OK);
        assert_int_equal(on, len);
        if (len > 0)
            assert_memory_equal(out, plain, len);
        free(s);
    }
}

static void round_trip_of_empty_value_with_null_buffer(void **state)
{
    (void)state;
    unsigned char k[32];
    key_a(k);
    size_t sn, on = 7;
    char *s = seal_new(k, NULL, 0, NULL, 0, &sn);
    assert_int_equal(calsync_open(NULL, 0, &on, k, NULL, 0, s, sn, NULL), CALSYNC_OK);
    assert_int_equal(on, 0);
    free(s);
}

static void round_trip_of_all_byte_values_and_of_the_maximum_size(void **state)
{
    (void)state;
    unsigned char k[32];
    key_b(k);
    size_t n = CALSYNC_SEAL_MAX_PLAIN;
    unsigned char *plain = malloc(n);
    unsigned char *out = malloc(n);
    assert_non_null(plain);
    assert_non_null(out);
    for (size_t i = 0; i < n; i++)
        plain[i] = (unsigned char)(i ^ (i >> 8));
    size_t sn, on;
    char *s = seal_new(k, CTX, CTX_LEN, plain, n, &sn);
    /* cap == plain length is enough. */
    assert_int_equal(open_into(out, n, &on, k, CTX, CTX_LEN, s, sn, NULL), CALSYNC_OK);
    assert_int_equal(on, n);
    assert_memory_equal(out, plain, n);
    free(s);
    s = seal_new(k, CTX, CTX_LEN, plain, 256, &sn);
    assert_int_equal(open_into(out, n, &on, k, CTX, CTX_LEN, s, sn, NULL), CALSYNC_OK);
    assert_int_equal(on, 256);
    assert_memory_equal(out, plain, 256);
    free(s);
    free(plain);
    free(out);
}

static void value_over_the_limit_is_too_large(void **state)
{
    (void)state;
    unsigned char k[32];
    key_a(k);
    size_t n = CALSYNC_SEAL_MAX_PLAIN + 1;
    unsigned char *plain = calloc(1, n);
    size_t cap = calsync_seal_size(n), sn = 5;
    char *buf = malloc(cap);
    assert_non_null(plain);
    assert_non_null(buf);
    calsync_error err;
    assert_int_equal(calsync_seal(buf, cap, &sn, k, CTX, CTX_LEN, plain, n, &err),
                     CALSYNC_ERR_TOO_LARGE);
    assert_int_equal(err.code, CALSYNC_ERR_TOO_LARGE);
    assert_int_equal(sn, 0);
    free(plain);
    free(buf);
}

static void seal_size_is_exact_and_saturates(void **state)
{
    (void)state;
    assert_int_equal(calsync_seal_size(0), 13 + 38 + 1);
    assert_int_equal(calsync_seal_size(1), 13 + 39 + 1);
    assert_int_equal(calsync_seal_size(2), 13 + 40 + 1);
    assert_true(calsync_seal_size(SIZE_MAX) == SIZE_MAX);
    unsigned char k[32];
    key_a(k);
    char buf[64];
    size_t sn;
    calsync_error err;
    assert_int_equal(calsync_seal(buf, calsync_seal_size(1) - 1, &sn, k, CTX, CTX_LEN,
                                  (const unsigned char *)"x", 1, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_non_null(strstr(err.message, "too small"));
}

static void two_seals_of_one_value_differ(void **state)
{
    (void)state;
    unsigned char k[32];
    key_a(k);
    size_t n1, n2;
    char *a = seal_new(k, CTX, CTX_LEN, PLAIN, sizeof PLAIN - 1, &n1);
    char *b = seal_new(k, CTX, CTX_LEN, PLAIN, sizeof PLAIN - 1, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, 13);               /* same version and key id */
    assert_memory_not_equal(a + 13, b + 13, 16); /* the nonce's characters differ */
    free(a);
    free(b);
}

static void every_single_bit_flip_fails_to_open_and_leaks_nothing(void **state)
{
    (void)state;
    unsigned char k[32], out[64];
    key_a(k);
    size_t n;
    char *s = seal_new(k, CTX, CTX_LEN, PLAIN, sizeof PLAIN - 1, &n);
    size_t auth = 0;
    for (size_t i = 0; i < n; i++) {
        for (int bit = 0; bit < 8; bit++) {
            s[i] ^= (char)(1 << bit);
            size_t on = 99;
            memset(out, 0, sizeof out);
            int rc = open_into(out, sizeof out, &on, k, CTX, CTX_LEN, s, n, NULL);
            if (rc != CALSYNC_ERR_SEAL_FORMAT && rc != CALSYNC_ERR_SEAL_KEY &&
                rc != CALSYNC_ERR_SEAL_AUTH)
                fail_msg("bit %d of character %zu flipped: rc %d", bit, i, rc);
            assert_int_equal(on, 0);
            assert_false(contains(out, sizeof out, "secret"));
            auth += rc == CALSYNC_ERR_SEAL_AUTH;
            s[i] ^= (char)(1 << bit);
        }
    }
    assert_true(auth > 0); /* flips that stay base64url reach the tag check */
    size_t on;
    assert_int_equal(open_into(out, sizeof out, &on, k, CTX, CTX_LEN, s, n, NULL), CALSYNC_OK);
    free(s);
}

static void every_truncation_fails_to_open(void **state)
{
    (void)state;
    unsigned char k[32], out[64];
    key_a(k);
    size_t n;
    char *s = seal_new(k, CTX, CTX_LEN, PLAIN, sizeof PLAIN - 1, &n);
    for (size_t len = 0; len < n; len++) {
        size_t on;
        int rc = open_into(out, sizeof out, &on, k, CTX, CTX_LEN, s, len, NULL);
        assert_true(rc == CALSYNC_ERR_SEAL_FORMAT || rc == CALSYNC_ERR_SEAL_AUTH);
    }
    free(s);
}

static void wrong_key_is_seal_key_not_auth(void **state)
{
    (void)state;
    unsigned char ka[32], kb[32], out[64];
    key_a(ka);
    key_b(kb);
    size_t n, on;
    char *s = seal_new(ka, CTX, CTX_LEN, PLAIN, sizeof PLAIN - 1, &n);
    calsync_error err;
    assert_int_equal(open_into(out, sizeof out, &on, kb, CTX, CTX_LEN, s, n, &err),
                     CALSYNC_ERR_SEAL_KEY);
    assert_non_null(strstr(err.message, KEY_A_ID));
    /* Another key is reported as such even when the context is wrong too. */
    assert_int_equal(open_into(out, sizeof out, &on, kb, "other", 5, s, n, NULL),
                     CALSYNC_ERR_SEAL_KEY);
    free(s);
}

static void wrong_context_is_seal_auth(void **state)
{
    (void)state;
    unsigned char k[32], out[64];
    key_a(k);
    size_t n, on;
    char *s = seal_new(k, CTX, CTX_LEN, PLAIN, sizeof PLAIN - 1, &n);
    calsync_error err;
    assert_int_equal(open_into(out, sizeof out, &on, k, "signing_key", 11, s, n, &err),
                     CALSYNC_ERR_SEAL_AUTH);
    assert_int_equal(err.code, CALSYNC_ERR_SEAL_AUTH);
    assert_int_equal(open_into(out, sizeof out, &on, k, CTX, CTX_LEN - 1, s, n, NULL),
                     CALSYNC_ERR_SEAL_AUTH);
    assert_int_equal(open_into(out, sizeof out, &on, k, NULL, 0, s, n, NULL),
                     CALSYNC_ERR_SEAL_AUTH);
    free(s);
    /* The empty context is a context of its own. */
    s = seal_new(k, NULL, 0, PLAIN, sizeof PLAIN - 1, &n);
    assert_int_equal(open_into(out, sizeof out, &on, k, "", 0, s, n, NULL), CALSYNC_OK);
    assert_int_equal(open_into(out, sizeof out, &on, k, "x", 1, s, n, NULL), CALSYNC_ERR_SEAL_AUTH);
    free(s);
}

static void garbage_is_seal_format(void **state)
{
    (void)state;
    unsigned char k[32], out[256];
    key_a(k);
    /* FOREIGN_SEALED's payload is 62 characters; variations of it below. */
    static const char *const forms[] = {
        "",
        "c",
        "cs1",
        "cs1.",
        "hello world",
        "{\"token\":\"x\"}",
        "cs2.167ff5d3.AQIDBAUGBwgJCgsMHAcZ4NXMQmYFJPiQGXMfjlZfv-"
        "ZpAx5CPQmDZZ1G3Fv0hhL7IqFE1MpArxETAQ",
        "CS1.167ff5d3.AQIDBAUGBwgJCgsMHAcZ4NXMQmYFJPiQGXMfjlZfv-"
        "ZpAx5CPQmDZZ1G3Fv0hhL7IqFE1MpArxETAQ",
        "cs1.167FF5D3.AQIDBAUGBwgJCgsMHAcZ4NXMQmYFJPiQGXMfjlZfv-"
        "ZpAx5CPQmDZZ1G3Fv0hhL7IqFE1MpArxETAQ",
        "cs1.167ff5d.AQIDBAUGBwgJCgsMHAcZ4NXMQmYFJPiQGXMfjlZfv-"
        "ZpAx5CPQmDZZ1G3Fv0hhL7IqFE1MpArxETAQ",
        "cs1.167ff5d3:AQIDBAUGBwgJCgsMHAcZ4NXMQmYFJPiQGXMfjlZfv-"
        "ZpAx5CPQmDZZ1G3Fv0hhL7IqFE1MpArxETAQ",
        "cs1.167ff5d3",
        "cs1.167ff5d3.",
        /* padding, standard-alphabet characters, white space */
        "cs1.167ff5d3.AQIDBAUGBwgJCgsMHAcZ4NXMQmYFJPiQGXMfjlZfv-"
        "ZpAx5CPQmDZZ1G3Fv0hhL7IqFE1MpArxETAQ==",
        "cs1.167ff5d3.AQIDBAUGBwgJCgsMHAcZ4NXMQmYFJPiQGXMfjlZfv+"
        "ZpAx5CPQmDZZ1G3Fv0hhL7IqFE1MpArxETAQ",
        "cs1.167ff5d3.AQIDBAUGBwgJCgsMHAcZ4NXMQmYFJPiQGXMfjlZfv-ZpAx5CPQmDZZ1G3Fv0hhL7IqFE1MpArx/"
        "TAQ",
        "cs1.167ff5d3.AQIDBAUGBwgJCgsMHAcZ4NXMQmYFJPiQGXMfjlZfv-"
        "ZpAx5CPQmDZZ1G3Fv0hhL7IqFE1MpArxETAQ\n",
        " cs1.167ff5d3.AQIDBAUGBwgJCgsMHAcZ4NXMQmYFJPiQGXMfjlZfv-"
        "ZpAx5CPQmDZZ1G3Fv0hhL7IqFE1MpArxETAQ",
        /* an impossible length (4n + 1) */
        "cs1.167ff5d3.AQIDBAUGBwgJCgsMHAcZ4NXMQmYFJPiQGXMfjlZfv-"
        "ZpAx5CPQmDZZ1G3Fv0hhL7IqFE1MpArxETAQAAA",
        /* non-zero unused bits in the last character ("Q" -> "R") */
        "cs1.167ff5d3.AQIDBAUGBwgJCgsMHAcZ4NXMQmYFJPiQGXMfjlZfv-"
        "ZpAx5CPQmDZZ1G3Fv0hhL7IqFE1MpArxETAR",
        /* 27 bytes: shorter than nonce and tag */
        "cs1.167ff5d3.AQIDBAUGBwgJCgsMHAcZ4NXMQmYFJPiQGXMf",
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        size_t on = 5;
        calsync_error err;
        int rc = open_into(out, sizeof out, &on, k, CTX, CTX_LEN, forms[i], strlen(forms[i]), &err);
        if (rc != CALSYNC_ERR_SEAL_FORMAT)
            fail_msg("form #%zu: rc %d (%s)", i, rc, err.message);
        assert_true(err.message[0] != '\0');
        assert_int_equal(on, 0);
    }
    /* An embedded NUL is a byte like any other: not base64url. */
    static const char with_nul[] = "cs1.167ff5d3.AQIDBAUGBwgJCgsMHAcZ4NXMQmYFJPiQGXMfjlZfv-"
                                   "ZpAx5CPQmDZZ1G3Fv0hhL7IqFE1MpArx\0TAQ";
    size_t on;
    assert_int_equal(
        open_into(out, sizeof out, &on, k, CTX, CTX_LEN, with_nul, sizeof with_nul - 1, NULL),
        CALSYNC_ERR_SEAL_FORMAT);
}

static void open_needs_room_for_the_plaintext(void **state)
{
    (void)state;
    unsigned char k[32], out[64];
    key_a(k);
    size_t on;
    calsync_error err;
    size_t len = sizeof FOREIGN_PLAIN - 1;
    assert_int_equal(open_into(out, len - 1, &on, k, CTX, CTX_LEN, FOREIGN_SEALED,
                               sizeof FOREIGN_SEALED - 1, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_non_null(strstr(err.message, "too small"));
    assert_int_equal(
        open_into(out, len, &on, k, CTX, CTX_LEN, FOREIGN_SEALED, sizeof FOREIGN_SEALED - 1, NULL),
        CALSYNC_OK);
}

static void invalid_arguments_are_refused(void **state)
{
    (void)state;
    unsigned char k[32], out[64];
    char buf[128];
    size_t n;
    key_a(k);
    assert_int_equal(
        calsync_seal(buf, sizeof buf, NULL, k, CTX, CTX_LEN, (const unsigned char *)"x", 1, NULL),
        CALSYNC_ERR_ARGUMENT);
    assert_int_equal(
        calsync_seal(buf, sizeof buf, &n, NULL, CTX, CTX_LEN, (const unsigned char *)"x", 1, NULL),
        CALSYNC_ERR_ARGUMENT);
    assert_int_equal(
        calsync_seal(buf, sizeof buf, &n, k, NULL, 3, (const unsigned char *)"x", 1, NULL),
        CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_seal(buf, sizeof buf, &n, k, CTX, CTX_LEN, NULL, 1, NULL),
                     CALSYNC_ERR_ARGUMENT);
    assert_int_equal(
        calsync_open(out, sizeof out, &n, NULL, CTX, CTX_LEN, FOREIGN_SEALED, 10, NULL),
        CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_open(out, sizeof out, NULL, k, CTX, CTX_LEN, FOREIGN_SEALED, 10, NULL),
                     CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_open(out, sizeof out, &n, k, CTX, CTX_LEN, NULL, 10, NULL),
                     CALSYNC_ERR_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(derive_key_matches_openssl_kdf),
        cmocka_unit_test(derive_key_is_deterministic_and_secret_dependent),
        cmocka_unit_test(derive_key_refuses_secret_under_16_bytes),
        cmocka_unit_test(opens_value_sealed_by_an_independent_implementation),
        cmocka_unit_test(sealed_text_has_the_documented_form),
        cmocka_unit_test(round_trip_of_every_length_up_to_100),
        cmocka_unit_test(round_trip_of_empty_value_with_null_buffer),
        cmocka_unit_test(round_trip_of_all_byte_values_and_of_the_maximum_size),
        cmocka_unit_test(value_over_the_limit_is_too_large),
        cmocka_unit_test(seal_size_is_exact_and_saturates),
        cmocka_unit_test(two_seals_of_one_value_differ),
        cmocka_unit_test(every_single_bit_flip_fails_to_open_and_leaks_nothing),
        cmocka_unit_test(every_truncation_fails_to_open),
        cmocka_unit_test(wrong_key_is_seal_key_not_auth),
        cmocka_unit_test(wrong_context_is_seal_auth),
        cmocka_unit_test(garbage_is_seal_format),
        cmocka_unit_test(open_needs_room_for_the_plaintext),
        cmocka_unit_test(invalid_arguments_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
