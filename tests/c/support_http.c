/* SPDX-License-Identifier: MIT */
/* Test support: a scripted HTTP/1.1 server on 127.0.0.1, one thread polling every connection. */
#include "support_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 8
#define MAX_ANSWERS 32
#define MAX_REQUESTS 64
#define REQUEST_MAX (1u << 20)

typedef struct conn {
    int fd; /* -1: free slot */
    int id;
    char *buf;
    size_t len, cap;
} conn;

struct http_server {
    int listen_fd;
    int wake[2];
    int port;
    char url[64];
    pthread_t thread;
    pthread_mutex_t mu;
    http_answer answers[MAX_ANSWERS];
    size_t nanswers, next_answer;
    http_request requests[MAX_REQUESTS];
    size_t nrequests;
    int connections;
    conn conns[MAX_CONNS];
};

int64_t http_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_conn(conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->buf);
    c->fd = -1;
    c->buf = NULL;
    c->len = c->cap = 0;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static const char *reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 418:
        return "No Scripted Answer";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Answer";
    }
}

static const char *find_crlf2(const char *p, size_t n)
{
    for (size_t i = 0; i + 4 <= n; i++)
        if (memcmp(p + i, "\r\n\r\n", 4) == 0)
            return p + i;
    return NULL;
}

static size_t content_length(const char *hdrs, size_t n)
{
    const char *p = hdrs, *end = hdrs + n;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (eol == NULL)
            eol = end;
        if ((size_t)(eol - p) > 15 && strncasecmp(p, "content-length:", 15) == 0)
            return (size_t)strtoul(p + 15, NULL, 10);
        p = eol + 1;
    }
    return 0;
}

/* Answers one complete request; returns 0 to keep the connection, 1 when
 * it was closed, -1 when the server is stopping. */
static int answer(http_server *s, conn *c, const char *req, size_t hdr_len, size_t body_len)
{
    http_answer a = {418, NULL, "no scripted answer", 0, 0, 0, 0};
    pthread_mutex_lock(&s->mu);
    if (s->nrequests < MAX_REQUESTS) {
        http_request *r = &s->requests[s->nrequests];
        const char *sp1 = memchr(req, ' ', hdr_len);
        const char *line_end = memchr(req, '\r', hdr_len);
        if (line_end == NULL)
            line_end = req + hdr_len - 2;
        const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(line_end - sp1 - 1)) : NULL;
        if (sp1 && sp2) {
            snprintf(r->method, sizeof r->method, "%.*s", (int)(sp1 - req), req);
            snprintf(r->target, sizeof r->target, "%.*s", (int)(sp2 - sp1 - 1), sp1 + 1);
        }
        size_t hl = hdr_len - (size_t)(line_end + 2 - req);
        r->headers = malloc(hl + 1);
        r->body = malloc(body_len + 1);
        if (r->headers) {
            memcpy(r->headers, line_end + 2, hl);
            r->headers[hl] = '\0';
        }
        if (r->body) {
            memcpy(r->body, req + hdr_len + 2, body_len);
            r->body[body_len] = '\0';
        }
        r->body_len = body_len;
        r->connection = c->id;
        r->at_ms = http_now_ms();
        s->nrequests++;
    }
    if (s->next_answer < s->nanswers)
        a = s->answers[s->next_answer++];
    pthread_mutex_unlock(&s->mu);

    if (a.delay_ms > 0) {
        struct pollfd pf = {s->wake[0], POLLIN, 0};
        if (poll(&pf, 1, a.delay_ms) > 0)
            return -1;
    }
    if (a.drop) {
        close_conn(c);
        return 1;
    }
    size_t blen = a.body == NULL ? 0 : a.body_len ? a.body_len : strlen(a.body);
    char head[2048];
    int n;
    if (a.no_length)
        n = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nConnection: close\r\n%s\r\n", a.status,
                     reason(a.status), a.headers ? a.headers : "");
    else if (a.status == 204)
        n = snprintf(head, sizeof head, "HTTP/1.1 204 No Content\r\n%s\r\n",
                     a.headers ? a.headers : "");
    else
        n = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\n%s\r\n", a.status,
                     reason(a.status), blen, a.headers ? a.headers : "");
    if (n < 0 || (size_t)n >= sizeof head || send_all(c->fd, head, (size_t)n) != 0 ||
        (a.status != 204 && send_all(c->fd, a.body, blen) != 0) || a.no_length) {
        close_conn(c);
        return 1;
    }
    return 0;
}

/* Reads what arrived and answers every complete request in it. */
static int on_readable(http_server *s, conn *c)
{
    if (c->cap - c->len < 4096) {
        size_t cap = c->cap ? c->cap * 2 : 8192;
        char *nb = cap <= REQUEST_MAX ? realloc(c->buf, cap) : NULL;
        if (nb == NULL) {
            close_conn(c);
            return 0;
        }
        c->buf = nb;
        c->cap = cap;
    }
    ssize_t got = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
    if (got <= 0) {
        close_conn(c);
        return 0;
    }
    c->len += (size_t)got;
    for (;;) {
        const char *end = find_crlf2(c->buf, c->len);
        if (end == NULL)
            return 0;
        size_t hdr_len = (size_t)(end - c->buf) + 2; /* through the last header's CRLF */
        size_t body_len = content_length(c->buf, hdr_len);
        size_t total = hdr_len + 2 + body_len;
        if (c->len < total)
            return 0;
        int rc = answer(s, c, c->buf, hdr_len, body_len);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
        memmove(c->buf, c->buf + total, c->len - total);
        c->len -= total;
    }
}

