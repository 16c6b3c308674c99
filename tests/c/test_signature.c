/* SPDX-License-Identifier: MIT */
/* Tests of Calendly-Webhook-Signature verification and signing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka.h needs the four headers above first. */
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calsync.h"

/*
 * Known answers computed independently with the OpenSSL command line, e.g.
 *   printf '%s' "1700000000.$BODY" | openssl dgst -sha256 -hmac 'whsec_first_key_0123456789'
 */
#define BODY                                                                                       \
    "{\"created_at\":\"2023-11-14T22:13:20.000000Z\",\"event\":\"invitee.created\",\"payload\":{"  \
    "\"email\":\"ada@example.com\",\"name\":\"Ada Lovelace\"}}"
#define UBODY ((const unsigned char *)BODY)
#define KEY1 "whsec_first_key_0123456789"
#define KEY2 "rotated-second-key"
#define T0 1700000000
#define MAC_KEY1 "3112627e7c0562dd267ceb17bc1c98bd111a3fb2af68a42d2b86445d24632b89"
#define MAC_KEY1_UPPER "3112627E7C0562DD267CEB17BC1C98BD111A3FB2AF68A42D2B86445D24632B89"
#define MAC_KEY2 "186bf69d1e8dba87926552bcac03db01a81da6fca982915c42265dcc4f8abe66"
/* printf '%s' "1700000000." | openssl dgst -sha256 -hmac KEY1 */
#define MAC_EMPTY_BODY "e64a9e0f171d37d7a70d0f49c202a520bbba16a63724c6392d9e950b9f213d5b"
/* printf '%s' "0001700000000.$BODY" | openssl dgst -sha256 -hmac KEY1 */
#define MAC_LEADING_ZEROS "536dd4b83dc0a365ae759c605f2703c8aa7b0d30b9677facee9d92afe4534fef"
/* printf '1700000000.\x00\x01\x02\xff\x00{\n\x80' | openssl dgst -sha256 -hmac KEY1 */
#define MAC_BINARY "5375e66f8a62efb96dc67eec1bfdab30fa7fc6c326c7c1b3a1f30fafdc15c15e"
/* (printf '1700000000.'; head -c 1048576 /dev/zero | tr '\0' 'a') | openssl dgst -sha256 -hmac KEY1
 */
#define MAC_MIB_OF_A "26da325b5a0fa74d1ded16aedd7c2445704024b1322ee49b83335667a6be4cb1"
#define WRONG_MAC "0000000000000000000000000000000000000000000000000000000000000000"

static const calsync_key key1 = {(const unsigned char *)KEY1, sizeof KEY1 - 1};
static const calsync_key key2 = {(const unsigned char *)KEY2, sizeof KEY2 - 1};

static int verify_at(calsync_sig_result *res, const char *header, size_t header_len,
                     const void *body, size_t body_len, const calsync_key *keys, size_t nkeys,
                     int64_t now, calsync_error *err)
{
    return calsync_sig_verify(res, header, header_len, (const unsigned char *)body, body_len, keys,
                              nkeys, now, CALSYNC_SIG_TOLERANCE_DEFAULT,
                              CALSYNC_SIG_TOLERANCE_DEFAULT, err);
}

static int verify_body(const char *header, const calsync_key *keys, size_t nkeys, int64_t now,
                       calsync_sig_result *res, calsync_error *err)
{
    return verify_at(res, header, strlen(header), BODY, sizeof BODY - 1, keys, nkeys, now, err);
}

static void openssl_vector_verifies(void **state)
{
    (void)state;
    calsync_sig_result res;
    calsync_error err;
    assert_int_equal(verify_body("t=1700000000,v1=" MAC_KEY1, &key1, 1, T0, &res, &err),
                     CALSYNC_OK);
    assert_int_equal(res.timestamp, T0);
    assert_int_equal(res.key_index, 0);
    assert_int_equal(err.code, CALSYNC_OK);
}

