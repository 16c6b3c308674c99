/* SPDX-License-Identifier: MIT */
/* Tests of the REST client against a scripted loopback server: headers, retries, back-off, errors,
 * pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka.h needs the four headers above first. */
#include <cmocka.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "calsync.h"
#include "support_fixtures.h"
#include "support_http.h"
#include <jansson.h>

#define TOKEN "pat_test-token.123"

static max_align_t sentinel;

typedef struct fixture {
    http_server *srv;
    calsync_client *c;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->srv = http_server_start();
    assert_non_null(f->srv);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    calsync_client_free(f->c);
    http_server_stop(f->srv);
    free(f);
    return 0;
}

static calsync_client *make_client(fixture *f, int max_retries, long max_wait_ms, long timeout_ms)
{
    calsync_client_free(f->c);
    f->c = NULL;
    calsync_client_options o;
    memset(&o, 0, sizeof o);
    o.base_url = http_server_url(f->srv);
    o.token = TOKEN;
    o.max_retries = max_retries;
    o.max_wait_ms = max_wait_ms;
    o.timeout_ms = timeout_ms;
    calsync_error err;
    assert_int_equal(calsync_client_new(&f->c, &o, &err), CALSYNC_OK);
    assert_non_null(f->c);
    return f->c;
}

static void push(fixture *f, int status, const char *headers, const char *body)
{
    http_answer a;
    memset(&a, 0, sizeof a);
    a.status = status;
    a.headers = headers;
    a.body = body;
    http_server_push(f->srv, a);
}

static calsync_client_stats stats_of(const calsync_client *c)
{
    calsync_client_stats st;
    calsync_client_get_stats(c, &st, NULL);
    return st;
}

/* A GET returning CALSYNC_OK or the code; the body is checked then freed. */
static int get(calsync_client *c, const char *path, const char *want_body, calsync_error *err)
{
    char *body = NULL;
    size_t len = 99;
    int status = -1;
    int rc = calsync_client_request(&body, &len, &status, c, "GET", path, NULL, 0, err);
    if (rc == CALSYNC_OK) {
        assert_non_null(body);
        assert_int_equal(status, 200);
        if (want_body != NULL) {
            assert_int_equal(len, strlen(want_body));
            assert_string_equal(body, want_body);
        }
    } else {
        assert_null(body);
        assert_int_equal(len, 0);
        assert_int_equal(status, 0);
        assert_int_equal(err->code, rc);
    }
    free(body);
    return rc;
}

static int utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : 3;
        if (*p >= 0x80 && (*p & 0xC0) == 0x80)
            return 0;
        p++;
        for (size_t i = 0; i < n; i++, p++)
            if ((*p & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

/* ------------------------------------------------------------------------ */

static void get_sends_bearer_accept_and_path(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 3, 0, 0);
    push(f, 200,
         "X-RateLimit-Limit: 500\r\nX-RateLimit-Remaining: 499\r\nX-RateLimit-Reset: 60\r\n",
         "{\"resource\":{\"uri\":\"https://api.calendly.com/users/U1\"}}");
    calsync_error err;
    assert_int_equal(get(c, "/users/me?x=1",
                         "{\"resource\":{\"uri\":\"https://api.calendly.com/users/U1\"}}", &err),
                     CALSYNC_OK);
    assert_int_equal(http_server_request_count(f->srv), 1);
    const http_request *r = http_server_request(f->srv, 0);
    char v[256];
    assert_string_equal(r->method, "GET");
    assert_string_equal(r->target, "/users/me?x=1");
    assert_true(http_request_header(r, "Authorization", v, sizeof v));
    assert_string_equal(v, "Bearer " TOKEN);
    assert_true(http_request_header(r, "Accept", v, sizeof v));
    assert_string_equal(v, "application/json");
    assert_true(http_request_header(r, "User-Agent", v, sizeof v));
    assert_string_equal(v, "calsync/" CALSYNC_VERSION);
    assert_int_equal(r->body_len, 0);

    calsync_client_stats st;
    calsync_rate_limit rl;
    int64_t before = http_now_ms();
    calsync_client_get_stats(c, &st, &rl);
    assert_int_equal(st.requests, 1);
    assert_int_equal(st.retries, 0);
    assert_int_equal(st.throttled, 0);
    assert_int_equal(rl.limit, 500);
    assert_int_equal(rl.remaining, 499);
    assert_true(rl.reset_at_ms > before + 55000 && rl.reset_at_ms <= before + 60000);
}

static void keep_alive_uses_one_connection(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 3, 0, 0);
    for (int i = 0; i < 4; i++)
        push(f, 200, NULL, "{}");
    calsync_error err;
    for (int i = 0; i < 4; i++)
        assert_int_equal(get(c, "/users/me", "{}", &err), CALSYNC_OK);
    assert_int_equal(http_server_request_count(f->srv), 4);
    assert_int_equal(http_server_connections(f->srv), 1);
    assert_int_equal(http_server_request(f->srv, 3)->connection, 1);
}

static void post_body_delete_and_204(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 3, 0, 0);
    const char *json = "{\"invitee\":\"https://api.calendly.com/invitees/I1\"}";
    push(f, 201, NULL, "{\"resource\":{\"uri\":\"https://api.calendly.com/invitee_no_shows/N1\"}}");
    push(f, 204, NULL, NULL);
    push(f, 200, NULL, "{\"after\":\"delete\"}");
    calsync_error err;
    char *body = NULL;
    size_t len = 0;
    int status = 0;
    assert_int_equal(calsync_client_request(&body, &len, &status, c, "POST", "/invitee_no_shows",
                                            json, strlen(json), &err),
                     CALSYNC_OK);
    assert_int_equal(status, 201);
    assert_non_null(strstr(body, "invitee_no_shows/N1"));
    free(body);
    body = NULL;
    assert_int_equal(calsync_client_request(&body, &len, &status, c, "DELETE",
                                            "/invitee_no_shows/N1", NULL, 0, &err),
                     CALSYNC_OK);
    assert_int_equal(status, 204);
    assert_non_null(body);
    assert_int_equal(len, 0);
    assert_string_equal(body, "");
    free(body);
    /* The handle goes back to GET after a POST and a DELETE. */
    assert_int_equal(get(c, "/users/me", "{\"after\":\"delete\"}", &err), CALSYNC_OK);

    const http_request *r = http_server_request(f->srv, 0);
    char v[128];
    assert_string_equal(r->method, "POST");
    assert_string_equal(r->target, "/invitee_no_shows");
    assert_int_equal(r->body_len, strlen(json));
    assert_string_equal(r->body, json);
    assert_true(http_request_header(r, "Content-Type", v, sizeof v));
    assert_string_equal(v, "application/json");
    assert_false(http_request_header(r, "Expect", v, sizeof v));
    r = http_server_request(f->srv, 1);
    assert_string_equal(r->method, "DELETE");
    assert_string_equal(r->target, "/invitee_no_shows/N1");
    assert_int_equal(r->body_len, 0);
    r = http_server_request(f->srv, 2);
    assert_string_equal(r->method, "GET");
    assert_int_equal(r->body_len, 0);
    assert_int_equal(http_server_connections(f->srv), 1);
}

static void error_answer_gives_status_title_message_details(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 3, 0, 0);
    push(f, 400, NULL,
         "{\"title\":\"Invalid Argument\",\"message\":\"The supplied parameters are invalid.\","
         "\"details\":[{\"parameter\":\"user\",\"message\":\"is required\"},"
         "{\"parameter\":\"count\",\"message\":\"must be between 1 and 100\"},"
         "{\"code\":7},\"junk\"]}");
    push(f, 401, NULL,
         "{\"title\":\"Unauthenticated\",\"message\":\"The access token is invalid\"}");
    push(f, 403, NULL, "{\"title\":\"Permission Denied\",\"details\":{\"not\":\"an array\"}}");
    calsync_error err;
    assert_int_equal(get(c, "/scheduled_events", NULL, &err), CALSYNC_ERR_HTTP);
    assert_int_equal(err.http_status, 400);
    assert_string_equal(err.title, "Invalid Argument");
    assert_string_equal(err.message, "Invalid Argument: The supplied parameters are invalid. "
                                     "(user: is required; count: must be between 1 and 100)");
    assert_int_equal(err.retry_after_ms, 0);
    assert_int_equal(http_server_request_count(f->srv), 1); /* 4xx is never retried */

    assert_int_equal(get(c, "/users/me", NULL, &err), CALSYNC_ERR_HTTP);
    assert_int_equal(err.http_status, 401);
    assert_string_equal(err.title, "Unauthenticated");
    assert_string_equal(err.message, "Unauthenticated: The access token is invalid");

    assert_int_equal(get(c, "/webhook_subscriptions", NULL, &err), CALSYNC_ERR_HTTP);
    assert_int_equal(err.http_status, 403);
    assert_string_equal(err.message, "Permission Denied");
    assert_int_equal(stats_of(c).retries, 0);
}

