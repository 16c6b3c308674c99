/* SPDX-License-Identifier: MIT */
/* Benchmark of the core's hot path against the raw primitives on the same bytes. */
#include "calsync.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCHES 15

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median over BATCHES of the mean time of one call in a batch of n. */
#define MEASURE(result, n, body)                                                                   \
    do {                                                                                           \
        double samples_[BATCHES];                                                                  \
        for (int b_ = 0; b_ < BATCHES; b_++) {                                                     \
            double t0_ = now_us();                                                                 \
            for (long i_ = 0; i_ < (n); i_++) {                                                    \
                body;                                                                              \
            }                                                                                      \
            samples_[b_] = (now_us() - t0_) / (double)(n);                                         \
        }                                                                                          \
        qsort(samples_, BATCHES, sizeof samples_[0], cmp_double);                                  \
        (result) = samples_[BATCHES / 2];                                                          \
    } while (0)

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
            *len = fread(buf, 1, (size_t)n, f);
            buf[*len] = '\0';
        }
    }
    fclose(f);
    return buf;
}

static volatile int sink;

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : CALSYNC_FIXTURES "/invitee_canceled.json";
    long n = argc > 2 ? atol(argv[2]) : 2000;
    size_t body_len = 0;
    char *body = slurp(path, &body_len);
    if (body == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }

    static const unsigned char key_bytes[] = "bench-signing-key-0123456789abcdef";
    calsync_key key = {key_bytes, sizeof key_bytes - 1};
    const int64_t t = 1767225600;
    char header[CALSYNC_SIG_HEADER_BUF];
    calsync_error err;
    if (calsync_sig_sign(header, sizeof header, (const unsigned char *)body, body_len, &key, t,
                         &err) < 0) {
        fprintf(stderr, "sign: %s\n", err.message);
        return 1;
    }
    size_t header_len = strlen(header);

    /* The raw primitive for verify: one-shot HMAC over the signed bytes. */
    size_t signed_len = 11 + body_len;
    unsigned char *signed_bytes = malloc(signed_len);
    if (signed_bytes == NULL)
        return 1;
    memcpy(signed_bytes, "1767225600.", 11);
    memcpy(signed_bytes + 11, body, body_len);

    double hmac_us, verify_us, loadb_us, parse_us, apply_us, pipeline_us;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len;

    MEASURE(hmac_us, n, {
        HMAC(EVP_sha256(), key.ptr, (int)key.len, signed_bytes, signed_len, mac, &mac_len);
        sink += mac[0];
    });

    calsync_sig_result sr;
    MEASURE(verify_us, n, {
        int rc = calsync_sig_verify(&sr, header, header_len, (const unsigned char *)body, body_len,
                                    &key, 1, t, 180, 180, &err);
        if (rc != CALSYNC_OK)
            abort();
    });

    MEASURE(loadb_us, n, {
        json_error_t jerr;
        json_t *root = json_loadb(body, body_len, 0, &jerr);
        if (root == NULL)
            abort();
        json_decref(root);
    });

    MEASURE(parse_us, n, {
        calsync_event *ev = NULL;
        if (calsync_event_parse(&ev, body, body_len, &err) != CALSYNC_OK)
            abort();
        calsync_event_free(ev);
    });

    /* merge+derive: the event applied to the facts the row already holds
     * (as after its invitee.created), which is the common webhook case. */
    calsync_event *ev = NULL;
    if (calsync_event_parse(&ev, body, body_len, &err) != CALSYNC_OK) {
        fprintf(stderr, "parse: %s\n", err.message);
        return 1;
    }
    const calsync_event_view *view = calsync_event_get(ev);
    calsync_facts stored, out;
    calsync_outcome oc;
    calsync_facts_init(&stored);
    stored.invitee_uri = view->uri;
    stored.booked = 1;
    long apply_n = n * 50;
    MEASURE(apply_us, apply_n, {
        if (calsync_state_apply_event(&out, &oc, &stored, view, 0, &err) != CALSYNC_OK)
            abort();
        sink += (int)calsync_state_derive(&out, NULL);
    });

    MEASURE(pipeline_us, n, {
        calsync_event *e2 = NULL;
        if (calsync_sig_verify(&sr, header, header_len, (const unsigned char *)body, body_len, &key,
                               1, t, 180, 180, &err) != CALSYNC_OK ||
            calsync_event_parse(&e2, body, body_len, &err) != CALSYNC_OK ||
            calsync_state_apply_event(&out, &oc, &stored, calsync_event_get(e2), 0, &err) !=
                CALSYNC_OK)
            abort();
        calsync_event_free(e2);
    });

    printf("bench/core: %zu-byte body (%s), median of %d batches\n", body_len, path, BATCHES);
    printf("  %-34s %8.2f us\n", "raw HMAC-SHA256 one-shot", hmac_us);
    printf("  %-34s %8.2f us   %.2fx of raw HMAC\n", "calsync_sig_verify", verify_us,
           verify_us / hmac_us);
    printf("  %-34s %8.2f us\n", "raw json_loadb", loadb_us);
    printf("  %-34s %8.2f us   %.2fx of json_loadb\n", "calsync_event_parse", parse_us,
           parse_us / loadb_us);
    printf("  %-34s %8.3f us\n", "merge+derive (apply_event+derive)", apply_us);
    printf("  %-34s %8.2f us   %.2fx of HMAC+json_loadb\n", "verify+parse+merge", pipeline_us,
           pipeline_us / (hmac_us + loadb_us));

    calsync_event_free(ev);
    free(signed_bytes);
    free(body);
    return 0;
}