static void uppercase_hex_is_accepted(void **state)
{
    (void)state;
    calsync_sig_result res;
    assert_int_equal(verify_body("t=1700000000,v1=" MAC_KEY1_UPPER, &key1, 1, T0, &res, NULL),
                     CALSYNC_OK);
}

static void whitespace_around_items_and_equals_is_tolerated(void **state)
{
    (void)state;
    calsync_sig_result res;
    assert_int_equal(
        verify_body("  t = 1700000000 ,\tv1\t=\t" MAC_KEY1 " \t", &key1, 1, T0, &res, NULL),
        CALSYNC_OK);
    assert_int_equal(verify_body("v1=" MAC_KEY1 ",t=1700000000", &key1, 1, T0, &res, NULL),
                     CALSYNC_OK);
}

static void empty_body_vector_verifies(void **state)
{
    (void)state;
    calsync_sig_result res;
    const char *h = "t=1700000000,v1=" MAC_EMPTY_BODY;
    assert_int_equal(verify_at(&res, h, strlen(h), NULL, 0, &key1, 1, T0, NULL), CALSYNC_OK);
}

static void t_is_signed_as_sent_with_leading_zeros(void **state)
{
    (void)state;
    calsync_sig_result res;
    assert_int_equal(verify_body("t=0001700000000,v1=" MAC_LEADING_ZEROS, &key1, 1, T0, &res, NULL),
                     CALSYNC_OK);
    assert_int_equal(res.timestamp, T0);
    /* The canonical digits were not what was signed. */
    assert_int_equal(verify_body("t=0001700000000,v1=" MAC_KEY1, &key1, 1, T0, &res, NULL),
                     CALSYNC_ERR_SIG_MISMATCH);
}

static void sign_reproduces_openssl_vector(void **state)
{
    (void)state;
    char buf[CALSYNC_SIG_HEADER_BUF];
    int n = calsync_sig_sign(buf, sizeof buf, UBODY, sizeof BODY - 1, &key1, T0, NULL);
    assert_int_equal(n, (int)strlen("t=1700000000,v1=" MAC_KEY1));
    assert_string_equal(buf, "t=1700000000,v1=" MAC_KEY1);
}

static void second_key_of_ring_matches_during_rotation(void **state)
{
    (void)state;
    calsync_key ring[2] = {key1, key2};
    calsync_sig_result res;
    assert_int_equal(verify_body("t=1700000000,v1=" MAC_KEY2, ring, 2, T0, &res, NULL), CALSYNC_OK);
    assert_int_equal(res.key_index, 1);
    assert_int_equal(verify_body("t=1700000000,v1=" MAC_KEY1, ring, 2, T0, &res, NULL), CALSYNC_OK);
    assert_int_equal(res.key_index, 0);
    /* Only the first key in the ring: the second key's signature is not accepted. */
    assert_int_equal(verify_body("t=1700000000,v1=" MAC_KEY2, ring, 1, T0, &res, NULL),
                     CALSYNC_ERR_SIG_MISMATCH);
}

static void one_right_v1_among_wrong_ones_matches(void **state)
{
    (void)state;
    calsync_sig_result res;
    const char *h = "t=1700000000,v1=" WRONG_MAC ",v1=" MAC_KEY2 ",v1=" MAC_KEY1 ",v1=" WRONG_MAC;
    assert_int_equal(verify_body(h, &key1, 1, T0, &res, NULL), CALSYNC_OK);
    assert_int_equal(res.key_index, 0);
    const char *none = "t=1700000000,v1=" WRONG_MAC ",v1=" MAC_KEY2;
    assert_int_equal(verify_body(none, &key1, 1, T0, &res, NULL), CALSYNC_ERR_SIG_MISMATCH);
}