static void error_answer_not_json(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 3, 0, 0);
    push(f, 404, "Content-Type: text/html\r\n", "<html><body>Not here</body></html>");
    push(f, 409, NULL, "{\"unexpected\":true}");
    push(f, 302, "Location: https://evil.example/\r\n", "");
    calsync_error err;
    assert_int_equal(get(c, "/scheduled_events/E1", NULL, &err), CALSYNC_ERR_HTTP);
    assert_int_equal(err.http_status, 404);
    assert_string_equal(err.title, "");
    assert_string_equal(err.message, "HTTP 404");
    assert_int_equal(get(c, "/webhook_subscriptions", NULL, &err), CALSYNC_ERR_HTTP);
    assert_int_equal(err.http_status, 409);
    assert_string_equal(err.message, "HTTP 409");
    /* Redirects are not followed: the token stays on the base host. */
    assert_int_equal(get(c, "/users/me", NULL, &err), CALSYNC_ERR_HTTP);
    assert_int_equal(err.http_status, 302);
    assert_int_equal(http_server_request_count(f->srv), 3);
}

static void error_message_truncated_on_utf8_boundary(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 3, 0, 0);
    char body[4096];
    size_t n = (size_t)snprintf(body, sizeof body, "{\"title\":\"");
    for (int i = 0; i < 70; i++)
        n += (size_t)snprintf(body + n, sizeof body - n, "\xc3\xa9"); /* e acute, 2 bytes */
    n += (size_t)snprintf(body + n, sizeof body - n, "\",\"message\":\"line\\none");
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(body + n, sizeof body - n, "\xe2\x82\xac"); /* euro, 3 bytes */
    snprintf(body + n, sizeof body - n, "\"}");
    push(f, 422, NULL, body);
    calsync_error err;
    assert_int_equal(get(c, "/users/me", NULL, &err), CALSYNC_ERR_HTTP);
    assert_int_equal(err.http_status, 422);
    size_t tl = strlen(err.title), ml = strlen(err.message);
    assert_true(tl < sizeof err.title && tl >= sizeof err.title - 6);
    assert_true(ml < sizeof err.message && ml >= sizeof err.message - 6);
    assert_string_equal(err.title + tl - 3, "...");
    assert_string_equal(err.message + ml - 3, "...");
    assert_true(utf8_valid(err.title));
    assert_true(utf8_valid(err.message));
    assert_non_null(strstr(err.message, ": line one")); /* the newline became a space */
    assert_null(strchr(err.message, '\n'));
}

static void throttled_429_retry_after_then_success(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 3, 5000, 0);
    push(f, 429, "Retry-After: 1\r\n", "{\"title\":\"Too Many Requests\"}");
    push(f, 200, NULL, "{\"ok\":1}");
    calsync_error err;
    int64_t t0 = http_now_ms();
    assert_int_equal(get(c, "/event_types", "{\"ok\":1}", &err), CALSYNC_OK);
    int64_t took = http_now_ms() - t0;
    calsync_client_stats st = stats_of(c);
    assert_int_equal(st.requests, 2);
    assert_int_equal(st.retries, 1);
    assert_int_equal(st.throttled, 1);
    /* The wait runs from the answer's arrival, so the sleep itself may be
     * shorter on a loaded machine; the gap between the requests may not. */
    assert_true(st.slept_ms >= 500 && st.slept_ms <= 1500);
    assert_true(took >= 950);
    assert_int_equal(http_server_request_count(f->srv), 2);
    int64_t gap = http_server_request(f->srv, 1)->at_ms - http_server_request(f->srv, 0)->at_ms;
    assert_true(gap >= 950);
}

static void throttled_429_ratelimit_reset_only(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 3, 5000, 0);
    push(f, 429, "X-RateLimit-Limit: 50\r\nX-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: 1\r\n",
         "{\"title\":\"Too Many Requests\"}");
    push(f, 200, "X-RateLimit-Limit: 50\r\nX-RateLimit-Remaining: 49\r\nX-RateLimit-Reset: 60\r\n",
         "{}");
    calsync_error err;
    assert_int_equal(get(c, "/event_types", "{}", &err), CALSYNC_OK);
    calsync_client_stats st;
    calsync_rate_limit rl;
    calsync_client_get_stats(c, &st, &rl);
    assert_int_equal(st.requests, 2);
    assert_int_equal(st.retries, 1);
    assert_int_equal(st.throttled, 1);
    /* One wait for the reset, not a second pre-emptive one on top. */
    assert_true(st.slept_ms >= 500 && st.slept_ms <= 1500);
    int64_t gap = http_server_request(f->srv, 1)->at_ms - http_server_request(f->srv, 0)->at_ms;
    assert_true(gap >= 950);
    assert_int_equal(rl.limit, 50);
    assert_int_equal(rl.remaining, 49);
}

static void throttled_429_http_date_ignored_guess_clamped(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 3, 200, 0);
    push(f, 429, "Retry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n", "");
    push(f, 200, NULL, "{}");
    calsync_error err;
    assert_int_equal(get(c, "/event_types", "{}", &err), CALSYNC_OK);
    calsync_client_stats st = stats_of(c);
    assert_int_equal(st.retries, 1);
    assert_int_equal(st.throttled, 1);
    /* No usable hint: the 1 s guess is ours to shorten to max_wait_ms. */
    assert_true(st.slept_ms >= 180 && st.slept_ms <= 600);
}

static void preemptive_wait_when_remaining_zero(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 3, 5000, 0);
    push(f, 200, "X-RateLimit-Limit: 50\r\nX-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: 1\r\n",
         "{\"n\":1}");
    push(f, 200, NULL, "{\"n\":2}");
    calsync_error err;
    assert_int_equal(get(c, "/a", "{\"n\":1}", &err), CALSYNC_OK);
    calsync_rate_limit rl;
    calsync_client_stats st;
    int64_t now = http_now_ms();
    calsync_client_get_stats(c, &st, &rl);
    assert_int_equal(rl.limit, 50);
    assert_int_equal(rl.remaining, 0);
    assert_true(rl.reset_at_ms > now + 500 && rl.reset_at_ms <= now + 1000);
    assert_int_equal(st.slept_ms, 0);

    assert_int_equal(get(c, "/b", "{\"n\":2}", &err), CALSYNC_OK);
    calsync_client_get_stats(c, &st, &rl);
    assert_int_equal(st.requests, 2);
    assert_int_equal(st.retries, 0);
    assert_int_equal(st.throttled, 0);
    assert_true(st.slept_ms >= 500 && st.slept_ms <= 1200);
    assert_int_equal(rl.remaining, -1); /* a new window, not yet reported */
    int64_t gap = http_server_request(f->srv, 1)->at_ms - http_server_request(f->srv, 0)->at_ms;
    assert_true(gap >= 900);
}

static void wait_over_max_wait_returned_at_once(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 3, 200, 0);
    push(f, 429, "Retry-After: 30\r\n",
         "{\"title\":\"Too Many Requests\",\"message\":\"Slow down\"}");
    calsync_error err;
    int64_t t0 = http_now_ms();
    assert_int_equal(get(c, "/event_types", NULL, &err), CALSYNC_ERR_HTTP);
    assert_true(http_now_ms() - t0 < 1000);
    assert_int_equal(err.http_status, 429);
    assert_string_equal(err.title, "Too Many Requests");
    assert_string_equal(err.message, "Too Many Requests: Slow down");
    assert_true(err.retry_after_ms > 29000 && err.retry_after_ms <= 30000);
    calsync_client_stats st = stats_of(c);
    assert_int_equal(st.requests, 1);
    assert_int_equal(st.retries, 0);
    assert_int_equal(st.throttled, 1);
    assert_int_equal(st.slept_ms, 0);

    /* The pre-emptive wait too: nothing is sent while the window is spent. */
    push(f, 200, "X-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: 30\r\n", "{}");
    assert_int_equal(get(c, "/a", "{}", &err), CALSYNC_OK);
    t0 = http_now_ms();
    assert_int_equal(get(c, "/b", NULL, &err), CALSYNC_ERR_HTTP);
    assert_true(http_now_ms() - t0 < 1000);
    assert_int_equal(err.http_status, 429);
    assert_true(err.retry_after_ms > 29000 && err.retry_after_ms <= 30000);
    assert_non_null(strstr(err.message, "max_wait_ms"));
    assert_int_equal(http_server_request_count(f->srv), 2);
    assert_int_equal(stats_of(c).requests, 2);
}

static void server_errors_retried_with_backoff(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 3, 0, 0);
    push(f, 500, NULL, "{\"title\":\"Internal Server Error\"}");
    push(f, 503, NULL, "");
    push(f, 200, NULL, "{\"done\":true}");
    calsync_error err;
    assert_int_equal(get(c, "/scheduled_events", "{\"done\":true}", &err), CALSYNC_OK);
    calsync_client_stats st = stats_of(c);
    assert_int_equal(st.requests, 3);
    assert_int_equal(st.retries, 2);
    assert_int_equal(st.throttled, 0);
    assert_true(st.slept_ms >= 1450 && st.slept_ms <= 2200); /* 500 ms then 1000 ms */
    int64_t g1 = http_server_request(f->srv, 1)->at_ms - http_server_request(f->srv, 0)->at_ms;
    int64_t g2 = http_server_request(f->srv, 2)->at_ms - http_server_request(f->srv, 1)->at_ms;
    assert_true(g1 >= 450 && g1 < 950);
    assert_true(g2 >= 950);
}

