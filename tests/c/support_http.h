/* SPDX-License-Identifier: MIT */
/* Test support: a scripted HTTP/1.1 server on 127.0.0.1 that records each request. */
#ifndef CALSYNC_SUPPORT_HTTP_H
#define CALSYNC_SUPPORT_HTTP_H

#include <stddef.h>
#include <stdint.h>

/* One canned answer, used by the next request in arrival order.  A request
 * with no answer left gets 418, which the client never retries. */
typedef struct http_answer {
    int status;
    const char *headers; /* extra header lines, each ending in "\r\n"; or NULL */
    const char *body;    /* borrowed until answered; NULL: empty */
    size_t body_len;     /* 0 with a body: strlen(body) */
    int delay_ms;        /* wait this long before answering */
    int drop;            /* close the connection instead of answering */
    int no_length;       /* no Content-Length: the body ends when the connection closes */
} http_answer;

typedef struct http_request {
    char method[16];
    char target[4096];
    char *headers; /* the header lines, "Name: value\r\n" each */
    char *body;    /* NUL-terminated */
    size_t body_len;
    int connection; /* 1 for the first accepted connection, 2 for the next... */
    int64_t at_ms;  /* monotonic time the request was complete */
} http_request;

typedef struct http_server http_server;

/* Starts the server on 127.0.0.1 with a free port; NULL on failure. */
http_server *http_server_start(void);
/* Stops it (interrupting a delay) and frees everything; NULL is fine. */
void http_server_stop(http_server *s);
/* "http://127.0.0.1:<port>", valid while s lives. */
const char *http_server_url(const http_server *s);
int http_server_port(const http_server *s);
void http_server_push(http_server *s, http_answer a);
size_t http_server_request_count(http_server *s);
size_t http_server_answers_left(http_server *s);
int http_server_connections(http_server *s);
/* Request i (0-based), valid while s lives; NULL when there is none. */
const http_request *http_server_request(http_server *s, size_t i);
/* Copies the value of header `name` (any case) into buf; 1 when present. */
int http_request_header(const http_request *r, const char *name, char *buf, size_t cap);

int64_t http_now_ms(void);

#endif