static void changed_body_byte_is_a_mismatch(void **state)
{
    (void)state;
    char body[] = BODY;
    body[20] ^= 1;
    calsync_sig_result res;
    calsync_error err;
    const char *h = "t=1700000000,v1=" MAC_KEY1;
    assert_int_equal(verify_at(&res, h, strlen(h), body, sizeof body - 1, &key1, 1, T0, &err),
                     CALSYNC_ERR_SIG_MISMATCH);
    assert_int_equal(err.code, CALSYNC_ERR_SIG_MISMATCH);
    assert_non_null(strstr(err.message, "matches"));
    assert_int_equal(res.timestamp, T0); /* the header parsed */
}

static int sign_at(char *buf, int64_t t)
{
    return calsync_sig_sign(buf, CALSYNC_SIG_HEADER_BUF, UBODY, sizeof BODY - 1, &key1, t, NULL);
}

static void tolerance_edges_are_inclusive_to_the_second(void **state)
{
    (void)state;
    char h[CALSYNC_SIG_HEADER_BUF];
    calsync_sig_result res;
    const int64_t now = T0 + 1000;
    assert_true(sign_at(h, now - 180) > 0);
    assert_int_equal(verify_body(h, &key1, 1, now, &res, NULL), CALSYNC_OK);
    assert_true(sign_at(h, now - 181) > 0);
    assert_int_equal(verify_body(h, &key1, 1, now, &res, NULL), CALSYNC_ERR_SIG_TOO_OLD);
    assert_int_equal(res.key_index, 0);
    assert_int_equal(res.timestamp, now - 181);
    assert_true(sign_at(h, now + 180) > 0);
    assert_int_equal(verify_body(h, &key1, 1, now, &res, NULL), CALSYNC_OK);
    assert_true(sign_at(h, now + 181) > 0);
    assert_int_equal(verify_body(h, &key1, 1, now, &res, NULL), CALSYNC_ERR_SIG_TOO_NEW);
    assert_int_equal(res.timestamp, now + 181);
}

static void separate_past_and_future_tolerances_apply(void **state)
{
    (void)state;
    char h[CALSYNC_SIG_HEADER_BUF];
    calsync_sig_result res;
    assert_true(sign_at(h, T0 - 10) > 0);
    assert_int_equal(
        calsync_sig_verify(&res, h, strlen(h), UBODY, sizeof BODY - 1, &key1, 1, T0, 10, 0, NULL),
        CALSYNC_OK);
    assert_int_equal(
        calsync_sig_verify(&res, h, strlen(h), UBODY, sizeof BODY - 1, &key1, 1, T0, 9, 0, NULL),
        CALSYNC_ERR_SIG_TOO_OLD);
    assert_true(sign_at(h, T0 + 1) > 0);
    assert_int_equal(
        calsync_sig_verify(&res, h, strlen(h), UBODY, sizeof BODY - 1, &key1, 1, T0, 1000, 0, NULL),
        CALSYNC_ERR_SIG_TOO_NEW);
}

static void forged_signature_with_old_t_is_mismatch_not_too_old(void **state)
{
    (void)state;
    calsync_sig_result res;
    assert_int_equal(verify_body("t=1000,v1=" MAC_KEY1, &key1, 1, T0, &res, NULL),
                     CALSYNC_ERR_SIG_MISMATCH);
    assert_int_equal(verify_body("t=9000000000,v1=" MAC_KEY1, &key1, 1, T0, &res, NULL),
                     CALSYNC_ERR_SIG_MISMATCH);
}