static void max_retries_respected(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 2, 50, 0);
    for (int i = 0; i < 3; i++)
        push(f, 503, NULL, "{\"title\":\"Service Unavailable\",\"message\":\"down\"}");
    push(f, 200, NULL, "{}");
    calsync_error err;
    assert_int_equal(get(c, "/users/me", NULL, &err), CALSYNC_ERR_HTTP);
    assert_int_equal(err.http_status, 503);
    assert_string_equal(err.message, "Service Unavailable: down");
    assert_int_equal(http_server_request_count(f->srv), 3);
    assert_int_equal(http_server_answers_left(f->srv), 1);
    calsync_client_stats st = stats_of(c);
    assert_int_equal(st.retries, 2);
    assert_true(st.slept_ms >= 90 && st.slept_ms <= 400); /* back-offs clamped to 50 ms */

    /* Retries are counted per request; 0 means one try. */
    c = make_client(f, 0, 50, 0);
    push(f, 429, "Retry-After: 0\r\n", "");
    assert_int_equal(get(c, "/users/me", "{}", &err), CALSYNC_OK); /* the 200 left over */
    assert_int_equal(get(c, "/users/me", NULL, &err), CALSYNC_ERR_HTTP);
    assert_int_equal(err.http_status, 429);
    assert_int_equal(http_server_request_count(f->srv), 5);
    st = stats_of(c);
    assert_int_equal(st.requests, 2);
    assert_int_equal(st.retries, 0);
    assert_int_equal(st.throttled, 1);
}

static void post_retried_only_when_surely_not_processed(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 3, 50, 0);
    push(f, 503, NULL, "");
    calsync_error err;
    char *body = NULL;
    assert_int_equal(calsync_client_request(&body, NULL, NULL, c, "POST", "/webhook_subscriptions",
                                            "{}", 2, &err),
                     CALSYNC_ERR_HTTP);
    assert_int_equal(err.http_status, 503);
    assert_null(body);
    assert_int_equal(http_server_request_count(f->srv), 1);

    /* A 429 was refused before doing anything: sending again is safe. */
    push(f, 429, "Retry-After: 0\r\n", "");
    push(f, 201, NULL, "{\"created\":2}");
    assert_int_equal(calsync_client_request(&body, NULL, NULL, c, "POST", "/webhook_subscriptions",
                                            "{}", 2, &err),
                     CALSYNC_OK);
    assert_string_equal(body, "{\"created\":2}");
    free(body);
    assert_int_equal(http_server_request_count(f->srv), 3);
    assert_string_equal(http_server_request(f->srv, 2)->body, "{}");
    assert_int_equal(stats_of(c).throttled, 1);
    assert_int_equal(stats_of(c).retries, 1);
}

static void dropped_connection_retried(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 2, 50, 0);
    http_answer drop = {0};
    drop.drop = 1;
    http_server_push(f->srv, drop);
    push(f, 200, NULL, "{\"again\":1}");
    calsync_error err;
    assert_int_equal(get(c, "/users/me", "{\"again\":1}", &err), CALSYNC_OK);
    assert_int_equal(http_server_request_count(f->srv), 2);
    assert_int_equal(http_server_connections(f->srv), 2);
    assert_int_equal(stats_of(c).retries, 1);
}

static void dropped_connections_exhaust_to_transport(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 2, 50, 0);
    http_answer drop = {0};
    drop.drop = 1;
    for (int i = 0; i < 4; i++)
        http_server_push(f->srv, drop);
    calsync_error err;
    assert_int_equal(get(c, "/users/me?invitee_email=a@b.example", NULL, &err),
                     CALSYNC_ERR_TRANSPORT);
    assert_int_equal(err.http_status, 0);
    assert_true(strncmp(err.message, "GET /users/me: ", 15) == 0);
    assert_null(strstr(err.message, "a@b.example")); /* queries stay out of messages */
    assert_int_equal(http_server_request_count(f->srv), 3);
    assert_int_equal(http_server_answers_left(f->srv), 1);
    calsync_client_stats st = stats_of(c);
    assert_int_equal(st.requests, 3);
    assert_int_equal(st.retries, 2);
}

static void timeout_is_transport(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 0, 50, 300);
    http_answer slow = {0};
    slow.status = 200;
    slow.body = "{}";
    slow.delay_ms = 3000;
    http_server_push(f->srv, slow);
    calsync_error err;
    int64_t t0 = http_now_ms();
    assert_int_equal(get(c, "/slow", NULL, &err), CALSYNC_ERR_TRANSPORT);
    int64_t took = http_now_ms() - t0;
    assert_true(took >= 250 && took < 1500);
    assert_non_null(strstr(err.message, "timed out"));
    assert_int_equal(stats_of(c).requests, 1);
}

static void connection_refused_is_transport(void **state)
{
    (void)state;
    /* A port that was free a moment ago: nothing listens there. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof addr;
    assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&addr, &alen), 0);
    close(fd);
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%d", ntohs(addr.sin_port));
    calsync_client_options o;
    memset(&o, 0, sizeof o);
    o.base_url = base;
    o.token = TOKEN;
    o.max_retries = 1;
    o.max_wait_ms = 50;
    calsync_client *c = NULL;
    calsync_error err;
    assert_int_equal(calsync_client_new(&c, &o, &err), CALSYNC_OK);
    /* Even a POST is retried when no connection was made. */
    assert_int_equal(calsync_client_request(NULL, NULL, NULL, c, "POST", "/x", "{}", 2, &err),
                     CALSYNC_ERR_TRANSPORT);
    assert_true(strncmp(err.message, "POST /x: ", 9) == 0);
    calsync_client_stats st = stats_of(c);
    assert_int_equal(st.requests, 2);
    assert_int_equal(st.retries, 1);
    calsync_client_free(c);
}