static void *serve(void *arg)
{
    http_server *s = arg;
    for (;;) {
        struct pollfd pf[2 + MAX_CONNS];
        int map[2 + MAX_CONNS];
        nfds_t n = 0;
        pf[n].fd = s->wake[0];
        pf[n++].events = POLLIN;
        pf[n].fd = s->listen_fd;
        pf[n++].events = POLLIN;
        for (int i = 0; i < MAX_CONNS; i++) {
            if (s->conns[i].fd >= 0) {
                map[n] = i;
                pf[n].fd = s->conns[i].fd;
                pf[n++].events = POLLIN;
            }
        }
        for (nfds_t i = 0; i < n; i++)
            pf[i].revents = 0;
        if (poll(pf, n, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (pf[0].revents)
            break;
        if (pf[1].revents & POLLIN) {
            int fd = accept(s->listen_fd, NULL, NULL);
            int slot = -1;
            for (int i = 0; fd >= 0 && i < MAX_CONNS && slot < 0; i++)
                if (s->conns[i].fd < 0)
                    slot = i;
            if (slot < 0) {
                if (fd >= 0)
                    close(fd);
            } else {
                pthread_mutex_lock(&s->mu);
                s->conns[slot].id = ++s->connections;
                pthread_mutex_unlock(&s->mu);
                s->conns[slot].fd = fd;
            }
        }
        int stop = 0;
        for (nfds_t i = 2; i < n && !stop; i++)
            if (pf[i].revents && s->conns[map[i]].fd == pf[i].fd)
                stop = on_readable(s, &s->conns[map[i]]) < 0;
        if (stop)
            break;
    }
    for (int i = 0; i < MAX_CONNS; i++)
        close_conn(&s->conns[i]);
    return NULL;
}

http_server *http_server_start(void)
{
    http_server *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->wake[0] = s->wake[1] = -1;
    for (int i = 0; i < MAX_CONNS; i++)
        s->conns[i].fd = -1;
    pthread_mutex_init(&s->mu, NULL);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof addr;
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        listen(s->listen_fd, 16) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&addr, &alen) != 0 || pipe(s->wake) != 0)
        goto fail;
    s->port = ntohs(addr.sin_port);
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", s->port);
    if (pthread_create(&s->thread, NULL, serve, s) != 0)
        goto fail;
    return s;
fail:
    perror("http_server_start");
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    if (s->wake[0] >= 0) {
        close(s->wake[0]);
        close(s->wake[1]);
    }
    pthread_mutex_destroy(&s->mu);
    free(s);
    return NULL;
}

void http_server_stop(http_server *s)
{
    if (s == NULL)
        return;
    ssize_t w;
    do
        w = write(s->wake[1], "x", 1);
    while (w < 0 && errno == EINTR);
    pthread_join(s->thread, NULL);
    close(s->listen_fd);
    close(s->wake[0]);
    close(s->wake[1]);
    for (size_t i = 0; i < s->nrequests; i++) {
        free(s->requests[i].headers);
        free(s->requests[i].body);
    }
    pthread_mutex_destroy(&s->mu);
    free(s);
}

const char *http_server_url(const http_server *s)
{
    return s->url;
}

int http_server_port(const http_server *s)
{
    return s->port;
}

void http_server_push(http_server *s, http_answer a)
{
    pthread_mutex_lock(&s->mu);
    if (s->nanswers < MAX_ANSWERS)
        s->answers[s->nanswers++] = a;
    pthread_mutex_unlock(&s->mu);
}

size_t http_server_request_count(http_server *s)
{
    pthread_mutex_lock(&s->mu);
    size_t n = s->nrequests;
    pthread_mutex_unlock(&s->mu);
    return n;
}

size_t http_server_answers_left(http_server *s)
{
    pthread_mutex_lock(&s->mu);
    size_t n = s->nanswers - s->next_answer;
    pthread_mutex_unlock(&s->mu);
    return n;
}

int http_server_connections(http_server *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->connections;
    pthread_mutex_unlock(&s->mu);
    return n;
}

const http_request *http_server_request(http_server *s, size_t i)
{
    pthread_mutex_lock(&s->mu);
    const http_request *r = i < s->nrequests ? &s->requests[i] : NULL;
    pthread_mutex_unlock(&s->mu);
    return r;
}

int http_request_header(const http_request *r, const char *name, char *buf, size_t cap)
{
    size_t nl = strlen(name);
    const char *p = r->headers;
    while (p != NULL && *p != '\0') {
        const char *eol = strstr(p, "\r\n");
        if (eol == NULL)
            eol = p + strlen(p);
        if ((size_t)(eol - p) > nl && p[nl] == ':' && strncasecmp(p, name, nl) == 0) {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            snprintf(buf, cap, "%.*s", (int)(eol - v), v);
            return 1;
        }
        p = *eol ? eol + 2 : eol;
    }
    return 0;
}