static void window_arithmetic_does_not_overflow(void **state)
{
    (void)state;
    char h[CALSYNC_SIG_HEADER_BUF];
    calsync_sig_result res;
    assert_true(sign_at(h, T0) > 0);
    /* now - max_age below INT64_MIN: nothing is too old, T0 is far ahead. */
    assert_int_equal(calsync_sig_verify(&res, h, strlen(h), UBODY, sizeof BODY - 1, &key1, 1,
                                        INT64_MIN + 5, 100, 100, NULL),
                     CALSYNC_ERR_SIG_TOO_NEW);
    /* now + max_future above INT64_MAX: nothing is too new. */
    assert_int_equal(calsync_sig_verify(&res, h, strlen(h), UBODY, sizeof BODY - 1, &key1, 1,
                                        INT64_MAX - 5, INT64_MAX, INT64_MAX, NULL),
                     CALSYNC_OK);
    assert_int_equal(calsync_sig_verify(&res, h, strlen(h), UBODY, sizeof BODY - 1, &key1, 1,
                                        INT64_MAX, 180, 180, NULL),
                     CALSYNC_ERR_SIG_TOO_OLD);
}

static void largest_t_round_trips(void **state)
{
    (void)state;
    char h[CALSYNC_SIG_HEADER_BUF];
    calsync_sig_result res;
    assert_true(sign_at(h, INT64_MAX) > 0);
    assert_non_null(strstr(h, "t=9223372036854775807,"));
    assert_int_equal(verify_body(h, &key1, 1, INT64_MAX, &res, NULL), CALSYNC_OK);
    assert_true(res.timestamp == INT64_MAX);
}

typedef struct bad_header {
    const char *h;
    size_t len;
    const char *says; /* a piece of the message the admin sees */
} bad_header;

#define H(lit, says)                                                                               \
    {                                                                                              \
        lit, sizeof(lit) - 1, says                                                                 \
    }
#define GOOD_T "t=1700000000"
#define GOOD_V1 "v1=" MAC_KEY1

static const bad_header bad_headers[] = {
    H("", "missing"),
    H(GOOD_T, "no v1"),
    H(GOOD_V1, "no t"),
    H(GOOD_T "," GOOD_V1 ",", "item 3 is empty"),
    H("," GOOD_T "," GOOD_V1, "item 1 is empty"),
    H(GOOD_T ",," GOOD_V1, "item 2 is empty"),
    H(GOOD_T ", ," GOOD_V1, "item 2 is empty"),
    H(GOOD_T "," GOOD_V1 "," GOOD_T, "second t"),
    H(GOOD_T "," GOOD_V1 ",t=1700000001", "second t"),
    H("t=-1700000000," GOOD_V1, "non-digit"),
    H("t=+1700000000," GOOD_V1, "non-digit"),
    H("t=," GOOD_V1, "empty value"),
    H("t=17000a0000," GOOD_V1, "non-digit"),
    H("t=1.5," GOOD_V1, "non-digit"),
    H("t=0x10," GOOD_V1, "non-digit"),
    H("t=17000 00000," GOOD_V1, "non-digit"),
    H("t=12345678901234567890," GOOD_V1, "at most 19 digits"),
    H("t=9223372036854775808," GOOD_V1, "64-bit range"),
    H("t=9999999999999999999," GOOD_V1, "64-bit range"),
    H(GOOD_T ",v1="
             "3112627e7c0562dd267ceb17bc1c98bd111a3fb2af68a42d2b86445d24632b8",
      "64 hex digits"),
    H(GOOD_T ",v1=" MAC_KEY1 "0", "64 hex digits"),
    H(GOOD_T ",v1="
             "g112627e7c0562dd267ceb17bc1c98bd111a3fb2af68a42d2b86445d24632b89",
      "not a hex digit"),
    H(GOOD_T ",v1="
             "3112627e7c0562dd267ceb17bc1c98bd111a3fb2af68a42d2b86445d24632b8 ",
      "64 hex digits"),
    H(GOOD_T ",v1=", "empty value"),
    H(GOOD_T ",v0=" MAC_KEY1, "unknown scheme \"v0\""),
    H("T=1700000000," GOOD_V1, "unknown scheme \"T\""),
    H(GOOD_T "," GOOD_V1 ",v2=" MAC_KEY1, "unknown scheme \"v2\""),
    H(GOOD_T ",V1=" MAC_KEY1, "unknown scheme \"V1\""),
    H(GOOD_T ",v 1=" MAC_KEY1, "unknown scheme"),
    H("t 1700000000," GOOD_V1, "name=value"),
    H(GOOD_T "," GOOD_V1 ",v1", "name=value"),
    H("=1700000000," GOOD_V1, "empty name"),
    H("t==1700000000," GOOD_V1, "non-digit"),
    H(GOOD_T ";" GOOD_V1, "at most 19 digits"),
    H(GOOD_T "\0," GOOD_V1, "control byte 0x00"),
    H(GOOD_T ",\n" GOOD_V1, "control byte 0x0a"),
    H(GOOD_T ",\r" GOOD_V1, "control byte 0x0d"),
    H(GOOD_T "\x7f," GOOD_V1, "control byte 0x7f"),
    H(GOOD_T ",\xc3\xa9=" MAC_KEY1, "unknown scheme \"??\""),
    H(" , ", "item 1 is empty"),
    H(",", "item 1 is empty"),
};