static void next_page_url_on_base_only(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 3, 0, 0);
    const char *base = http_server_url(f->srv);
    char url[256];
    snprintf(url, sizeof url, "%s/scheduled_events?count=2&page_token=Zm9v", base);
    push(f, 200, NULL, "{}");
    calsync_error err;
    assert_int_equal(get(c, url, "{}", &err), CALSYNC_OK);
    assert_string_equal(http_server_request(f->srv, 0)->target,
                        "/scheduled_events?count=2&page_token=Zm9v");
    char v[256];
    assert_true(http_request_header(http_server_request(f->srv, 0), "Authorization", v, sizeof v));

    int port = http_server_port(f->srv);
    char refused[6][256];
    snprintf(refused[0], sizeof refused[0], "http://127.0.0.2:%d/scheduled_events", port);
    snprintf(refused[1], sizeof refused[1], "%s0/scheduled_events", base); /* another port */
    snprintf(refused[2], sizeof refused[2], "%s.evil.example/x", base);
    snprintf(refused[3], sizeof refused[3], "%s@evil.example/x", base);
    snprintf(refused[4], sizeof refused[4], "https://api.calendly.com/users/me");
    snprintf(refused[5], sizeof refused[5], "%s", base); /* the base alone is no path */
    for (int i = 0; i < 6; i++) {
        assert_int_equal(get(c, refused[i], NULL, &err), CALSYNC_ERR_ARGUMENT);
        assert_non_null(strstr(err.message, "base URL"));
    }
    assert_int_equal(get(c, "users/me", NULL, &err), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(get(c, "", NULL, &err), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(get(c, NULL, NULL, &err), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(http_server_request_count(f->srv), 1);
    assert_int_equal(stats_of(c).requests, 1);
}

static void control_bytes_and_bad_methods_refused(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 3, 0, 0);
    const char *paths[] = {"/users/me\r\nX-Evil: 1", "/users/me\n", "/a\tb", "/a b", "/a\x7f",
                           "/caf\xc3\xa9",           "/a\rb"};
    calsync_error err;
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        assert_int_equal(get(c, paths[i], NULL, &err), CALSYNC_ERR_ARGUMENT);
        assert_non_null(strstr(err.message, "offset"));
    }
    const char *methods[] = {"GET\r\n", "PUT", "get", "GET ", ""};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        assert_int_equal(
            calsync_client_request(NULL, NULL, NULL, c, methods[i], "/users/me", NULL, 0, &err),
            CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_client_request(NULL, NULL, NULL, c, NULL, "/x", NULL, 0, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_client_request(NULL, NULL, NULL, c, "GET", "/x", "{}", 2, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_client_request(NULL, NULL, NULL, c, "POST", "/x", NULL, 5, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_client_request(NULL, NULL, NULL, NULL, "GET", "/x", NULL, 0, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_int_equal(http_server_request_count(f->srv), 0);
}

static void body_over_cap_is_too_large(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 3, 0, 0);
    size_t big = (size_t)CALSYNC_BODY_MAX + 1;
    char *data = malloc(big);
    assert_non_null(data);
    memset(data, 'a', big);
    http_answer a = {0};
    a.status = 200;
    a.body = data;
    a.body_len = big;
    http_server_push(f->srv, a); /* announced by Content-Length */
    a.no_length = 1;
    http_server_push(f->srv, a); /* found while reading */
    a.no_length = 0;
    a.body_len = big - 1;
    http_server_push(f->srv, a); /* exactly the cap: accepted */
    calsync_error err;
    assert_int_equal(get(c, "/big", NULL, &err), CALSYNC_ERR_TOO_LARGE);
    assert_non_null(strstr(err.message, "over the limit"));
    assert_int_equal(get(c, "/big", NULL, &err), CALSYNC_ERR_TOO_LARGE);
    char *body = NULL;
    size_t len = 0;
    assert_int_equal(calsync_client_request(&body, &len, NULL, c, "GET", "/big", NULL, 0, &err),
                     CALSYNC_OK);
    assert_int_equal(len, CALSYNC_BODY_MAX);
    assert_int_equal(body[len], '\0');
    assert_int_equal(memcmp(body, data, len), 0);
    free(body);
    assert_int_equal(stats_of(c).retries, 0);
    assert_int_equal(http_server_request_count(f->srv), 3);
    http_server_stop(f->srv); /* its answers borrow data */
    f->srv = NULL;
    free(data);
}

static void url_encode_cases(void **state)
{
    (void)state;
    char buf[64];
    const char in[] = "a b&c=d/\xc3\xa9~-._+%?#";
    const char want[] = "a%20b%26c%3Dd%2F%C3%A9~-._%2B%25%3F%23";
    assert_int_equal(calsync_url_encode(buf, sizeof buf, in, sizeof in - 1), (int)strlen(want));
    assert_string_equal(buf, want);
    assert_int_equal(calsync_url_encode(buf, sizeof buf, "AZaz09", 6), 6);
    assert_string_equal(buf, "AZaz09");
    assert_int_equal(calsync_url_encode(buf, sizeof buf, "a\0b", 3), 5);
    assert_string_equal(buf, "a%00b");
    assert_int_equal(calsync_url_encode(buf, 1, "", 0), 0);
    assert_string_equal(buf, "");
    /* The cap counts the NUL: exactly enough, then one short. */
    assert_int_equal(calsync_url_encode(buf, 5, "a@", 2), 4);
    assert_string_equal(buf, "a%40");
    assert_int_equal(calsync_url_encode(buf, 4, "a@", 2), CALSYNC_ERR_TOO_LARGE);
    assert_string_equal(buf, "");
    assert_int_equal(calsync_url_encode(buf, 3, "abc", 3), CALSYNC_ERR_TOO_LARGE);
    assert_string_equal(buf, "");
    assert_int_equal(calsync_url_encode(buf, 0, "", 0), CALSYNC_ERR_TOO_LARGE);
    assert_int_equal(calsync_url_encode(NULL, 8, "a", 1), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_url_encode(buf, 8, NULL, 1), CALSYNC_ERR_ARGUMENT);
}

static void list_parses_collection_and_token(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 3, 0, 0);
    size_t len = 0;
    char *page_json = fixture_read("rest_invitees_page.json", &len);
    assert_non_null(page_json);
    push(f, 200, NULL, page_json);
    calsync_page *p = NULL;
    calsync_error err;
    assert_int_equal(calsync_client_list(&p, c, "/scheduled_events/E1/invitees?count=2", &err),
                     CALSYNC_OK);
    assert_non_null(p);
    assert_int_equal(calsync_page_count(p), 2);
    calsync_str tok = calsync_page_next_token(p);
    assert_int_equal(tok.len, strlen("Zm9vYmFyLTI"));
    assert_memory_equal(tok.ptr, "Zm9vYmFyLTI", tok.len);
    for (size_t i = 0; i < 2; i++) {
        calsync_str item = calsync_page_item_json(p, i);
        assert_non_null(item.ptr);
        assert_int_equal(item.ptr[0], '{');
        assert_int_equal(strlen(item.ptr), item.len);
        assert_null(memchr(item.ptr, '\n', item.len)); /* compact */
        calsync_event *ev = NULL;
        assert_int_equal(calsync_event_parse_rest_invitee(&ev, item.ptr, item.len, &err),
                         CALSYNC_OK);
        const calsync_event_view *v = calsync_event_get(ev);
        assert_int_equal(v->kind, CALSYNC_EVENT_REST_INVITEE);
        if (i == 0)
            assert_memory_equal(v->email.ptr, "chen.wu@example.org", v->email.len);
        calsync_event_free(ev);
    }
    assert_null(calsync_page_item_json(p, 2).ptr);
    calsync_page_free(p);
    free(page_json);
}

static void list_last_page_has_no_token(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 3, 0, 0);
    push(f, 200, NULL,
         "{\"collection\":[{\"uri\":\"https://api.calendly.com/scheduled_events/E9\"}],"
         "\"pagination\":{\"count\":1,\"next_page\":null,\"next_page_token\":null}}");
    push(f, 200, NULL, "{\"collection\":[],\"pagination\":{\"next_page_token\":\"\"}}");
    push(f, 200, NULL, "{\"collection\":[]}");
    calsync_page *p = NULL;
    calsync_error err;
    assert_int_equal(calsync_client_list(&p, c, "/scheduled_events", &err), CALSYNC_OK);
    assert_int_equal(calsync_page_count(p), 1);
    assert_null(calsync_page_next_token(p).ptr);
    assert_string_equal(calsync_page_item_json(p, 0).ptr,
                        "{\"uri\":\"https://api.calendly.com/scheduled_events/E9\"}");
    calsync_page_free(p);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(calsync_client_list(&p, c, "/scheduled_events", &err), CALSYNC_OK);
        assert_int_equal(calsync_page_count(p), 0);
        assert_null(calsync_page_next_token(p).ptr);
        assert_null(calsync_page_item_json(p, 0).ptr);
        calsync_page_free(p);
    }
    calsync_page_free(NULL);
    assert_int_equal(calsync_page_count(NULL), 0);
}

static void list_bad_answers(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 3, 0, 0);
    push(f, 200, NULL, "{\"resource\":{}}");
    push(f, 200, NULL, "{\"collection\":{}}");
    push(f, 200, NULL, "{\"collection\":[{},7]}");
    push(f, 200, NULL, "{\"collection\":[],\"pagination\":{\"next_page_token\":5}}");
    push(f, 200, NULL, "[1,2]");
    push(f, 200, NULL, "{\"collection\":[");
    push(f, 404, NULL, "{\"title\":\"Resource Not Found\",\"message\":\"gone\"}");
    struct {
        int rc;
        const char *path;
    } want[] = {{CALSYNC_ERR_SCHEMA, "collection"},
                {CALSYNC_ERR_SCHEMA, "collection"},
                {CALSYNC_ERR_SCHEMA, "collection[1]"},
                {CALSYNC_ERR_SCHEMA, "pagination.next_page_token"},
                {CALSYNC_ERR_SCHEMA, ""},
                {CALSYNC_ERR_JSON, ""},
                {CALSYNC_ERR_HTTP, ""}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        calsync_page *p = (calsync_page *)(void *)&sentinel; /* must be reset to NULL */
        calsync_error err;
        assert_int_equal(calsync_client_list(&p, c, "/scheduled_events", &err), want[i].rc);
        assert_null(p);
        assert_string_equal(err.path, want[i].path);
        assert_true(err.message[0] != '\0');
        if (want[i].rc == CALSYNC_ERR_HTTP)
            assert_int_equal(err.http_status, 404);
    }
}

static void client_new_validates_options(void **state)
{
    (void)state;
    calsync_client_options o;
    memset(&o, 0, sizeof o);
    o.token = TOKEN;
    calsync_client *c = (calsync_client *)(void *)&sentinel; /* must be reset to NULL */
    calsync_error err;
    const char *bad_bases[] = {
        NULL,          "ftp://api.calendly.com", "api.calendly.com", "https://",   "https:///x",
        "https://a b", "https://a\r\n",          "https://a?x=1",    "https://u@a"};
    for (size_t i = 0; i < sizeof bad_bases / sizeof bad_bases[0]; i++) {
        o.base_url = bad_bases[i];
        assert_int_equal(calsync_client_new(&c, &o, &err), CALSYNC_ERR_ARGUMENT);
        assert_null(c);
        assert_int_equal(err.code, CALSYNC_ERR_ARGUMENT);
    }
    /* Plain HTTP would carry the token in clear text: loopback only. */
    const char *cleartext_bases[] = {"http://api.calendly.com", "http://127.0.0.1.evil.example",
                                     "http://localhost.evil.example", "http://10.0.0.1:8080",
                                     "http://[::2]:80"};
    for (size_t i = 0; i < sizeof cleartext_bases / sizeof cleartext_bases[0]; i++) {
        o.base_url = cleartext_bases[i];
        assert_int_equal(calsync_client_new(&c, &o, &err), CALSYNC_ERR_ARGUMENT);
        assert_null(c);
        assert_non_null(strstr(err.message, "https://"));
    }
    const char *loopback_bases[] = {"http://127.0.0.1:8182", "http://localhost", "http://[::1]:80/",
                                    "http://127.1.2.3"};
    for (size_t i = 0; i < sizeof loopback_bases / sizeof loopback_bases[0]; i++) {
        o.base_url = loopback_bases[i];
        assert_int_equal(calsync_client_new(&c, &o, &err), CALSYNC_OK);
        calsync_client_free(c);
        c = NULL;
    }
    o.base_url = "https://api.calendly.com";
    const char *bad_tokens[] = {NULL, "", "tok\r\nX-Evil: 1", "two words"};
    for (size_t i = 0; i < sizeof bad_tokens / sizeof bad_tokens[0]; i++) {
        o.token = bad_tokens[i];
        assert_int_equal(calsync_client_new(&c, &o, &err), CALSYNC_ERR_ARGUMENT);
        assert_null(c);
    }
    o.token = TOKEN;
    o.timeout_ms = -1;
    assert_int_equal(calsync_client_new(&c, &o, &err), CALSYNC_ERR_ARGUMENT);
    o.timeout_ms = 0;
    o.user_agent = "agent\n";
    assert_int_equal(calsync_client_new(&c, &o, &err), CALSYNC_ERR_ARGUMENT);
    o.user_agent = NULL;
    assert_int_equal(calsync_client_new(&c, NULL, &err), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_client_new(NULL, &o, &err), CALSYNC_ERR_ARGUMENT);

    /* A trailing '/' is forgiven; fresh stats know nothing of the limit. */
    o.base_url = "https://api.calendly.com/";
    assert_int_equal(calsync_client_new(&c, &o, &err), CALSYNC_OK);
    calsync_client_stats st;
    calsync_rate_limit rl;
    calsync_client_get_stats(c, &st, &rl);
    assert_int_equal(st.requests, 0);
    assert_int_equal(st.slept_ms, 0);
    assert_int_equal(rl.limit, -1);
    assert_int_equal(rl.remaining, -1);
    assert_int_equal(rl.reset_at_ms, 0);
    /* The full-URL form matches the base without its trailing '/'. */
    assert_int_equal(calsync_client_request(NULL, NULL, NULL, c, "GET",
                                            "https://api.calendly.com.evil.example/x", NULL, 0,
                                            &err),
                     CALSYNC_ERR_ARGUMENT);
    calsync_client_free(c);
    calsync_client_free(NULL);
}