static void malformed_headers_are_refused_with_a_reason(void **state)
{
    (void)state;
    size_t n = sizeof bad_headers / sizeof bad_headers[0];
    assert_true(n >= 25);
    for (size_t i = 0; i < n; i++) {
        calsync_sig_result res;
        calsync_error err;
        int rc = verify_at(&res, bad_headers[i].h, bad_headers[i].len, UBODY, sizeof BODY - 1,
                           &key1, 1, T0, &err);
        if (rc != CALSYNC_ERR_SIG_MALFORMED || strstr(err.message, bad_headers[i].says) == NULL)
            fail_msg("bad header #%zu: rc %d, message \"%s\", expected \"%s\"", i, rc, err.message,
                     bad_headers[i].says);
        assert_int_equal(err.code, CALSYNC_ERR_SIG_MALFORMED);
    }
}

static void null_header_is_malformed_as_missing(void **state)
{
    (void)state;
    calsync_sig_result res;
    calsync_error err;
    assert_int_equal(verify_at(&res, NULL, 0, UBODY, sizeof BODY - 1, &key1, 1, T0, &err),
                     CALSYNC_ERR_SIG_MALFORMED);
    assert_non_null(strstr(err.message, "missing"));
}

/* t + n v1 values, padded with spaces (allowed around items) to total bytes. */
static char *header_with(size_t nv1, size_t total)
{
    char *h = malloc(total + 1);
    assert_non_null(h);
    size_t o = (size_t)sprintf(h, "t=1700000000");
    for (size_t i = 0; i < nv1; i++)
        o += (size_t)sprintf(h + o, ",v1=%s", i == nv1 - 1 ? MAC_KEY1 : WRONG_MAC);
    assert_true(o <= total);
    memset(h + o, ' ', total - o);
    h[total] = '\0';
    return h;
}

static void sixteen_v1_accepted_seventeen_malformed(void **state)
{
    (void)state;
    calsync_sig_result res;
    calsync_error err;
    char *h = header_with(CALSYNC_SIG_V1_MAX, 16 * 68 + 12);
    assert_int_equal(verify_body(h, &key1, 1, T0, &res, NULL), CALSYNC_OK);
    free(h);
    h = header_with(CALSYNC_SIG_V1_MAX + 1, 17 * 68 + 12);
    assert_int_equal(verify_body(h, &key1, 1, T0, &res, &err), CALSYNC_ERR_SIG_MALFORMED);
    assert_non_null(strstr(err.message, "more than 16 v1"));
    free(h);
}

static void header_of_exactly_the_limit_accepted_one_more_malformed(void **state)
{
    (void)state;
    calsync_sig_result res;
    calsync_error err;
    char *h = header_with(1, CALSYNC_SIG_HEADER_MAX);
    assert_int_equal(verify_body(h, &key1, 1, T0, &res, NULL), CALSYNC_OK);
    free(h);
    h = header_with(1, CALSYNC_SIG_HEADER_MAX + 1);
    assert_int_equal(verify_body(h, &key1, 1, T0, &res, &err), CALSYNC_ERR_SIG_MALFORMED);
    assert_non_null(strstr(err.message, "4097 bytes"));
    free(h);
}

static void body_with_nul_and_binary_bytes_verifies(void **state)
{
    (void)state;
    static const unsigned char body[] = {0x00, 0x01, 0x02, 0xff, 0x00, '{', '\n', 0x80};
    calsync_sig_result res;
    const char *h = "t=1700000000,v1=" MAC_BINARY;
    assert_int_equal(verify_at(&res, h, strlen(h), body, sizeof body, &key1, 1, T0, NULL),
                     CALSYNC_OK);
    /* The length is authoritative: dropping the trailing byte breaks it. */
    assert_int_equal(verify_at(&res, h, strlen(h), body, sizeof body - 1, &key1, 1, T0, NULL),
                     CALSYNC_ERR_SIG_MISMATCH);
}

static void one_mebibyte_body_verifies(void **state)
{
    (void)state;
    size_t n = 1024u * 1024u;
    unsigned char *body = malloc(n);
    assert_non_null(body);
    memset(body, 'a', n);
    calsync_sig_result res;
    const char *h = "t=1700000000,v1=" MAC_MIB_OF_A;
    assert_int_equal(verify_at(&res, h, strlen(h), body, n, &key1, 1, T0, NULL), CALSYNC_OK);
    body[n - 1] = 'b';
    assert_int_equal(verify_at(&res, h, strlen(h), body, n, &key1, 1, T0, NULL),
                     CALSYNC_ERR_SIG_MISMATCH);
    free(body);
}