/* ------------------------------------------------------------------------ */
/* Endpoints: method, path, query, body and headers on the wire               */
/* ------------------------------------------------------------------------ */

static calsync_str S(const char *s)
{
    calsync_str r = {s, strlen(s)};
    return r;
}

static const calsync_str none = {NULL, 0};

/* Request i was `method target` with the bearer token, JSON accepted and,
 * for a body, exactly `body` as JSON. */
static void expect_request(fixture *f, size_t i, const char *method, const char *target,
                           const char *body)
{
    const http_request *r = http_server_request(f->srv, i);
    assert_non_null(r);
    char v[256];
    assert_string_equal(r->method, method);
    assert_string_equal(r->target, target);
    assert_true(http_request_header(r, "Authorization", v, sizeof v));
    assert_string_equal(v, "Bearer " TOKEN);
    assert_true(http_request_header(r, "Accept", v, sizeof v));
    assert_string_equal(v, "application/json");
    if (body != NULL) {
        assert_true(http_request_header(r, "Content-Type", v, sizeof v));
        assert_string_equal(v, "application/json");
        assert_int_equal(r->body_len, strlen(body));
        assert_string_equal(r->body, body);
    } else {
        assert_int_equal(r->body_len, 0);
    }
}

static void endpoint_current_user_returns_the_resource(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 0, 0, 0);
    push(f, 200, NULL,
         "{\"resource\":{\"uri\":\"https://api.calendly.com/users/U1\",\"current_organization\":"
         "\"https://api.calendly.com/organizations/O1\",\"name\":\"Zo\xc3\xab\"}}");
    char *json = NULL;
    size_t len = 0;
    calsync_error err;
    assert_int_equal(calsync_api_current_user(&json, &len, c, &err), CALSYNC_OK);
    assert_string_equal(json,
                        "{\"uri\":\"https://api.calendly.com/users/U1\",\"current_organization\":"
                        "\"https://api.calendly.com/organizations/O1\",\"name\":\"Zo\xc3\xab\"}");
    assert_int_equal(len, strlen(json));
    free(json);
    expect_request(f, 0, "GET", "/users/me", NULL);

    /* An answer without a resource object names "resource". */
    push(f, 200, NULL, "{\"collection\":[]}");
    push(f, 200, NULL, "{\"resource\":[1]}");
    push(f, 200, NULL, "nope");
    assert_int_equal(calsync_api_current_user(&json, NULL, c, &err), CALSYNC_ERR_SCHEMA);
    assert_null(json);
    assert_string_equal(err.path, "resource");
    assert_string_equal(err.message, "missing");
    assert_int_equal(calsync_api_current_user(&json, NULL, c, &err), CALSYNC_ERR_SCHEMA);
    assert_string_equal(err.message, "expected object, got array");
    assert_int_equal(calsync_api_current_user(&json, NULL, c, &err), CALSYNC_ERR_JSON);
    assert_string_equal(err.path, "");
}

static void endpoint_lists_build_the_query_and_page_token(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 0, 0, 0);
    calsync_param q[] = {{S("organization"), S("https://api.calendly.com/organizations/O1")},
                         {S("a b"), S("\xc3\xbc&=?#/")},
                         {S("count"), S("100")},
                         {S("empty"), none}};
    push(f, 200, NULL,
         "{\"collection\":[{\"uri\":\"t1\"},{\"uri\":\"t2\"}],\"pagination\":{\"next_page_token\":"
         "\"nx/+\"}}");
    calsync_page *p = NULL;
    calsync_error err;
    assert_int_equal(calsync_api_event_types(&p, c, q, 4, none, &err), CALSYNC_OK);
    expect_request(f, 0, "GET",
                   "/event_types?organization=https%3A%2F%2Fapi.calendly.com%2Forganizations%2FO1"
                   "&a%20b=%C3%BC%26%3D%3F%23%2F&count=100&empty=",
                   NULL);
    assert_int_equal(calsync_page_count(p), 2);
    calsync_str tok = calsync_page_next_token(p);
    assert_int_equal(tok.len, 4);
    assert_memory_equal(tok.ptr, "nx/+", 4);
    assert_string_equal(calsync_page_item_json(p, 1).ptr, "{\"uri\":\"t2\"}");
    assert_null(calsync_page_take_sched(p, 0)); /* plain JSON items */
    calsync_page_free(p);

    /* The next page: the same query plus the token, encoded. */
    push(f, 200, NULL, "{\"collection\":[],\"pagination\":{\"next_page_token\":null}}");
    assert_int_equal(calsync_api_subscriptions(&p, c, q, 1, S("nx/+"), &err), CALSYNC_OK);
    expect_request(f, 1, "GET",
                   "/webhook_subscriptions?organization=https%3A%2F%2Fapi.calendly.com%2F"
                   "organizations%2FO1&page_token=nx%2F%2B",
                   NULL);
    assert_null(calsync_page_next_token(p).ptr);
    calsync_page_free(p);

    /* Refusals name the parameter and send nothing. */
    calsync_param dup[] = {{S("page_token"), S("x")}};
    calsync_param unnamed[] = {{S(""), S("x")}};
    assert_int_equal(calsync_api_event_types(&p, c, dup, 1, S("t"), &err), CALSYNC_ERR_ARGUMENT);
    assert_string_equal(err.path, "query");
    assert_int_equal(calsync_api_event_types(&p, c, unnamed, 1, none, &err), CALSYNC_ERR_ARGUMENT);
    assert_string_equal(err.path, "query");
    assert_int_equal(calsync_api_event_types(&p, c, q, 1, S(""), &err), CALSYNC_ERR_ARGUMENT);
    assert_string_equal(err.path, "page_token");
    assert_int_equal(calsync_api_event_types(NULL, c, q, 1, none, &err), CALSYNC_ERR_ARGUMENT);
    assert_null(p);
    assert_int_equal(http_server_request_count(f->srv), 2);
}