static void invalid_arguments_are_refused(void **state)
{
    (void)state;
    calsync_sig_result res;
    calsync_error err;
    const char *h = "t=1700000000,v1=" MAC_KEY1;
    size_t hl = strlen(h);
    calsync_key null_key = {NULL, 5};
    calsync_key empty_key = {(const unsigned char *)"", 0};
    calsync_key ring_with_null[2] = {key1, null_key};

    assert_int_equal(
        calsync_sig_verify(&res, h, hl, UBODY, sizeof BODY - 1, &key1, 0, T0, 180, 180, &err),
        CALSYNC_ERR_ARGUMENT);
    assert_non_null(strstr(err.message, "no signing key"));
    assert_int_equal(
        calsync_sig_verify(&res, h, hl, UBODY, sizeof BODY - 1, NULL, 1, T0, 180, 180, NULL),
        CALSYNC_ERR_ARGUMENT);
    assert_int_equal(
        calsync_sig_verify(&res, h, hl, UBODY, sizeof BODY - 1, &null_key, 1, T0, 180, 180, NULL),
        CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_sig_verify(&res, h, hl, UBODY, sizeof BODY - 1, ring_with_null, 2, T0,
                                        180, 180, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_non_null(strstr(err.message, "key 1 is NULL"));
    assert_int_equal(
        calsync_sig_verify(&res, h, hl, UBODY, sizeof BODY - 1, &empty_key, 1, T0, 180, 180, NULL),
        CALSYNC_ERR_ARGUMENT);
    assert_int_equal(
        calsync_sig_verify(&res, h, hl, UBODY, sizeof BODY - 1, &key1, 1, T0, -1, 180, NULL),
        CALSYNC_ERR_ARGUMENT);
    assert_int_equal(
        calsync_sig_verify(&res, h, hl, UBODY, sizeof BODY - 1, &key1, 1, T0, 180, -1, NULL),
        CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_sig_verify(&res, h, hl, NULL, 5, &key1, 1, T0, 180, 180, NULL),
                     CALSYNC_ERR_ARGUMENT);
    assert_int_equal(
        calsync_sig_verify(NULL, h, hl, UBODY, sizeof BODY - 1, &key1, 1, T0, 180, 180, NULL),
        CALSYNC_ERR_ARGUMENT);
    /* Programming errors come before any look at the header. */
    assert_int_equal(
        calsync_sig_verify(&res, "junk", 4, UBODY, sizeof BODY - 1, &key1, 0, T0, 180, 180, NULL),
        CALSYNC_ERR_ARGUMENT);
}

static void sign_then_verify_round_trips_for_many_bodies(void **state)
{
    (void)state;
    unsigned char body[300];
    for (size_t i = 0; i < sizeof body; i++)
        body[i] = (unsigned char)(i * 37u + 11u);
    calsync_key ring[2] = {key2, key1};
    for (size_t len = 0; len <= sizeof body; len += 23) {
        for (int64_t t = 0; t < 3000000000LL; t += 777777777) {
            char h[CALSYNC_SIG_HEADER_BUF];
            int n = calsync_sig_sign(h, sizeof h, body, len, &key1, t, NULL);
            assert_true(n > 0 && (size_t)n == strlen(h));
            calsync_sig_result res;
            assert_int_equal(
                calsync_sig_verify(&res, h, (size_t)n, body, len, ring, 2, t, 0, 0, NULL),
                CALSYNC_OK);
            assert_int_equal(res.key_index, 1);
            assert_true(res.timestamp == t);
        }
    }
}

static void sign_refuses_bad_arguments(void **state)
{
    (void)state;
    char buf[CALSYNC_SIG_HEADER_BUF];
    calsync_error err;
    assert_int_equal(calsync_sig_sign(buf, 20, (const unsigned char *)"x", 1, &key1, T0, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_non_null(strstr(err.message, "too small"));
    assert_int_equal(
        calsync_sig_sign(buf, sizeof buf, (const unsigned char *)"x", 1, &key1, -1, NULL),
        CALSYNC_ERR_ARGUMENT);
    assert_int_equal(
        calsync_sig_sign(buf, sizeof buf, (const unsigned char *)"x", 1, NULL, T0, NULL),
        CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_sig_sign(buf, sizeof buf, NULL, 1, &key1, T0, NULL),
                     CALSYNC_ERR_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(openssl_vector_verifies),
        cmocka_unit_test(uppercase_hex_is_accepted),
        cmocka_unit_test(whitespace_around_items_and_equals_is_tolerated),
        cmocka_unit_test(empty_body_vector_verifies),
        cmocka_unit_test(t_is_signed_as_sent_with_leading_zeros),
        cmocka_unit_test(sign_reproduces_openssl_vector),
        cmocka_unit_test(second_key_of_ring_matches_during_rotation),
        cmocka_unit_test(one_right_v1_among_wrong_ones_matches),
        cmocka_unit_test(changed_body_byte_is_a_mismatch),
        cmocka_unit_test(tolerance_edges_are_inclusive_to_the_second),
        cmocka_unit_test(separate_past_and_future_tolerances_apply),
        cmocka_unit_test(forged_signature_with_old_t_is_mismatch_not_too_old),
        cmocka_unit_test(window_arithmetic_does_not_overflow),
        cmocka_unit_test(largest_t_round_trips),
        cmocka_unit_test(malformed_headers_are_refused_with_a_reason),
        cmocka_unit_test(null_header_is_malformed_as_missing),
        cmocka_unit_test(sixteen_v1_accepted_seventeen_malformed),
        cmocka_unit_test(header_of_exactly_the_limit_accepted_one_more_malformed),
        cmocka_unit_test(body_with_nul_and_binary_bytes_verifies),
        cmocka_unit_test(one_mebibyte_body_verifies),
        cmocka_unit_test(invalid_arguments_are_refused),
        cmocka_unit_test(sign_then_verify_round_trips_for_many_bodies),
        cmocka_unit_test(sign_refuses_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