static void endpoint_scheduled_events_and_invitees_are_typed(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 0, 0, 0);
    size_t elen = 0, plen = 0;
    char *event = fixture_read("rest_scheduled_event.json", &elen);
    char *page = fixture_read("rest_invitees_page.json", &plen);
    size_t ilen = 0;
    char *inv = fixture_read("rest_invitee.json", &ilen);
    assert_non_null(event);
    assert_non_null(page);
    assert_non_null(inv);

    /* A list of scheduled events: items are parsed scheduled events. */
    json_error_t jerr;
    json_t *ev = json_loadb(event, elen, 0, &jerr);
    assert_non_null(ev);
    json_t *list = json_pack("{s:[O],s:{s:n}}", "collection", json_object_get(ev, "resource"),
                             "pagination", "next_page_token");
    char *list_body = json_dumps(list, JSON_COMPACT);
    push(f, 200, NULL, list_body);
    calsync_param q[] = {{S("user"), S("https://api.calendly.com/users/U1")},
                         {S("min_start_time"), S("2026-03-01T00:00:00.000000Z")},
                         {S("sort"), S("start_time:asc")}};
    calsync_page *p = NULL;
    calsync_error err;
    assert_int_equal(calsync_api_scheduled_events(&p, c, q, 3, none, &err), CALSYNC_OK);
    expect_request(f, 0, "GET",
                   "/scheduled_events?user=https%3A%2F%2Fapi.calendly.com%2Fusers%2FU1"
                   "&min_start_time=2026-03-01T00%3A00%3A00.000000Z&sort=start_time%3Aasc",
                   NULL);
    assert_int_equal(calsync_page_count(p), 1);
    assert_null(calsync_page_take_invitee(p, 0));
    calsync_sched *s = calsync_page_take_sched(p, 0);
    assert_non_null(s);
    assert_null(calsync_page_take_sched(p, 0)); /* taken once */
    assert_null(calsync_page_take_sched(p, 1)); /* out of range */
    calsync_page_free(p);
    assert_true(calsync_sched_get(s)->start_time != CALSYNC_TIME_NONE);
    calsync_sched_free(s);

    /* A bad item fails the call and names its place. */
    json_object_del(json_object_get(ev, "resource"), "start_time");
    json_t *bad = json_pack("{s:[{},O]}", "collection", json_object_get(ev, "resource"));
    char *bad_body = json_dumps(bad, JSON_COMPACT);
    push(f, 200, NULL, bad_body);
    assert_int_equal(calsync_api_scheduled_events(&p, c, q, 0, none, &err), CALSYNC_ERR_SCHEMA);
    assert_null(p);
    assert_true(strncmp(err.path, "collection[0].", 14) == 0);
    assert_null(strstr(err.message, "collection"));

    /* One scheduled event. */
    push(f, 200, NULL, event);
    assert_int_equal(calsync_api_scheduled_event(&s, c, S("d06edd78-d79d-4ab7"), &err), CALSYNC_OK);
    expect_request(f, 2, "GET", "/scheduled_events/d06edd78-d79d-4ab7", NULL);
    calsync_sched_free(s);

    /* Invitees of an event, with a status filter and a token. */
    push(f, 200, NULL, page);
    calsync_param st[] = {{S("status"), S("active")}, {S("count"), S("100")}};
    assert_int_equal(calsync_api_invitees(&p, c, S("E1"), st, 2, S("tok en"), &err), CALSYNC_OK);
    expect_request(f, 3, "GET",
                   "/scheduled_events/E1/invitees?status=active&count=100&page_token=tok%20en",
                   NULL);
    assert_true(calsync_page_count(p) >= 1);
    calsync_event *e = calsync_page_take_invitee(p, 0);
    assert_non_null(e);
    assert_int_equal(calsync_event_get(e)->kind, CALSYNC_EVENT_REST_INVITEE);
    calsync_event_free(e);
    calsync_page_free(p); /* frees the items not taken */

    /* One invitee. */
    push(f, 200, NULL, inv);
    assert_int_equal(calsync_api_invitee(&e, c, S("E1"), S("I-1_x"), &err), CALSYNC_OK);
    expect_request(f, 4, "GET", "/scheduled_events/E1/invitees/I-1_x", NULL);
    assert_int_equal(calsync_event_get(e)->kind, CALSYNC_EVENT_REST_INVITEE);
    calsync_event_free(e);

    /* UUIDs that could change the path are refused, naming the parameter. */
    static const char *const bad_uuids[] = {"",     "../users/me", "a/b",     "a?b",
                                            "a%2F", "a.b",         "\xc3\xa9"};
    for (size_t i = 0; i < sizeof bad_uuids / sizeof bad_uuids[0]; i++) {
        assert_int_equal(calsync_api_scheduled_event(&s, c, S(bad_uuids[i]), &err),
                         CALSYNC_ERR_ARGUMENT);
        assert_string_equal(err.path, "uuid");
    }
    calsync_str with_nul = {"a\0b", 3};
    assert_int_equal(calsync_api_invitee(&e, c, S("E1"), with_nul, &err), CALSYNC_ERR_ARGUMENT);
    assert_string_equal(err.path, "invitee_uuid");
    assert_int_equal(calsync_api_invitees(&p, c, S("x#y"), NULL, 0, none, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_string_equal(err.path, "event_uuid");
    assert_int_equal(http_server_request_count(f->srv), 5);

    free(list_body);
    free(bad_body);
    json_decref(list);
    json_decref(bad);
    json_decref(ev);
    free(event);
    free(page);
    free(inv);
}

static void endpoint_subscriptions_and_no_shows_send_json_bodies(void **state)
{
    fixture *f = *state;
    calsync_client *c = make_client(f, 0, 0, 0);
    calsync_str events[] = {S("invitee.created"), S("e\xc3\xa9\n")};
    calsync_subscription_request req;
    memset(&req, 0, sizeof req);
    req.url = S("https://example.org/h?x=\"1\"");
    req.events = events;
    req.nevents = 2;
    req.organization = S("https://api.calendly.com/organizations/O1");
    req.scope = S("user");
    req.user = S("https://api.calendly.com/users/U1");
    req.signing_key = S("k\"\\/\x01");
    push(f, 201, NULL,
         "{\"resource\":{\"uri\":\"https://api.calendly.com/webhook_subscriptions/S1\","
         "\"state\":\"active\"}}");
    char *json = NULL;
    calsync_error err;
    assert_int_equal(calsync_api_create_subscription(&json, NULL, c, &req, &err), CALSYNC_OK);
    assert_string_equal(json, "{\"uri\":\"https://api.calendly.com/webhook_subscriptions/S1\","
                              "\"state\":\"active\"}");
    free(json);
    expect_request(f, 0, "POST", "/webhook_subscriptions",
                   "{\"url\":\"https://example.org/h?x=\\\"1\\\"\",\"events\":[\"invitee.created\","
                   "\"e\xc3\xa9\\n\"],\"organization\":\"https://api.calendly.com/organizations/"
                   "O1\",\"scope\":\"user\",\"user\":\"https://api.calendly.com/users/U1\","
                   "\"signing_key\":\"k\\\"\\\\/\\u0001\"}");

    /* Without a user (organization scope) there is no "user" member. */
    req.scope = S("organization");
    req.user = none;
    req.nevents = 1;
    push(f, 201, NULL, "{\"resource\":{}}");
    assert_int_equal(calsync_api_create_subscription(&json, NULL, c, &req, &err), CALSYNC_OK);
    free(json);
    expect_request(
        f, 1, "POST", "/webhook_subscriptions",
        "{\"url\":\"https://example.org/h?x=\\\"1\\\"\",\"events\":[\"invitee.created\"],"
        "\"organization\":\"https://api.calendly.com/organizations/O1\",\"scope\":"
        "\"organization\",\"signing_key\":\"k\\\"\\\\/\\u0001\"}");

    /* 409: the URL is registered already. */
    push(f, 409, NULL,
         "{\"title\":\"Already Exists\",\"message\":\"Hook with this url already exists\"}");
    assert_int_equal(calsync_api_create_subscription(&json, NULL, c, &req, &err), CALSYNC_ERR_HTTP);
    assert_int_equal(err.http_status, 409);
    assert_null(strstr(err.message, "k\"")); /* the key is never in a message */

    /* Refused bodies name the parameter. */
    calsync_subscription_request r2 = req;
    r2.signing_key = S("");
    assert_int_equal(calsync_api_create_subscription(&json, NULL, c, &r2, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_string_equal(err.path, "signing_key");
    r2 = req;
    r2.nevents = 0;
    assert_int_equal(calsync_api_create_subscription(&json, NULL, c, &r2, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_string_equal(err.path, "events");
    calsync_str bad_utf8[] = {S("\xc3")};
    r2 = req;
    r2.events = bad_utf8;
    assert_int_equal(calsync_api_create_subscription(&json, NULL, c, &r2, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_string_equal(err.path, "events");
    assert_string_equal(err.message, "must be valid UTF-8");
    r2 = req;
    r2.url = S("\xed\xa0\x80"); /* a surrogate */
    assert_int_equal(calsync_api_create_subscription(&json, NULL, c, &r2, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_string_equal(err.path, "url");

    /* One subscription, its deletion. */
    push(f, 200, NULL, "{\"resource\":{\"state\":\"disabled\"}}");
    assert_int_equal(calsync_api_subscription(&json, NULL, c, S("S1"), &err), CALSYNC_OK);
    assert_string_equal(json, "{\"state\":\"disabled\"}");
    free(json);
    expect_request(f, 3, "GET", "/webhook_subscriptions/S1", NULL);
    push(f, 204, NULL, NULL);
    assert_int_equal(calsync_api_delete_subscription(c, S("S1"), &err), CALSYNC_OK);
    expect_request(f, 4, "DELETE", "/webhook_subscriptions/S1", NULL);

    /* No-shows. */
    push(f, 201, NULL, "{\"resource\":{\"uri\":\"https://api.calendly.com/invitee_no_shows/N1\"}}");
    assert_int_equal(calsync_api_create_no_show(&json, NULL, c,
                                                S("https://api.calendly.com/scheduled_events/E1/"
                                                  "invitees/I1"),
                                                &err),
                     CALSYNC_OK);
    free(json);
    expect_request(f, 5, "POST", "/invitee_no_shows",
                   "{\"invitee\":\"https://api.calendly.com/scheduled_events/E1/invitees/I1\"}");
    push(f, 204, NULL, NULL);
    assert_int_equal(calsync_api_delete_no_show(c, S("N1"), &err), CALSYNC_OK);
    expect_request(f, 6, "DELETE", "/invitee_no_shows/N1", NULL);
    assert_int_equal(
        calsync_api_delete_no_show(c, S("https://api.calendly.com/invitee_no_shows/N1"), &err),
        CALSYNC_ERR_ARGUMENT);
    assert_string_equal(err.path, "uuid");
    assert_int_equal(calsync_api_create_no_show(&json, NULL, c, S(""), &err), CALSYNC_ERR_ARGUMENT);
    assert_string_equal(err.path, "invitee_uri");
    assert_int_equal(http_server_request_count(f->srv), 7);
}

/* ------------------------------------------------------------------------ */
/* Proxies: only the caller's                                                */
/* ------------------------------------------------------------------------ */

static const char *const proxy_vars[] = {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                                         "all_proxy",  "ALL_PROXY",  "no_proxy",    "NO_PROXY"};

static void set_proxy_env(const char *value)
{
    for (size_t i = 0; i < sizeof proxy_vars / sizeof proxy_vars[0]; i++) {
        if (value == NULL)
            unsetenv(proxy_vars[i]);
        else if (strstr(proxy_vars[i], "no_") == NULL && strstr(proxy_vars[i], "NO_") == NULL)
            setenv(proxy_vars[i], value, 1);
    }
}

static calsync_client *proxied_client(const char *base, const char *proxy, const char *userpwd,
                                      const char *noproxy)
{
    calsync_client_options o;
    memset(&o, 0, sizeof o);
    o.base_url = base;
    o.token = TOKEN;
    o.max_retries = 0;
    o.connect_timeout_ms = 2000;
    o.proxy = proxy;
    o.proxy_userpwd = userpwd;
    o.noproxy = noproxy;
    calsync_client *c = NULL;
    calsync_error err;
    assert_int_equal(calsync_client_new(&c, &o, &err), CALSYNC_OK);
    return c;
}

static void environment_proxies_are_never_used(void **state)
{
    fixture *f = *state;
    /* A dead proxy everywhere in the environment, no_proxy unset. */
    set_proxy_env("http://127.0.0.1:1");
    calsync_client *c = make_client(f, 0, 0, 2000);
    push(f, 200, NULL, "{\"resource\":{}}");
    calsync_error err;
    int rc = get(c, "/users/me", "{\"resource\":{}}", &err);
    set_proxy_env(NULL);
    assert_int_equal(rc, CALSYNC_OK);
    assert_int_equal(http_server_request_count(f->srv), 1);
    /* Origin form: the request came directly, not through a proxy. */
    assert_string_equal(http_server_request(f->srv, 0)->target, "/users/me");
}

static void given_proxy_carries_the_request_with_its_credentials(void **state)
{
    fixture *f = *state; /* f->srv plays the forward proxy */
    char want[256];
    /* Nothing listens at the base: only the proxy can answer. */
    calsync_client *c =
        proxied_client("http://127.0.0.1:9", http_server_url(f->srv), "ann:s3cr:t w", NULL);
    push(f, 200, NULL, "{\"resource\":{\"uri\":\"u\"}}");
    calsync_error err;
    assert_int_equal(get(c, "/users/me?x=1", NULL, &err), CALSYNC_OK);
    const http_request *r = http_server_request(f->srv, 0);
    assert_non_null(r);
    assert_string_equal(r->target, "http://127.0.0.1:9/users/me?x=1");
    char v[256];
    assert_true(http_request_header(r, "Proxy-Authorization", v, sizeof v));
    /* base64("ann:s3cr:t w") */
    snprintf(want, sizeof want, "Basic %s", "YW5uOnMzY3I6dCB3");
    assert_string_equal(v, want);
    assert_true(http_request_header(r, "Authorization", v, sizeof v));
    assert_string_equal(v, "Bearer " TOKEN);
    calsync_client_free(c);

    /* Without proxy_userpwd no Proxy-Authorization is sent. */
    c = proxied_client("http://127.0.0.1:9", http_server_url(f->srv), NULL, NULL);
    push(f, 200, NULL, "{}");
    assert_int_equal(get(c, "/users/me", NULL, &err), CALSYNC_OK);
    r = http_server_request(f->srv, 1);
    assert_string_equal(r->target, "http://127.0.0.1:9/users/me");
    assert_false(http_request_header(r, "Proxy-Authorization", v, sizeof v));

    /* A dead proxy fails as transport, and never names the credentials. */
    calsync_client_free(c);
    c = proxied_client(http_server_url(f->srv), "http://127.0.0.1:1", "ann:s3cr:t w", NULL);
    assert_int_equal(get(c, "/users/me", NULL, &err), CALSYNC_ERR_TRANSPORT);
    assert_null(strstr(err.message, "s3cr"));
    assert_int_equal(http_server_request_count(f->srv), 2);
    calsync_client_free(c);

    /* proxy_userpwd without a proxy, and control bytes, are refused. */
    calsync_client_options o;
    memset(&o, 0, sizeof o);
    o.base_url = http_server_url(f->srv);
    o.token = TOKEN;
    o.proxy_userpwd = "ann:pw";
    calsync_client *bad = NULL;
    assert_int_equal(calsync_client_new(&bad, &o, &err), CALSYNC_ERR_ARGUMENT);
    assert_null(strstr(err.message, "ann:pw"));
    o.proxy = "http://p\r\nX: 1";
    o.proxy_userpwd = NULL;
    assert_int_equal(calsync_client_new(&bad, &o, &err), CALSYNC_ERR_ARGUMENT);
    assert_null(bad);
}

static void noproxy_bypasses_the_given_proxy(void **state)
{
    fixture *f = *state; /* the origin */
    http_server *proxy = http_server_start();
    assert_non_null(proxy);
    calsync_client *c =
        proxied_client(http_server_url(f->srv), http_server_url(proxy), NULL, "127.0.0.1");
    push(f, 200, NULL, "{}");
    calsync_error err;
    assert_int_equal(get(c, "/users/me", "{}", &err), CALSYNC_OK);
    assert_int_equal(http_server_request_count(f->srv), 1);
    assert_string_equal(http_server_request(f->srv, 0)->target, "/users/me");
    assert_int_equal(http_server_request_count(proxy), 0);
    calsync_client_free(c);

    /* The same client without noproxy goes through the proxy. */
    c = proxied_client(http_server_url(f->srv), http_server_url(proxy), NULL, NULL);
    http_answer a;
    memset(&a, 0, sizeof a);
    a.status = 200;
    a.body = "{}";
    http_server_push(proxy, a);
    assert_int_equal(get(c, "/users/me", "{}", &err), CALSYNC_OK);
    assert_int_equal(http_server_request_count(proxy), 1);
    assert_int_equal(http_server_request_count(f->srv), 1);
    calsync_client_free(c);
    http_server_stop(proxy);
}

/* ------------------------------------------------------------------------ */
/* The OAuth auth base                                                       */
/* ------------------------------------------------------------------------ */

#define CLIENT_ID "cid-123_x"

static calsync_client *auth_client(fixture *f)
{
    calsync_client_free(f->c);
    f->c = NULL;
    calsync_client_options o;
    memset(&o, 0, sizeof o);
    o.base_url = http_server_url(f->srv);
    o.kind = CALSYNC_CLIENT_AUTH;
    o.client_id = CLIENT_ID;
    o.client_secret = "s3cr&t=+/%";
    o.max_retries = 0;
    calsync_error err;
    assert_int_equal(calsync_client_new(&f->c, &o, &err), CALSYNC_OK);
    return f->c;
}

static void expect_form(fixture *f, size_t i, const char *path, const char *body)
{
    const http_request *r = http_server_request(f->srv, i);
    assert_non_null(r);
    char v[256];
    assert_string_equal(r->method, "POST");
    assert_string_equal(r->target, path);
    assert_true(http_request_header(r, "Content-Type", v, sizeof v));
    assert_string_equal(v, "application/x-www-form-urlencoded");
    /* Basic base64("cid-123_x:s3cr%26t%3D%2B%2F%25"): each part form-encoded first. */
    assert_true(http_request_header(r, "Authorization", v, sizeof v));
    assert_string_equal(v, "Basic Y2lkLTEyM194OnMzY3IlMjZ0JTNEJTJCJTJGJTI1");
    assert_string_equal(r->body, body);
}

static void oauth_code_exchange_and_refresh(void **state)
{
    fixture *f = *state;
    calsync_client *c = auth_client(f);
    push(f, 200, NULL,
         "{\"token_type\":\"Bearer\",\"expires_in\":7200,\"created_at\":1772463845,"
         "\"refresh_token\":\"r1\",\"access_token\":\"a1\",\"scope\":\"default\","
         "\"owner\":\"https://api.calendly.com/users/U1\","
         "\"organization\":\"https://api.calendly.com/organizations/O1\"}");
    calsync_oauth_token *t = NULL;
    calsync_error err;
    assert_int_equal(calsync_oauth_exchange_code(&t, c, S("c0de/+="),
                                                 S("https://site.example/cb?a=1&b=\xc3\xa9"), none,
                                                 &err),
                     CALSYNC_OK);
    expect_form(f, 0, "/oauth/token",
                "grant_type=authorization_code&code=c0de%2F%2B%3D&redirect_uri=https%3A%2F%2F"
                "site.example%2Fcb%3Fa%3D1%26b%3D%C3%A9");
    assert_string_equal(t->access_token, "a1");
    assert_string_equal(t->refresh_token, "r1");
    assert_string_equal(t->token_type, "Bearer");
    assert_string_equal(t->scope, "default");
    assert_string_equal(t->owner, "https://api.calendly.com/users/U1");
    assert_string_equal(t->organization, "https://api.calendly.com/organizations/O1");
    assert_int_equal(t->expires_in, 7200);
    assert_int_equal(t->created_at, 1772463845);
    calsync_oauth_token_free(t);

    /* With PKCE's verifier; an answer without organization (OPEN). */
    push(f, 200, NULL,
         "{\"access_token\":\"a2\",\"refresh_token\":\"r2\",\"expires_in\":\"7200\"}");
    assert_int_equal(calsync_oauth_exchange_code(&t, c, S("c"), S("https://s/cb"), S("v~1"), &err),
                     CALSYNC_OK);
    expect_form(f, 1, "/oauth/token",
                "grant_type=authorization_code&code=c&redirect_uri=https%3A%2F%2Fs%2Fcb"
                "&code_verifier=v~1");
    assert_null(t->organization);
    assert_null(t->owner);
    assert_int_equal(t->expires_in, 7200);
    assert_int_equal(t->created_at, -1);
    calsync_oauth_token_free(t);

    /* Refresh: a rotated refresh token comes back. */
    push(f, 200, NULL,
         "{\"access_token\":\"a3\",\"refresh_token\":\"r3\",\"token_type\":\"bearer\"}");
    assert_int_equal(calsync_oauth_refresh(&t, c, S("r2"), &err), CALSYNC_OK);
    expect_form(f, 2, "/oauth/token", "grant_type=refresh_token&refresh_token=r2");
    assert_string_equal(t->refresh_token, "r3");
    calsync_oauth_token_free(t);

    /* A used refresh token: the OAuth error is the title. */
    push(f, 400, NULL,
         "{\"error\":\"invalid_grant\",\"error_description\":\"The refresh token is invalid\"}");
    assert_int_equal(calsync_oauth_refresh(&t, c, S("r2"), &err), CALSYNC_ERR_HTTP);
    assert_null(t);
    assert_int_equal(err.http_status, 400);
    assert_string_equal(err.title, "invalid_grant");
    assert_string_equal(err.message, "invalid_grant: The refresh token is invalid");
    assert_int_equal(http_server_request_count(f->srv), 4); /* a 400 is not retried */

    /* Revoke sends the form fields the doc names. */
    push(f, 200, NULL, "{}");
    assert_int_equal(calsync_oauth_revoke(c, S("a3"), &err), CALSYNC_OK);
    expect_form(f, 4, "/oauth/revoke",
                "client_id=cid-123_x&client_secret=s3cr%26t%3D%2B%2F%25&token=a3");

    /* Refusals name the value and send nothing. */
    assert_int_equal(calsync_oauth_refresh(&t, c, S(""), &err), CALSYNC_ERR_ARGUMENT);
    assert_string_equal(err.path, "refresh_token");
    assert_int_equal(calsync_oauth_exchange_code(&t, c, S("c"), S("\xff"), none, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_string_equal(err.path, "redirect_uri");
    assert_int_equal(calsync_oauth_revoke(c, none, &err), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(http_server_request_count(f->srv), 5);

    /* An API client cannot make OAuth calls, nor an auth client carry a bearer token. */
    calsync_client *api = make_client(f, 0, 0, 0);
    assert_int_equal(calsync_oauth_refresh(&t, api, S("r"), &err), CALSYNC_ERR_ARGUMENT);
    calsync_client_options o;
    memset(&o, 0, sizeof o);
    o.base_url = http_server_url(f->srv);
    o.kind = CALSYNC_CLIENT_AUTH;
    o.client_id = CLIENT_ID;
    calsync_client *bad = NULL;
    assert_int_equal(calsync_client_new(&bad, &o, &err), CALSYNC_ERR_ARGUMENT);
    assert_non_null(strstr(err.message, "client_secret"));
    o.client_secret = "x";
    o.token = TOKEN;
    assert_int_equal(calsync_client_new(&bad, &o, &err), CALSYNC_ERR_ARGUMENT);
    o.token = NULL;
    o.kind = (calsync_client_kind)7;
    assert_int_equal(calsync_client_new(&bad, &o, &err), CALSYNC_ERR_ARGUMENT);
    assert_null(bad);
}

static void oauth_token_answers_every_reading(void **state)
{
    (void)state;
    static const struct {
        const char *json;
        int rc;
        const char *path;
    } cases[] = {
        {"{\"access_token\":\"a\"}", CALSYNC_OK, ""},
        {"{\"access_token\":\"a\",\"organization\":null,\"refresh_token\":null}", CALSYNC_OK, ""},
        {"{\"access_token\":\"a\",\"unknown\":[1,2]}", CALSYNC_OK, ""},
        {"{\"refresh_token\":\"r\"}", CALSYNC_ERR_SCHEMA, "access_token"},
        {"{\"access_token\":\"\"}", CALSYNC_ERR_SCHEMA, "access_token"},
        {"{\"access_token\":5}", CALSYNC_ERR_SCHEMA, "access_token"},
        {"{\"access_token\":\"a\",\"expires_in\":-1}", CALSYNC_ERR_SCHEMA, "expires_in"},
        {"{\"access_token\":\"a\",\"expires_in\":\"2h\"}", CALSYNC_ERR_SCHEMA, "expires_in"},
        {"{\"access_token\":\"a\",\"created_at\":1.5}", CALSYNC_ERR_SCHEMA, "created_at"},
        {"{\"access_token\":\"a\",\"token_type\":\"mac\"}", CALSYNC_ERR_SCHEMA, "token_type"},
        {"{\"access_token\":\"a\",\"owner\":{}}", CALSYNC_ERR_SCHEMA, "owner"},
        {"[]", CALSYNC_ERR_SCHEMA, ""},
        {"{\"access_token\":\"a\",\"access_token\":\"b\"}", CALSYNC_ERR_JSON, ""},
        {"", CALSYNC_ERR_JSON, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        calsync_oauth_token *t = NULL;
        calsync_error err;
        int rc = calsync_oauth_token_parse(&t, cases[i].json, strlen(cases[i].json), &err);
        if (rc != cases[i].rc || (rc != CALSYNC_OK && strcmp(err.path, cases[i].path) != 0))
            fail_msg("case %zu: rc %d path \"%s\" (%s)", i, rc, err.path, err.message);
        if (rc == CALSYNC_OK) {
            assert_string_equal(t->access_token, "a");
            assert_null(t->organization);
        } else {
            assert_null(t);
        }
        calsync_oauth_token_free(t);
    }
    calsync_oauth_token_free(NULL);
}

int main(void)
{
    /* A proxy from the environment would take loopback requests elsewhere. */
    unsetenv("http_proxy");
    unsetenv("HTTP_PROXY");
    unsetenv("https_proxy");
    unsetenv("HTTPS_PROXY");
    unsetenv("all_proxy");
    unsetenv("ALL_PROXY");
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(get_sends_bearer_accept_and_path, setup, teardown),
        cmocka_unit_test_setup_teardown(keep_alive_uses_one_connection, setup, teardown),
        cmocka_unit_test_setup_teardown(post_body_delete_and_204, setup, teardown),
        cmocka_unit_test_setup_teardown(error_answer_gives_status_title_message_details, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(error_answer_not_json, setup, teardown),
        cmocka_unit_test_setup_teardown(error_message_truncated_on_utf8_boundary, setup, teardown),
        cmocka_unit_test_setup_teardown(throttled_429_retry_after_then_success, setup, teardown),
        cmocka_unit_test_setup_teardown(throttled_429_ratelimit_reset_only, setup, teardown),
        cmocka_unit_test_setup_teardown(throttled_429_http_date_ignored_guess_clamped, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(preemptive_wait_when_remaining_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(wait_over_max_wait_returned_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(server_errors_retried_with_backoff, setup, teardown),
        cmocka_unit_test_setup_teardown(max_retries_respected, setup, teardown),
        cmocka_unit_test_setup_teardown(post_retried_only_when_surely_not_processed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(dropped_connection_retried, setup, teardown),
        cmocka_unit_test_setup_teardown(dropped_connections_exhaust_to_transport, setup, teardown),
        cmocka_unit_test_setup_teardown(timeout_is_transport, setup, teardown),
        cmocka_unit_test(connection_refused_is_transport),
        cmocka_unit_test_setup_teardown(next_page_url_on_base_only, setup, teardown),
        cmocka_unit_test_setup_teardown(control_bytes_and_bad_methods_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(body_over_cap_is_too_large, setup, teardown),
        cmocka_unit_test(url_encode_cases),
        cmocka_unit_test_setup_teardown(list_parses_collection_and_token, setup, teardown),
        cmocka_unit_test_setup_teardown(list_last_page_has_no_token, setup, teardown),
        cmocka_unit_test_setup_teardown(list_bad_answers, setup, teardown),
        cmocka_unit_test(client_new_validates_options),
        cmocka_unit_test_setup_teardown(endpoint_current_user_returns_the_resource, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(endpoint_lists_build_the_query_and_page_token, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(endpoint_scheduled_events_and_invitees_are_typed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(endpoint_subscriptions_and_no_shows_send_json_bodies, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(environment_proxies_are_never_used, setup, teardown),
        cmocka_unit_test_setup_teardown(given_proxy_carries_the_request_with_its_credentials, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(noproxy_bypasses_the_given_proxy, setup, teardown),
        cmocka_unit_test_setup_teardown(oauth_code_exchange_and_refresh, setup, teardown),
        cmocka_unit_test(oauth_token_answers_every_reading),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return failed;
}
