/* SPDX-License-Identifier: MIT */
/* The Calendly REST client: one reused libcurl handle, rate-limit aware retries, typed errors,
 * pages. */
#include "client_internal.h"
#include "internal.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define CONNECT_TIMEOUT_DEFAULT_MS 5000L
#define TIMEOUT_DEFAULT_MS 20000L
#define MAX_RETRIES_DEFAULT 3
#define MAX_WAIT_DEFAULT_MS 60000L
#define BACKOFF_429_MS 1000         /* first guess when a 429 says nothing of when */
#define BACKOFF_FAIL_MS 500         /* first back-off after a 5xx or transport failure */
#define BACKOFF_CEIL_MS 3600000     /* doubling stops here; max_wait_ms clamps far earlier */
#define HEADER_SECONDS_MAX 10000000 /* ~115 days: longer header values are clamped */
#define URL_MAX 16384
#define TOKEN_MAX 8192
#define PROXY_MAX 2048
#define DISPLAY_MAX 120 /* path shown in error messages */

/* What the headers of the latest answer said; -1 when a header was absent
 * (or, for Retry-After, in the HTTP-date form, which we ignore: Calendly
 * documents X-RateLimit-Reset in seconds, and a date would need a trusted
 * wall clock). */
typedef struct answer_headers {
    long limit;
    long remaining;
    int64_t reset_ms;       /* until the window resets, from seen_at_ms */
    int64_t retry_after_ms; /* from seen_at_ms */
    int64_t seen_at_ms;     /* monotonic time the headers arrived */
} answer_headers;

struct calsync_client {
    CURL *curl;
    struct curl_slist *headers; /* holds the bearer token or Basic credentials: wiped on free */
    calsync_client_kind kind;
    char *client_id;     /* AUTH kind: for the revoke form; wiped on free */
    char *client_secret; /* AUTH kind: for the revoke form; wiped on free */
    char *base_url;
    size_t base_len;
    long max_wait_ms;
    int max_retries;
    calsync_client_stats stats;
    calsync_rate_limit rate;
    answer_headers ans;
    /* The answer body of the current attempt: grows up to CALSYNC_BODY_MAX. */
    char *body;
    size_t body_len;
    size_t body_cap;
    int body_over;
    int body_nomem;
    char errbuf[CURL_ERROR_SIZE];
};

struct calsync_page {
    size_t count;
    char **items; /* compact JSON, NUL-terminated */
    size_t *item_lens;
    char *next_token; /* NULL on the last page */
    size_t next_len;
    /* Typed items of the endpoint lists (NULL for lists of plain JSON);
     * an entry is NULL once taken. */
    calsync_sched **scheds;
    calsync_event **invitees;
};

typedef enum verb { VERB_GET, VERB_POST, VERB_DELETE } verb;

/* ------------------------------------------------------------------------ */
/* Clock                                                                     */
/* ------------------------------------------------------------------------ */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps until an absolute monotonic deadline, so that signals (EINTR) and
 * wall-clock jumps neither shorten nor stretch a back-off. */
static void sleep_until(calsync_client *c, int64_t deadline_ms)
{
    int64_t start = now_ms();
    if (deadline_ms <= start)
        return;
    struct timespec ts;
    ts.tv_sec = (time_t)(deadline_ms / 1000);
    ts.tv_nsec = (long)(deadline_ms % 1000) * 1000000L;
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
    c->stats.slept_ms += now_ms() - start;
}

/* ------------------------------------------------------------------------ */
/* Bounded text                                                              */
/* ------------------------------------------------------------------------ */

/* A fixed buffer filled with external text: control bytes become spaces,
 * and text that does not fit ends in "..." cut on a UTF-8 character
 * boundary, so the result stays valid UTF-8 for the PHP side. */
typedef struct text {
    char *buf;
    size_t cap; /* >= 4 */
    size_t len;
    int cut;
} text;

static void text_init(text *t, char *buf, size_t cap)
{
    t->buf = buf;
    t->cap = cap;
    t->len = 0;
    t->cut = 0;
    buf[0] = '\0';
}

static void text_ellipsis(text *t)
{
    t->cut = 1;
    while (t->len > 0 && t->len + 4 > t->cap) {
        t->len--;
        while (t->len > 0 && ((unsigned char)t->buf[t->len] & 0xC0) == 0x80)
            t->len--;
    }
    if (t->len + 4 <= t->cap) {
        memcpy(t->buf + t->len, "...", 3);
        t->len += 3;
    }
    t->buf[t->len] = '\0';
}

static void text_put(text *t, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && !t->cut) {
        unsigned char lead = (unsigned char)s[i];
        size_t clen = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        if (clen > n - i)
            clen = n - i;
        if (t->len + clen + 1 > t->cap) {
            text_ellipsis(t);
            break;
        }
        for (size_t k = 0; k < clen; k++) {
            unsigned char b = (unsigned char)s[i + k];
            t->buf[t->len++] = (b < 0x20 || b == 0x7F) ? ' ' : (char)b;
        }
        i += clen;
    }
    t->buf[t->len] = '\0';
}

static void text_puts(text *t, const char *s)
{
    text_put(t, s, strlen(s));
}

/* ------------------------------------------------------------------------ */
/* Error answers                                                             */
/* ------------------------------------------------------------------------ */

/* A non-empty JSON string member, or NULL. */
static const char *member_string(const json_t *obj, const char *key, size_t *len)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_string(v) || json_string_length(v) == 0)
        return NULL;
    *len = json_string_length(v);
    return json_string_value(v);
}

int calsync_client_parse_error(calsync_error *err, int status, const char *body, size_t len)
{
    if (err == NULL)
        return CALSYNC_ERR_HTTP;
    char message[CALSYNC_ERROR_MESSAGE_MAX];
    text msg;
    text_init(&msg, message, sizeof message);
    calsync_error_clear(err);
    err->code = CALSYNC_ERR_HTTP;
    err->http_status = status;
    text title;
    text_init(&title, err->title, sizeof err->title);

    json_error_t jerr;
    json_t *root = NULL;
    if (body != NULL && len > 0 && len <= CALSYNC_BODY_MAX)
        root = json_loadb(body, len, 0, &jerr);
    if (json_is_object(root)) {
        size_t tlen = 0, mlen = 0;
        const char *t = member_string(root, "title", &tlen);
        const char *m = member_string(root, "message", &mlen);
        /* The auth base answers OAuth's {error, error_description}. */
        if (t == NULL && m == NULL) {
            t = member_string(root, "error", &tlen);
            m = member_string(root, "error_description", &mlen);
        }
        if (t != NULL) {
            text_put(&title, t, tlen);
            text_put(&msg, t, tlen);
        }
        if (m != NULL) {
            if (t != NULL)
                text_puts(&msg, ": ");
            text_put(&msg, m, mlen);
        }
        if (msg.len == 0) {
            char fallback[32];
            snprintf(fallback, sizeof fallback, "HTTP %d", status);
            text_puts(&msg, fallback);
        }
        /* Which parameter was wrong is the part an admin can act on. */
        const json_t *details = json_object_get(root, "details");
        size_t i, shown = 0;
        const json_t *d;
        json_array_foreach(details, i, d)
        {
            size_t plen = 0, dlen = 0;
            const char *p = member_string(d, "parameter", &plen);
            const char *dm = member_string(d, "message", &dlen);
            if (p == NULL && dm == NULL)
                continue;
            text_puts(&msg, shown++ == 0 ? " (" : "; ");
            if (p != NULL)
                text_put(&msg, p, plen);
            if (p != NULL && dm != NULL)
                text_puts(&msg, ": ");
            if (dm != NULL)
                text_put(&msg, dm, dlen);
        }
        if (shown > 0)
            text_puts(&msg, ")");
    } else {
        snprintf(message, sizeof message, "HTTP %d", status);
    }
    json_decref(root);
    memcpy(err->message, message, sizeof err->message);
    return CALSYNC_ERR_HTTP;
}

/* ------------------------------------------------------------------------ */
/* Pages                                                                     */
/* ------------------------------------------------------------------------ */

void calsync_page_free(calsync_page *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->count; i++) {
        free(p->items[i]);
        if (p->scheds != NULL)
            calsync_sched_free(p->scheds[i]);
        if (p->invitees != NULL)
            calsync_event_free(p->invitees[i]);
    }
    free(p->scheds);
    free(p->invitees);
    free(p->items);
    free(p->item_lens);
    free(p->next_token);
    free(p);
}

size_t calsync_page_count(const calsync_page *p)
{
    return p != NULL ? p->count : 0;
}

calsync_str calsync_page_next_token(const calsync_page *p)
{
    if (p == NULL || p->next_token == NULL)
        return calsync_str_of(NULL, 0);
    return calsync_str_of(p->next_token, p->next_len);
}

calsync_str calsync_page_item_json(const calsync_page *p, size_t i)
{
    if (p == NULL || i >= p->count)
        return calsync_str_of(NULL, 0);
    return calsync_str_of(p->items[i], p->item_lens[i]);
}

int calsync_client_parse_page(calsync_page **out, const char *body, size_t len, calsync_error *err)
{
    if (out == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "out is NULL");
    *out = NULL;
    calsync_error_clear(err);
    if (len > CALSYNC_BODY_MAX)
        return calsync_fail(err, CALSYNC_ERR_TOO_LARGE, NULL,
                            "page is %zu bytes, over the limit of %u bytes", len, CALSYNC_BODY_MAX);

    int rc = CALSYNC_OK;
    calsync_page *p = NULL;
    json_error_t jerr;
    json_t *root = json_loadb(body != NULL ? body : "", len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        if (json_error_code(&jerr) == json_error_out_of_memory)
            return calsync_fail(err, CALSYNC_ERR_NOMEM, NULL, "out of memory while parsing JSON");
        return calsync_fail(err, CALSYNC_ERR_JSON, NULL, "invalid JSON at line %d, column %d: %s",
                            jerr.line, jerr.column, jerr.text);
    }
    if (!json_is_object(root)) {
        rc = calsync_fail(err, CALSYNC_ERR_SCHEMA, "", "expected object, got %s",
                          calsync_json_type_name(root));
        goto out;
    }
    const json_t *coll = json_object_get(root, "collection");
    if (!json_is_array(coll)) {
        rc = coll == NULL ? calsync_fail(err, CALSYNC_ERR_SCHEMA, "collection", "missing")
                          : calsync_fail(err, CALSYNC_ERR_SCHEMA, "collection",
                                         "expected array, got %s", calsync_json_type_name(coll));
        goto out;
    }
    const json_t *pag = json_object_get(root, "pagination");
    const json_t *tok = NULL;
    if (pag != NULL && !json_is_null(pag)) {
        if (!json_is_object(pag)) {
            rc = calsync_fail(err, CALSYNC_ERR_SCHEMA, "pagination",
                              "expected object or null, got %s", calsync_json_type_name(pag));
            goto out;
        }
        tok = json_object_get(pag, "next_page_token");
        if (tok != NULL && !json_is_null(tok) && !json_is_string(tok)) {
            rc = calsync_fail(err, CALSYNC_ERR_SCHEMA, "pagination.next_page_token",
                              "expected string or null, got %s", calsync_json_type_name(tok));
            goto out;
        }
    }

    p = calloc(1, sizeof *p);
    size_t n = json_array_size(coll);
    if (p == NULL || (n > 0 && ((p->items = calloc(n, sizeof *p->items)) == NULL ||
                                (p->item_lens = calloc(n, sizeof *p->item_lens)) == NULL))) {
        rc = calsync_fail(err, CALSYNC_ERR_NOMEM, NULL, "out of memory for a page of %zu items", n);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *item = json_array_get(coll, i);
        if (!json_is_object(item)) {
            char path[CALSYNC_ERROR_PATH_MAX];
            snprintf(path, sizeof path, "collection[%zu]", i);
            rc = calsync_fail(err, CALSYNC_ERR_SCHEMA, path, "expected object, got %s",
                              calsync_json_type_name(item));
            goto out;
        }
        char *s = json_dumps(item, JSON_COMPACT);
        if (s == NULL) {
            rc = calsync_fail(err, CALSYNC_ERR_NOMEM, NULL, "out of memory encoding item %zu", i);
            goto out;
        }
        p->items[i] = s;
        p->item_lens[i] = strlen(s);
        p->count = i + 1;
    }
    /* An empty token would make a caller ask for the first page again,
     * forever: only a non-empty one means "there is more". */
    if (json_is_string(tok) && json_string_length(tok) > 0) {
        size_t tl = json_string_length(tok);
        p->next_token = malloc(tl + 1);
        if (p->next_token == NULL) {
            rc = calsync_fail(err, CALSYNC_ERR_NOMEM, NULL, "out of memory for the page token");
            goto out;
        }
        memcpy(p->next_token, json_string_value(tok), tl + 1);
        p->next_len = tl;
    }
    *out = p;
    p = NULL;
out:
    calsync_page_free(p);
    json_decref(root);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* libcurl callbacks                                                         */
/* ------------------------------------------------------------------------ */

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    calsync_client *c = userdata;
    size_t len = size * nmemb; /* libcurl documents size as always 1 */
    if (len == 0)
        return 0;
    if (len > CALSYNC_BODY_MAX - c->body_len) {
        c->body_over = 1;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    size_t need = c->body_len + len + 1;
    if (need > c->body_cap) {
        size_t cap = c->body_cap ? c->body_cap : 16384;
        while (cap < need)
            cap *= 2;
        if (cap > (size_t)CALSYNC_BODY_MAX + 1)
            cap = (size_t)CALSYNC_BODY_MAX + 1;
        char *nb = realloc(c->body, cap);
        if (nb == NULL) {
            c->body_nomem = 1;
            return 0;
        }
        c->body = nb;
        c->body_cap = cap;
    }
    memcpy(c->body + c->body_len, data, len);
    c->body_len += len;
    c->body[c->body_len] = '\0';
    return len;
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r' ||
                      (*s)[*n - 1] == '\n'))
        (*n)--;
}

/* "123" or "1.5" seconds as milliseconds, clamped to HEADER_SECONDS_MAX;
 * -1 for anything else (an HTTP date, a sign, garbage). */
static int64_t parse_seconds_ms(const char *s, size_t n)
{
    size_t i = 0;
    int64_t sec = 0;
    if (n == 0 || s[0] < '0' || s[0] > '9')
        return -1;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        if (sec <= HEADER_SECONDS_MAX)
            sec = sec * 10 + (s[i] - '0');
    int64_t ms = 0;
    if (i < n && s[i] == '.') {
        int64_t scale = 100;
        if (++i == n)
            return -1;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
            ms += (s[i] - '0') * scale;
    }
    if (i != n)
        return -1;
    if (sec > HEADER_SECONDS_MAX)
        return (int64_t)HEADER_SECONDS_MAX * 1000;
    return sec * 1000 + ms;
}

static long parse_count(const char *s, size_t n)
{
    int64_t ms = parse_seconds_ms(s, n);
    if (ms < 0 || ms % 1000 != 0)
        return -1;
    return (long)(ms / 1000);
}

static int header_is(const char *name, size_t n, const char *want)
{
    return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

static void reset_answer_headers(answer_headers *a)
{
    a->limit = -1;
    a->remaining = -1;
    a->reset_ms = -1;
    a->retry_after_ms = -1;
    a->seen_at_ms = now_ms();
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userdata)
{
    calsync_client *c = userdata;
    size_t len = size * nmemb;
    /* A status line starts a new answer (a 100 Continue precedes the real
     * one): only the final answer's headers count. */
    if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        reset_answer_headers(&c->ans);
        return len;
    }
    const char *colon = memchr(data, ':', len);
    if (colon == NULL)
        return len;
    const char *name = data;
    size_t name_len = (size_t)(colon - data);
    const char *value = colon + 1;
    size_t value_len = len - name_len - 1;
    trim(&value, &value_len);
    if (header_is(name, name_len, "x-ratelimit-limit"))
        c->ans.limit = parse_count(value, value_len);
    else if (header_is(name, name_len, "x-ratelimit-remaining"))
        c->ans.remaining = parse_count(value, value_len);
    else if (header_is(name, name_len, "x-ratelimit-reset"))
        c->ans.reset_ms = parse_seconds_ms(value, value_len);
    else if (header_is(name, name_len, "retry-after"))
        c->ans.retry_after_ms = parse_seconds_ms(value, value_len);
    return len;
}

/* ------------------------------------------------------------------------ */
/* Client lifecycle                                                          */
/* ------------------------------------------------------------------------ */

/* Printable ASCII only (space allowed when `space`): anything else could
 * split a header line or a request line. */
static int printable(const char *s, size_t n, int space)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b < 0x20 || b >= 0x7F || (b == ' ' && !space))
            return 0;
    }
    return 1;
}

/* Whether the host of an http:// base URL (after the scheme) is a loopback
 * name: plain HTTP would carry the bearer token in clear text, so it is
 * allowed only where the traffic never leaves the machine. */
static int loopback_host(const char *host, size_t len)
{
    size_t end = 0;
    if (len > 0 && host[0] == '[') {
        while (end < len && host[end] != ']')
            end++;
        end += end < len; /* include the ']' */
    } else {
        while (end < len && host[end] != '/' && host[end] != ':')
            end++;
    }
    if (end == 9 && strncmp(host, "localhost", 9) == 0)
        return 1;
    if (end == 5 && strncmp(host, "[::1]", 5) == 0)
        return 1;
    if (end < 4 || strncmp(host, "127.", 4) != 0)
        return 0;
    for (size_t i = 4; i < end; i++)
        if (!((host[i] >= '0' && host[i] <= '9') || host[i] == '.'))
            return 0;
    return 1;
}

static int check_base_url(const char *url, size_t *base_len, calsync_error *err)
{
    if (url == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "base_url is NULL");
    size_t n = strlen(url);
    size_t scheme = strncmp(url, "https://", 8) == 0 ? 8 : strncmp(url, "http://", 7) == 0 ? 7 : 0;
    if (scheme == 0)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "base_url must start with https:// (or http:// on loopback)");
    if (n > URL_MAX || !printable(url, n, 0))
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "base_url holds a control byte, a space or a non-ASCII byte");
    if (strpbrk(url, "?#@\\") != NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "base_url must not hold a query, a fragment, user info or '\\'");
    while (n > scheme && url[n - 1] == '/')
        n--;
    if (n == scheme || url[scheme] == '/')
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "base_url has no host");
    if (scheme == 7 && !loopback_host(url + scheme, n - scheme))
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "base_url must use https:// (http:// only for 127.0.0.1, [::1] or "
                            "localhost: the token must not travel in clear text)");
    *base_len = n;
    return CALSYNC_OK;
}

static int curl_fail(calsync_error *err, CURLcode cc, const char *what)
{
    return calsync_fail(err, cc == CURLE_OUT_OF_MEMORY ? CALSYNC_ERR_NOMEM : CALSYNC_ERR_TRANSPORT,
                        NULL, "libcurl refused %s: %s", what, curl_easy_strerror(cc));
}

#define SETOPT(opt, val)                                                                           \
    do {                                                                                           \
        CURLcode cc_ = curl_easy_setopt(c->curl, opt, val);                                        \
        if (cc_ != CURLE_OK) {                                                                     \
            rc = curl_fail(err, cc_, #opt);                                                        \
            goto out;                                                                              \
        }                                                                                          \
    } while (0)

/* A NUL-terminated copy that calsync_client_free wipes. */
static char *secret_copy(const char *s)
{
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (p != NULL)
        memcpy(p, s, n + 1);
    return p;
}

static void secret_free(char *s)
{
    if (s != NULL) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

/* application/x-www-form-urlencoded of one value (RFC 3986 unreserved
 * kept, everything else %XX) into a malloc'd buffer; NULL on no memory. */
static char *form_encode(const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = malloc(3 * n + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
            b == '-' || b == '.' || b == '_' || b == '~') {
            out[o++] = (char)b;
        } else {
            out[o++] = '%';
            out[o++] = hex[b >> 4];
            out[o++] = hex[b & 15];
        }
    }
    out[o] = '\0';
    return out;
}

/* "Authorization: Basic base64(form(id) ":" form(secret))" (RFC 6749
 * section 2.3.1), malloc'd; the caller wipes it. */
static char *basic_header(const char *id, const char *secret)
{
    char *fid = form_encode(id, strlen(id));
    char *fsec = form_encode(secret, strlen(secret));
    char *pair = NULL, *line = NULL;
    size_t plen = 0;
    if (fid == NULL || fsec == NULL)
        goto out;
    plen = strlen(fid) + 1 + strlen(fsec);
    pair = malloc(plen + 1);
    if (pair == NULL)
        goto out;
    snprintf(pair, plen + 1, "%s:%s", fid, fsec);
    static const char prefix[] = "Authorization: Basic ";
    size_t blen = 4 * ((plen + 2) / 3);
    line = malloc(sizeof prefix - 1 + blen + 1);
    if (line == NULL)
        goto out;
    memcpy(line, prefix, sizeof prefix - 1);
    EVP_EncodeBlock((unsigned char *)line + sizeof prefix - 1, (const unsigned char *)pair,
                    (int)plen);
out:
    secret_free(fid);
    secret_free(fsec);
    secret_free(pair);
    return line;
}

static int check_kind_credentials(const calsync_client_options *opts, calsync_error *err)
{
    if (opts->kind == CALSYNC_CLIENT_API) {
        size_t token_len = opts->token != NULL ? strlen(opts->token) : 0;
        if (token_len == 0)
            return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "token is missing or empty");
        if (token_len > TOKEN_MAX || !printable(opts->token, token_len, 0))
            return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                                "token must be printable ASCII without spaces, at most %d bytes",
                                TOKEN_MAX);
        if (opts->client_id != NULL || opts->client_secret != NULL)
            return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                                "client_id and client_secret belong to an auth client");
        return CALSYNC_OK;
    }
    if (opts->kind != CALSYNC_CLIENT_AUTH)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "kind %d is unknown", (int)opts->kind);
    if (opts->token != NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "token must be NULL for an auth client (it authenticates with "
                            "client_id and client_secret)");
    const char *names[] = {"client_id", "client_secret"};
    const char *vals[] = {opts->client_id, opts->client_secret};
    for (int i = 0; i < 2; i++) {
        size_t n = vals[i] != NULL ? strlen(vals[i]) : 0;
        if (n == 0)
            return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "%s is missing or empty",
                                names[i]);
        if (n > TOKEN_MAX || !printable(vals[i], n, 0))
            return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                                "%s must be printable ASCII without spaces, at most %d bytes",
                                names[i], TOKEN_MAX);
    }
    return CALSYNC_OK;
}

static int check_proxy_options(const calsync_client_options *opts, calsync_error *err)
{
    if (opts->proxy != NULL &&
        (strlen(opts->proxy) > PROXY_MAX || !printable(opts->proxy, strlen(opts->proxy), 0)))
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "proxy must be printable ASCII without spaces, at most %d bytes",
                            PROXY_MAX);
    if (opts->noproxy != NULL &&
        (strlen(opts->noproxy) > PROXY_MAX || !printable(opts->noproxy, strlen(opts->noproxy), 1)))
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "noproxy must be printable ASCII, at most %d bytes", PROXY_MAX);
    if (opts->proxy_userpwd != NULL) {
        size_t n = strlen(opts->proxy_userpwd);
        if (n == 0 || n > PROXY_MAX || !printable(opts->proxy_userpwd, n, 1))
            return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                                "proxy_userpwd must be non-empty printable ASCII, at most %d bytes",
                                PROXY_MAX);
        if (opts->proxy == NULL || opts->proxy[0] == '\0')
            return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                                "proxy_userpwd is given without a proxy");
    }
    return CALSYNC_OK;
}

int calsync_client_new(calsync_client **out, const calsync_client_options *opts, calsync_error *err)
{
    if (out == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "out is NULL");
    *out = NULL;
    calsync_error_clear(err);
    if (opts == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "options are NULL");

    size_t base_len = 0;
    int rc = check_base_url(opts->base_url, &base_len, err);
    if (rc != CALSYNC_OK)
        return rc;
    if ((rc = check_kind_credentials(opts, err)) != CALSYNC_OK ||
        (rc = check_proxy_options(opts, err)) != CALSYNC_OK)
        return rc;
    if (opts->connect_timeout_ms < 0 || opts->timeout_ms < 0 || opts->max_wait_ms < 0)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "timeouts and max_wait_ms must be >= 0");
    if (opts->user_agent != NULL && !printable(opts->user_agent, strlen(opts->user_agent), 1))
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "user_agent must be printable ASCII");
    if (opts->ca_file != NULL && opts->ca_file[0] == '\0')
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "ca_file is empty (use NULL)");

    char *auth = NULL;
    calsync_client *c = calloc(1, sizeof *c);
    if (c == NULL)
        return calsync_fail(err, CALSYNC_ERR_NOMEM, NULL, "out of memory for the client");
    c->kind = opts->kind;
    c->max_retries = opts->max_retries < 0 ? MAX_RETRIES_DEFAULT : opts->max_retries;
    c->max_wait_ms = opts->max_wait_ms ? opts->max_wait_ms : MAX_WAIT_DEFAULT_MS;
    c->rate.limit = -1;
    c->rate.remaining = -1;
    c->rate.reset_at_ms = 0;
    c->base_url = malloc(base_len + 1);
    if (c->base_url == NULL) {
        rc = calsync_fail(err, CALSYNC_ERR_NOMEM, NULL, "out of memory for the base URL");
        goto out;
    }
    memcpy(c->base_url, opts->base_url, base_len);
    c->base_url[base_len] = '\0';
    c->base_len = base_len;

    const char *content_type;
    if (opts->kind == CALSYNC_CLIENT_AUTH) {
        c->client_id = secret_copy(opts->client_id);
        c->client_secret = secret_copy(opts->client_secret);
        auth = basic_header(opts->client_id, opts->client_secret);
        content_type = "Content-Type: application/x-www-form-urlencoded";
    } else {
        size_t auth_len = sizeof "Authorization: Bearer " - 1 + strlen(opts->token);
        auth = malloc(auth_len + 1);
        if (auth != NULL)
            snprintf(auth, auth_len + 1, "Authorization: Bearer %s", opts->token);
        content_type = "Content-Type: application/json";
    }
    if (auth == NULL ||
        (opts->kind == CALSYNC_CLIENT_AUTH && (c->client_id == NULL || c->client_secret == NULL))) {
        rc = calsync_fail(err, CALSYNC_ERR_NOMEM, NULL, "out of memory for the credentials");
        goto out;
    }
    /* "Expect:" stops libcurl from stalling a large POST on 100-continue. */
    const char *fixed[] = {"Accept: application/json", content_type, "Expect:"};
    struct curl_slist *l = curl_slist_append(NULL, auth);
    for (size_t i = 0; l != NULL && i < sizeof fixed / sizeof fixed[0]; i++) {
        struct curl_slist *nl = curl_slist_append(l, fixed[i]);
        if (nl == NULL) {
            OPENSSL_cleanse(l->data, strlen(l->data));
            curl_slist_free_all(l);
        }
        l = nl;
    }
    if (l == NULL) {
        rc = calsync_fail(err, CALSYNC_ERR_NOMEM, NULL, "out of memory for the request headers");
        goto out;
    }
    c->headers = l;

    c->curl = curl_easy_init();
    if (c->curl == NULL) {
        rc = calsync_fail(err, CALSYNC_ERR_NOMEM, NULL,
                          "curl_easy_init failed (out of memory, or curl_global_init not called)");
        goto out;
    }
    /* http is allowed only because the tests and the local fake Calendly
     * listen on loopback.  TLS verification is always on for https:
     * CURLOPT_SSL_VERIFYPEER and CURLOPT_SSL_VERIFYHOST keep their
     * verifying defaults and are never set here. */
    SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
    SETOPT(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    /* A redirect could carry the credentials to another host. */
    SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
    /* Signals belong to the host process (PHP-FPM); timeouts must not use them. */
    SETOPT(CURLOPT_NOSIGNAL, 1L);
    SETOPT(CURLOPT_CONNECTTIMEOUT_MS,
           opts->connect_timeout_ms ? opts->connect_timeout_ms : CONNECT_TIMEOUT_DEFAULT_MS);
    SETOPT(CURLOPT_TIMEOUT_MS, opts->timeout_ms ? opts->timeout_ms : TIMEOUT_DEFAULT_MS);
    SETOPT(CURLOPT_TCP_KEEPALIVE, 1L);
    SETOPT(CURLOPT_HTTPHEADER, c->headers);
    SETOPT(CURLOPT_USERAGENT,
           opts->user_agent != NULL ? opts->user_agent : "calsync/" CALSYNC_VERSION);
    SETOPT(CURLOPT_ACCEPT_ENCODING, "");
    /* Only the caller's proxy: an empty CURLOPT_PROXY disables proxies and
     * an empty CURLOPT_NOPROXY bypasses nothing, and either, once set,
     * keeps libcurl from reading http_proxy, https_proxy, all_proxy and
     * no_proxy (any case) from the environment. */
    SETOPT(CURLOPT_PROXY, opts->proxy != NULL ? opts->proxy : "");
    SETOPT(CURLOPT_NOPROXY, opts->noproxy != NULL ? opts->noproxy : "");
    if (opts->proxy_userpwd != NULL)
        SETOPT(CURLOPT_PROXYUSERPWD, opts->proxy_userpwd);
    /* Refuses an announced oversize body before reading it; on_body
     * enforces the same cap on what actually arrives (decoded). */
    SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)CALSYNC_BODY_MAX);
    SETOPT(CURLOPT_WRITEFUNCTION, on_body);
    SETOPT(CURLOPT_WRITEDATA, c);
    SETOPT(CURLOPT_HEADERFUNCTION, on_header);
    SETOPT(CURLOPT_HEADERDATA, c);
    SETOPT(CURLOPT_ERRORBUFFER, c->errbuf);
    if (opts->ca_file != NULL)
        SETOPT(CURLOPT_CAINFO, opts->ca_file);
    *out = c;
    c = NULL;
out:
    secret_free(auth);
    calsync_client_free(c);
    return rc;
}

void calsync_client_free(calsync_client *c)
{
    if (c == NULL)
        return;
    if (c->curl != NULL)
        curl_easy_cleanup(c->curl);
    for (struct curl_slist *l = c->headers; l != NULL; l = l->next)
        OPENSSL_cleanse(l->data, strlen(l->data));
    curl_slist_free_all(c->headers);
    secret_free(c->client_id);
    secret_free(c->client_secret);
    free(c->base_url);
    free(c->body);
    free(c);
}

void calsync_client_get_stats(const calsync_client *c, calsync_client_stats *out,
                              calsync_rate_limit *rate)
{
    if (out != NULL) {
        if (c != NULL) {
            *out = c->stats;
        } else {
            memset(out, 0, sizeof *out);
        }
    }
    if (rate != NULL) {
        if (c != NULL) {
            *rate = c->rate;
        } else {
            rate->limit = -1;
            rate->remaining = -1;
            rate->reset_at_ms = 0;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                  */
/* ------------------------------------------------------------------------ */

/*
 * The URL for path_and_query, or CALSYNC_ERR_ARGUMENT.  A full URL must
 * continue the base with '/' or '?': a bare prefix test would let
 * "https://api.calendly.com.evil.example/" or "...com@evil.example" take
 * the token elsewhere.  *display: the path without its query (it may hold
 * an e-mail address), for error messages.
 */
static int build_url(char **url, const char **display, size_t *display_len, const calsync_client *c,
                     const char *pq, calsync_error *err)
{
    *url = NULL;
    if (pq == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "path_and_query is NULL");
    size_t n = strnlen(pq, URL_MAX + 1);
    if (n > URL_MAX)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "path_and_query is longer than %d bytes", URL_MAX);
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)pq[i];
        if (b <= 0x20 || b >= 0x7F)
            return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                                "path_and_query holds a control, space or non-ASCII byte "
                                "(0x%02x) at offset %zu",
                                b, i);
    }
    const char *rel;
    size_t total;
    if (pq[0] == '/') {
        rel = pq;
        total = c->base_len + n;
    } else if (n > c->base_len && strncmp(pq, c->base_url, c->base_len) == 0 &&
               (pq[c->base_len] == '/' || pq[c->base_len] == '?')) {
        rel = pq + c->base_len;
        total = n;
    } else {
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "path_and_query must start with '/' or with the base URL %s",
                            c->base_url);
    }
    *display = rel;
    *display_len = strcspn(rel, "?");
    if (*display_len > DISPLAY_MAX)
        *display_len = DISPLAY_MAX;
    char *u = malloc(total + 1);
    if (u == NULL)
        return calsync_fail(err, CALSYNC_ERR_NOMEM, NULL, "out of memory for the URL");
    if (pq[0] == '/') {
        memcpy(u, c->base_url, c->base_len);
        memcpy(u + c->base_len, pq, n + 1);
    } else {
        memcpy(u, pq, n + 1);
    }
    *url = u;
    return CALSYNC_OK;
}

static int set_request(calsync_client *c, verb v, const char *url, const char *body,
                       size_t body_len, calsync_error *err)
{
    int rc = CALSYNC_OK;
    SETOPT(CURLOPT_URL, url);
    if (v == VERB_POST || body != NULL) {
        SETOPT(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
        SETOPT(CURLOPT_POSTFIELDS, body != NULL ? body : "");
    } else {
        SETOPT(CURLOPT_HTTPGET, 1L);
    }
    SETOPT(CURLOPT_CUSTOMREQUEST, v == VERB_DELETE ? "DELETE" : (const char *)NULL);
out:
    return rc;
}

#undef SETOPT

static void drop_body(calsync_client *c)
{
    free(c->body);
    c->body = NULL;
    c->body_len = 0;
    c->body_cap = 0;
    c->body_over = 0;
    c->body_nomem = 0;
}

/* Keeps what the answer said about the rate limit; an answer without the
 * headers leaves the last known state. */
static void remember_rate(calsync_client *c)
{
    const answer_headers *a = &c->ans;
    if (a->limit >= 0)
        c->rate.limit = a->limit;
    if (a->remaining >= 0) {
        c->rate.remaining = a->remaining;
        c->rate.reset_at_ms = a->reset_ms >= 0 ? a->seen_at_ms + a->reset_ms : 0;
    } else if (a->reset_ms >= 0) {
        c->rate.reset_at_ms = a->seen_at_ms + a->reset_ms;
    }
}

/* Failures where the request surely never reached the server, so that
 * even a POST can be sent again without doing it twice. */
static int never_sent(CURLcode cc)
{
    return cc == CURLE_COULDNT_RESOLVE_HOST || cc == CURLE_COULDNT_RESOLVE_PROXY ||
           cc == CURLE_COULDNT_CONNECT || cc == CURLE_SSL_CONNECT_ERROR;
}

/* Failures that another try cannot cure: configuration, certificates. */
static int permanent(CURLcode cc)
{
    switch (cc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CRL_BADFILE:
        return 1;
    default:
        return 0;
    }
}

static int http_fail(calsync_error *err, const calsync_client *c, long status, int64_t retry_ms)
{
    int rc = calsync_client_parse_error(err, (int)status, c->body, c->body_len);
    if (err != NULL)
        err->retry_after_ms = retry_ms > 0 ? retry_ms : 0;
    return rc;
}

static int64_t next_guess(int64_t *guess)
{
    int64_t g = *guess;
    if (*guess < BACKOFF_CEIL_MS)
        *guess *= 2;
    return g;
}

int calsync_client_request(char **out_body, size_t *out_len, int *out_status, calsync_client *c,
                           const char *method, const char *path_and_query, const char *body,
                           size_t body_len, calsync_error *err)
{
    if (out_body != NULL)
        *out_body = NULL;
    if (out_len != NULL)
        *out_len = 0;
    if (out_status != NULL)
        *out_status = 0;
    calsync_error_clear(err);
    if (c == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "client is NULL");
    if (method == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "method is NULL");
    verb v;
    if (strcmp(method, "GET") == 0)
        v = VERB_GET;
    else if (strcmp(method, "POST") == 0)
        v = VERB_POST;
    else if (strcmp(method, "DELETE") == 0)
        v = VERB_DELETE;
    else
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "method must be GET, POST or DELETE");
    if (body == NULL && body_len != 0)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "body is NULL but body_len is %zu",
                            body_len);
    if (v == VERB_GET && body != NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "a GET request takes no body");
    if (body_len > CALSYNC_BODY_MAX)
        return calsync_fail(err, CALSYNC_ERR_TOO_LARGE, NULL,
                            "request body is %zu bytes, over the limit of %u bytes", body_len,
                            CALSYNC_BODY_MAX);

    char *url = NULL;
    const char *shown = NULL;
    size_t shown_len = 0;
    int rc = build_url(&url, &shown, &shown_len, c, path_and_query, err);
    if (rc != CALSYNC_OK)
        return rc;
    rc = set_request(c, v, url, body, body_len, err);
    if (rc != CALSYNC_OK)
        goto out;

    int64_t guess_429 = BACKOFF_429_MS, guess_fail = BACKOFF_FAIL_MS;
    int retries = 0;
    for (;;) {
        /* The last answer spent the window: asking now would only earn a 429. */
        int64_t now = now_ms();
        if (c->rate.remaining == 0 && c->rate.reset_at_ms > now) {
            int64_t wait = c->rate.reset_at_ms - now;
            if (wait > c->max_wait_ms) {
                rc = calsync_fail(err, CALSYNC_ERR_HTTP, NULL,
                                  "rate limit spent: the window resets in %lld ms, longer than "
                                  "max_wait_ms (%ld ms)",
                                  (long long)wait, c->max_wait_ms);
                if (err != NULL) {
                    err->http_status = 429;
                    err->retry_after_ms = wait;
                }
                goto out;
            }
            sleep_until(c, c->rate.reset_at_ms);
            c->rate.remaining = -1; /* a new window: unknown until the next answer */
        }

        drop_body(c);
        reset_answer_headers(&c->ans);
        c->errbuf[0] = '\0';
        CURLcode cc = curl_easy_perform(c->curl);
        c->stats.requests++;
        long status = 0;
        if (curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
            status = 0;
        if (status > 0)
            remember_rate(c);

        int64_t deadline; /* of the back-off before the next try */
        if (cc != CURLE_OK) {
            if (c->body_over || cc == CURLE_FILESIZE_EXCEEDED) {
                rc = calsync_fail(err, CALSYNC_ERR_TOO_LARGE, NULL,
                                  "%s %.*s: the answer is over the limit of %u bytes", method,
                                  (int)shown_len, shown, CALSYNC_BODY_MAX);
                goto out;
            }
            if (c->body_nomem || cc == CURLE_OUT_OF_MEMORY) {
                rc = calsync_fail(err, CALSYNC_ERR_NOMEM, NULL, "%s %.*s: out of memory", method,
                                  (int)shown_len, shown);
                goto out;
            }
            int retry = !permanent(cc) && (v != VERB_POST || never_sent(cc));
            if (!retry || retries >= c->max_retries) {
                rc = calsync_fail(err, CALSYNC_ERR_TRANSPORT, NULL, "%s %.*s: %s (%d %s)", method,
                                  (int)shown_len, shown,
                                  c->errbuf[0] ? c->errbuf : curl_easy_strerror(cc), retries,
                                  retries == 1 ? "retry" : "retries");
                goto out;
            }
            int64_t wait = next_guess(&guess_fail);
            deadline = now_ms() + (wait < c->max_wait_ms ? wait : c->max_wait_ms);
        } else if (status >= 200 && status < 300) {
            if (c->body == NULL) {
                c->body = malloc(1);
                if (c->body == NULL) {
                    rc = calsync_fail(err, CALSYNC_ERR_NOMEM, NULL, "out of memory for the body");
                    goto out;
                }
                c->body[0] = '\0';
            }
            if (out_status != NULL)
                *out_status = (int)status;
            if (out_len != NULL)
                *out_len = c->body_len;
            if (out_body != NULL) {
                *out_body = c->body;
                c->body = NULL;
            }
            rc = CALSYNC_OK;
            goto out;
        } else if (status == 429) {
            c->stats.throttled++;
            /* Calendly's own instruction binds; only a guess may be shortened. */
            int64_t required = c->ans.retry_after_ms >= 0 ? c->ans.retry_after_ms
                               : c->ans.reset_ms >= 0     ? c->ans.reset_ms
                                                          : -1;
            if (required >= 0) {
                deadline = c->ans.seen_at_ms + required;
                int64_t left = deadline - now_ms();
                if (left > c->max_wait_ms || retries >= c->max_retries) {
                    rc = http_fail(err, c, status, left);
                    goto out;
                }
            } else {
                int64_t wait = next_guess(&guess_429);
                if (wait > c->max_wait_ms)
                    wait = c->max_wait_ms;
                if (retries >= c->max_retries) {
                    rc = http_fail(err, c, status, wait);
                    goto out;
                }
                deadline = now_ms() + wait;
            }
        } else if (status >= 500 && status < 600 && v != VERB_POST) {
            if (retries >= c->max_retries) {
                rc = http_fail(err, c, status, 0);
                goto out;
            }
            int64_t wait = next_guess(&guess_fail);
            deadline = now_ms() + (wait < c->max_wait_ms ? wait : c->max_wait_ms);
        } else {
            rc = http_fail(err, c, status, 0);
            goto out;
        }
        retries++;
        c->stats.retries++;
        sleep_until(c, deadline);
    }
out:
    drop_body(c);
    free(url);
    return rc;
}

int calsync_url_encode(char *buf, size_t cap, const char *value, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    if ((buf == NULL && cap > 0) || (value == NULL && len > 0))
        return CALSYNC_ERR_ARGUMENT;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = (unsigned char)value[i];
        int keep = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
                   b == '-' || b == '.' || b == '_' || b == '~';
        size_t need = keep ? 1 : 3;
        if (o + need + 1 > cap || o + need > INT_MAX) {
            if (cap > 0)
                buf[0] = '\0';
            return CALSYNC_ERR_TOO_LARGE;
        }
        if (keep) {
            buf[o++] = (char)b;
        } else {
            buf[o++] = '%';
            buf[o++] = hex[b >> 4];
            buf[o++] = hex[b & 15];
        }
    }
    if (o + 1 > cap)
        return CALSYNC_ERR_TOO_LARGE;
    buf[o] = '\0';
    return (int)o;
}

int calsync_client_list(calsync_page **out, calsync_client *c, const char *path_and_query,
                        calsync_error *err)
{
    if (out == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "out is NULL");
    *out = NULL;
    char *body = NULL;
    size_t len = 0;
    int rc = calsync_client_request(&body, &len, NULL, c, "GET", path_and_query, NULL, 0, err);
    if (rc == CALSYNC_OK)
        rc = calsync_client_parse_page(out, body, len, err);
    free(body);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Calendly endpoints                                                        */
/* ------------------------------------------------------------------------ */

/* A growing byte buffer for paths and bodies.  A body may hold a signing
 * key: it is sized by the caller up front where that matters, and wiped
 * before every free (also on a move). */
typedef struct bytes {
    char *p;
    size_t len;
    size_t cap;
    int nomem;
} bytes;

static void bytes_wipe_free(bytes *b)
{
    if (b->p != NULL)
        OPENSSL_cleanse(b->p, b->cap);
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

static void bytes_reserve(bytes *b, size_t extra)
{
    if (b->nomem)
        return;
    if (extra > SIZE_MAX / 2 - b->len - 1) {
        b->nomem = 1;
        return;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *np = malloc(cap);
    if (np == NULL) {
        b->nomem = 1;
        return;
    }
    if (b->p != NULL) {
        memcpy(np, b->p, b->len);
        OPENSSL_cleanse(b->p, b->cap);
        free(b->p);
    }
    b->p = np;
    b->cap = cap;
    b->p[b->len] = '\0';
}

static void bytes_put(bytes *b, const char *s, size_t n)
{
    bytes_reserve(b, n);
    if (b->nomem)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void bytes_puts(bytes *b, const char *s)
{
    bytes_put(b, s, strlen(s));
}

/* Percent-encoded (RFC 3986 unreserved kept). */
static void bytes_put_encoded(bytes *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    bytes_reserve(b, n * 3);
    if (b->nomem)
        return;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            b->p[b->len++] = (char)c;
        } else {
            b->p[b->len++] = '%';
            b->p[b->len++] = hex[c >> 4];
            b->p[b->len++] = hex[c & 15];
        }
    }
    b->p[b->len] = '\0';
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static int utf8_ok(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t k;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (k > n - i - 1)
            return 0;
        for (size_t j = 1; j <= k; j++) {
            unsigned char d = (unsigned char)s[i + j];
            if ((d & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (d & 0x3F);
        }
        if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

/* A JSON string; the caller checked UTF-8. */
static void bytes_put_json(bytes *b, calsync_str s)
{
    static const char hex[] = "0123456789abcdef";
    bytes_reserve(b, s.len * 6 + 2);
    if (b->nomem)
        return;
    b->p[b->len++] = '"';
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c == '"' || c == '\\') {
            b->p[b->len++] = '\\';
            b->p[b->len++] = (char)c;
        } else if (c == '\n') {
            b->p[b->len++] = '\\';
            b->p[b->len++] = 'n';
        } else if (c == '\r') {
            b->p[b->len++] = '\\';
            b->p[b->len++] = 'r';
        } else if (c == '\t') {
            b->p[b->len++] = '\\';
            b->p[b->len++] = 't';
        } else if (c < 0x20 || c == 0x7F) {
            memcpy(b->p + b->len, "\\u00", 4);
            b->len += 4;
            b->p[b->len++] = hex[c >> 4];
            b->p[b->len++] = hex[c & 15];
        } else {
            b->p[b->len++] = (char)c;
        }
    }
    b->p[b->len++] = '"';
    b->p[b->len] = '\0';
}

static int nomem_fail(calsync_error *err, const char *what)
{
    return calsync_fail(err, CALSYNC_ERR_NOMEM, NULL, "out of memory for %s", what);
}

/* err->path names the refused parameter of an endpoint function. */
static int param_fail(calsync_error *err, const char *param, const char *why)
{
    return calsync_fail(err, CALSYNC_ERR_ARGUMENT, param, "%s", why);
}

/* Path parameters go into the URL as they are, so only the characters of
 * a UUID are let through: no '/', '?', '%' or '.' can change the path. */
static int check_uuid(calsync_str s, const char *param, calsync_error *err)
{
    if (s.ptr == NULL || s.len == 0)
        return param_fail(err, param, "must not be empty");
    for (size_t i = 0; i < s.len; i++) {
        unsigned char b = (unsigned char)s.ptr[i];
        if (!((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
              b == '-' || b == '_'))
            return param_fail(err, param, "must be a UUID (letters, digits, \"-\" and \"_\" only)");
    }
    return CALSYNC_OK;
}

static int check_text(calsync_str s, const char *param, int required, calsync_error *err)
{
    if (s.ptr == NULL && s.len > 0)
        return param_fail(err, param, "is NULL with a length");
    if (required && (s.ptr == NULL || s.len == 0))
        return param_fail(err, param, "must not be empty");
    if (s.ptr != NULL && !utf8_ok(s.ptr, s.len))
        return param_fail(err, param, "must be valid UTF-8");
    return CALSYNC_OK;
}

/* "<path>?name=value&...&page_token=..." into *out (owned, NUL-terminated). */
static int list_path(char **out, const char *path, const calsync_param *query, size_t nquery,
                     calsync_str page_token, calsync_error *err)
{
    *out = NULL;
    if (query == NULL && nquery > 0)
        return param_fail(err, "query", "is NULL with a count");
    if (page_token.ptr != NULL && page_token.len == 0)
        return param_fail(err, "page_token", "must not be empty (leave it out for the first page)");
    bytes b = {0};
    bytes_puts(&b, path);
    char sep = '?';
    for (size_t i = 0; i < nquery; i++) {
        const calsync_param *q = &query[i];
        if (q->name.ptr == NULL || q->name.len == 0) {
            bytes_wipe_free(&b);
            return param_fail(err, "query", "must not have an empty name");
        }
        if ((q->value.ptr == NULL && q->value.len > 0)) {
            bytes_wipe_free(&b);
            return param_fail(err, "query", "has a NULL value with a length");
        }
        if (page_token.ptr != NULL && q->name.len == 10 &&
            memcmp(q->name.ptr, "page_token", 10) == 0) {
            bytes_wipe_free(&b);
            return param_fail(err, "query",
                              "must not hold \"page_token\" when a page token is given");
        }
        bytes_put(&b, &sep, 1);
        sep = '&';
        bytes_put_encoded(&b, q->name.ptr, q->name.len);
        bytes_put(&b, "=", 1);
        bytes_put_encoded(&b, q->value.ptr != NULL ? q->value.ptr : "", q->value.len);
    }
    if (page_token.ptr != NULL) {
        bytes_put(&b, &sep, 1);
        bytes_puts(&b, "page_token=");
        bytes_put_encoded(&b, page_token.ptr, page_token.len);
    }
    if (b.nomem) {
        bytes_wipe_free(&b);
        return nomem_fail(err, "the request path");
    }
    *out = b.p;
    return CALSYNC_OK;
}

/* The compact JSON of an answer's "resource" object. */
static int resource_of(char **out, size_t *out_len, const char *body, size_t len,
                       calsync_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(body != NULL ? body : "", len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        if (json_error_code(&jerr) == json_error_out_of_memory)
            return nomem_fail(err, "parsing the answer");
        return calsync_fail(err, CALSYNC_ERR_JSON, NULL, "the answer is not valid JSON: %s",
                            jerr.text);
    }
    int rc = CALSYNC_OK;
    const json_t *res = json_is_object(root) ? json_object_get(root, "resource") : NULL;
    if (!json_is_object(root)) {
        rc = calsync_fail(err, CALSYNC_ERR_SCHEMA, "", "expected object, got %s",
                          calsync_json_type_name(root));
    } else if (res == NULL) {
        rc = calsync_fail(err, CALSYNC_ERR_SCHEMA, "resource", "missing");
    } else if (!json_is_object(res)) {
        rc = calsync_fail(err, CALSYNC_ERR_SCHEMA, "resource", "expected object, got %s",
                          calsync_json_type_name(res));
    } else {
        char *s = json_dumps(res, JSON_COMPACT);
        if (s == NULL) {
            rc = nomem_fail(err, "the resource");
        } else {
            *out = s;
            if (out_len != NULL)
                *out_len = strlen(s);
        }
    }
    json_decref(root);
    return rc;
}

static int get_resource(char **out, size_t *out_len, calsync_client *c, const char *method,
                        const char *path, const char *body, size_t body_len, calsync_error *err)
{
    char *answer = NULL;
    size_t len = 0;
    int rc = calsync_client_request(&answer, &len, NULL, c, method, path, body, body_len, err);
    if (rc == CALSYNC_OK)
        rc = resource_of(out, out_len, answer, len, err);
    free(answer);
    return rc;
}

static int start_out_json(char **out, size_t *out_len, calsync_error *err)
{
    calsync_error_clear(err);
    if (out_len != NULL)
        *out_len = 0;
    if (out == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "out is NULL");
    *out = NULL;
    return CALSYNC_OK;
}

/* An item's error names its place in the answer: "collection[3].start_time". */
static void locate_item(calsync_error *err, size_t i)
{
    if (err == NULL)
        return;
    char path[sizeof err->path];
    size_t plen = strnlen(err->path, sizeof err->path);
    int n = snprintf(path, sizeof path, "collection[%zu]%s%.*s", i, plen > 0 ? "." : "", (int)plen,
                     err->path);
    if (n >= 0)
        memcpy(err->path, path, sizeof path);
}

typedef enum item_kind { ITEMS_JSON, ITEMS_SCHED, ITEMS_INVITEES } item_kind;

static int list_call(calsync_page **out, calsync_client *c, const char *path,
                     const calsync_param *query, size_t nquery, calsync_str page_token,
                     item_kind kind, calsync_error *err)
{
    calsync_error_clear(err);
    if (out == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "out is NULL");
    *out = NULL;
    char *pq = NULL;
    int rc = list_path(&pq, path, query, nquery, page_token, err);
    if (rc != CALSYNC_OK)
        return rc;
    calsync_page *p = NULL;
    rc = calsync_client_list(&p, c, pq, err);
    free(pq);
    if (rc != CALSYNC_OK)
        return rc;
    if (kind == ITEMS_SCHED && p->count > 0)
        p->scheds = calloc(p->count, sizeof *p->scheds);
    if (kind == ITEMS_INVITEES && p->count > 0)
        p->invitees = calloc(p->count, sizeof *p->invitees);
    if (p->count > 0 && kind != ITEMS_JSON && p->scheds == NULL && p->invitees == NULL) {
        calsync_page_free(p);
        return nomem_fail(err, "the items of a page");
    }
    for (size_t i = 0; i < p->count && kind != ITEMS_JSON; i++) {
        if (kind == ITEMS_SCHED)
            rc = calsync_sched_parse(&p->scheds[i], p->items[i], p->item_lens[i], err);
        else
            rc = calsync_event_parse_rest_invitee(&p->invitees[i], p->items[i], p->item_lens[i],
                                                  err);
        if (rc != CALSYNC_OK) {
            locate_item(err, i);
            calsync_page_free(p);
            return rc;
        }
    }
    *out = p;
    return CALSYNC_OK;
}

calsync_sched *calsync_page_take_sched(calsync_page *p, size_t i)
{
    if (p == NULL || p->scheds == NULL || i >= p->count)
        return NULL;
    calsync_sched *s = p->scheds[i];
    p->scheds[i] = NULL;
    return s;
}

calsync_event *calsync_page_take_invitee(calsync_page *p, size_t i)
{
    if (p == NULL || p->invitees == NULL || i >= p->count)
        return NULL;
    calsync_event *e = p->invitees[i];
    p->invitees[i] = NULL;
    return e;
}

int calsync_api_current_user(char **out_json, size_t *out_len, calsync_client *c,
                             calsync_error *err)
{
    int rc = start_out_json(out_json, out_len, err);
    if (rc != CALSYNC_OK)
        return rc;
    return get_resource(out_json, out_len, c, "GET", "/users/me", NULL, 0, err);
}

int calsync_api_event_types(calsync_page **out, calsync_client *c, const calsync_param *query,
                            size_t nquery, calsync_str page_token, calsync_error *err)
{
    return list_call(out, c, "/event_types", query, nquery, page_token, ITEMS_JSON, err);
}

int calsync_api_scheduled_events(calsync_page **out, calsync_client *c, const calsync_param *query,
                                 size_t nquery, calsync_str page_token, calsync_error *err)
{
    return list_call(out, c, "/scheduled_events", query, nquery, page_token, ITEMS_SCHED, err);
}

int calsync_api_subscriptions(calsync_page **out, calsync_client *c, const calsync_param *query,
                              size_t nquery, calsync_str page_token, calsync_error *err)
{
    return list_call(out, c, "/webhook_subscriptions", query, nquery, page_token, ITEMS_JSON, err);
}

/* a + uuid [+ b [+ uuid2 when p2 names it]], the UUIDs checked. */
static int uuid_path(char **out, const char *a, calsync_str u1, const char *p1, const char *b,
                     calsync_str u2, const char *p2, calsync_error *err)
{
    *out = NULL;
    int rc = check_uuid(u1, p1, err);
    if (rc == CALSYNC_OK && p2 != NULL)
        rc = check_uuid(u2, p2, err);
    if (rc != CALSYNC_OK)
        return rc;
    bytes s = {0};
    bytes_puts(&s, a);
    bytes_put(&s, u1.ptr, u1.len);
    if (b != NULL) {
        bytes_puts(&s, b);
        if (p2 != NULL)
            bytes_put(&s, u2.ptr, u2.len);
    }
    if (s.nomem) {
        bytes_wipe_free(&s);
        return nomem_fail(err, "the request path");
    }
    *out = s.p;
    return CALSYNC_OK;
}

int calsync_api_scheduled_event(calsync_sched **out, calsync_client *c, calsync_str uuid,
                                calsync_error *err)
{
    calsync_error_clear(err);
    if (out == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "out is NULL");
    *out = NULL;
    char *path = NULL, *answer = NULL;
    size_t len = 0;
    int rc = uuid_path(&path, "/scheduled_events/", uuid, "uuid", NULL, uuid, NULL, err);
    if (rc == CALSYNC_OK)
        rc = calsync_client_request(&answer, &len, NULL, c, "GET", path, NULL, 0, err);
    if (rc == CALSYNC_OK)
        rc = calsync_sched_parse(out, answer, len, err);
    free(answer);
    free(path);
    return rc;
}

int calsync_api_invitees(calsync_page **out, calsync_client *c, calsync_str event_uuid,
                         const calsync_param *query, size_t nquery, calsync_str page_token,
                         calsync_error *err)
{
    calsync_error_clear(err);
    if (out != NULL)
        *out = NULL;
    char *path = NULL;
    int rc = uuid_path(&path, "/scheduled_events/", event_uuid, "event_uuid", "/invitees",
                       event_uuid, NULL, err);
    if (rc != CALSYNC_OK)
        return rc;
    rc = list_call(out, c, path, query, nquery, page_token, ITEMS_INVITEES, err);
    free(path);
    return rc;
}

int calsync_api_invitee(calsync_event **out, calsync_client *c, calsync_str event_uuid,
                        calsync_str invitee_uuid, calsync_error *err)
{
    calsync_error_clear(err);
    if (out == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "out is NULL");
    *out = NULL;
    char *path = NULL, *answer = NULL;
    size_t len = 0;
    int rc = uuid_path(&path, "/scheduled_events/", event_uuid, "event_uuid", "/invitees/",
                       invitee_uuid, "invitee_uuid", err);
    if (rc == CALSYNC_OK)
        rc = calsync_client_request(&answer, &len, NULL, c, "GET", path, NULL, 0, err);
    if (rc == CALSYNC_OK)
        rc = calsync_event_parse_rest_invitee(out, answer, len, err);
    free(answer);
    free(path);
    return rc;
}

int calsync_api_create_subscription(char **out_json, size_t *out_len, calsync_client *c,
                                    const calsync_subscription_request *req, calsync_error *err)
{
    int rc = start_out_json(out_json, out_len, err);
    if (rc != CALSYNC_OK)
        return rc;
    if (req == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "request is NULL");
    if ((rc = check_text(req->url, "url", 1, err)) != CALSYNC_OK)
        return rc;
    if (req->nevents == 0 || req->events == NULL)
        return param_fail(err, "events", "must not be empty");
    for (size_t i = 0; i < req->nevents; i++)
        if ((rc = check_text(req->events[i], "events", 1, err)) != CALSYNC_OK)
            return rc;
    if ((rc = check_text(req->organization, "organization", 1, err)) != CALSYNC_OK ||
        (rc = check_text(req->scope, "scope", 1, err)) != CALSYNC_OK ||
        (rc = check_text(req->user, "user", 0, err)) != CALSYNC_OK ||
        (rc = check_text(req->signing_key, "signing_key", 1, err)) != CALSYNC_OK)
        return rc;

    /* Sized for the worst escaping up front, so the buffer holding the
     * signing key never moves (and leaves no copy behind). */
    size_t need = 128 + 6 * (req->url.len + req->organization.len + req->scope.len + req->user.len +
                             req->signing_key.len);
    for (size_t i = 0; i < req->nevents; i++)
        need += 6 * req->events[i].len + 3;
    bytes b = {0};
    bytes_reserve(&b, need);
    bytes_puts(&b, "{\"url\":");
    bytes_put_json(&b, req->url);
    bytes_puts(&b, ",\"events\":[");
    for (size_t i = 0; i < req->nevents; i++) {
        if (i > 0)
            bytes_put(&b, ",", 1);
        bytes_put_json(&b, req->events[i]);
    }
    bytes_puts(&b, "],\"organization\":");
    bytes_put_json(&b, req->organization);
    bytes_puts(&b, ",\"scope\":");
    bytes_put_json(&b, req->scope);
    if (req->user.ptr != NULL) {
        bytes_puts(&b, ",\"user\":");
        bytes_put_json(&b, req->user);
    }
    bytes_puts(&b, ",\"signing_key\":");
    bytes_put_json(&b, req->signing_key);
    bytes_put(&b, "}", 1);
    if (b.nomem)
        rc = nomem_fail(err, "the request body");
    else
        rc = get_resource(out_json, out_len, c, "POST", "/webhook_subscriptions", b.p, b.len, err);
    bytes_wipe_free(&b);
    return rc;
}

int calsync_api_subscription(char **out_json, size_t *out_len, calsync_client *c, calsync_str uuid,
                             calsync_error *err)
{
    int rc = start_out_json(out_json, out_len, err);
    if (rc != CALSYNC_OK)
        return rc;
    char *path = NULL;
    rc = uuid_path(&path, "/webhook_subscriptions/", uuid, "uuid", NULL, uuid, NULL, err);
    if (rc == CALSYNC_OK)
        rc = get_resource(out_json, out_len, c, "GET", path, NULL, 0, err);
    free(path);
    return rc;
}

static int delete_call(calsync_client *c, const char *prefix, calsync_str uuid, calsync_error *err)
{
    calsync_error_clear(err);
    char *path = NULL, *answer = NULL;
    int rc = uuid_path(&path, prefix, uuid, "uuid", NULL, uuid, NULL, err);
    if (rc == CALSYNC_OK)
        rc = calsync_client_request(&answer, NULL, NULL, c, "DELETE", path, NULL, 0, err);
    free(answer);
    free(path);
    return rc;
}

int calsync_api_delete_subscription(calsync_client *c, calsync_str uuid, calsync_error *err)
{
    return delete_call(c, "/webhook_subscriptions/", uuid, err);
}

int calsync_api_create_no_show(char **out_json, size_t *out_len, calsync_client *c,
                               calsync_str invitee_uri, calsync_error *err)
{
    int rc = start_out_json(out_json, out_len, err);
    if (rc != CALSYNC_OK)
        return rc;
    if ((rc = check_text(invitee_uri, "invitee_uri", 1, err)) != CALSYNC_OK)
        return rc;
    bytes b = {0};
    bytes_puts(&b, "{\"invitee\":");
    bytes_put_json(&b, invitee_uri);
    bytes_put(&b, "}", 1);
    if (b.nomem)
        rc = nomem_fail(err, "the request body");
    else
        rc = get_resource(out_json, out_len, c, "POST", "/invitee_no_shows", b.p, b.len, err);
    bytes_wipe_free(&b);
    return rc;
}

int calsync_api_delete_no_show(calsync_client *c, calsync_str no_show_uuid, calsync_error *err)
{
    return delete_call(c, "/invitee_no_shows/", no_show_uuid, err);
}

/* ------------------------------------------------------------------------ */
/* OAuth 2.0 on the auth base                                                */
/* ------------------------------------------------------------------------ */

void calsync_oauth_token_free(calsync_oauth_token *t)
{
    if (t == NULL)
        return;
    secret_free(t->access_token);
    secret_free(t->refresh_token);
    free(t->token_type);
    free(t->scope);
    free(t->owner);
    free(t->organization);
    free(t);
}

/* A string member into *dst (NULL when absent or null); SCHEMA when it is
 * of another type, or missing while required. */
static int token_string(char **dst, const json_t *root, const char *key, int required,
                        calsync_error *err)
{
    *dst = NULL;
    const json_t *v = json_object_get(root, key);
    if (v == NULL || json_is_null(v)) {
        if (required)
            return calsync_fail(err, CALSYNC_ERR_SCHEMA, key, "missing");
        return CALSYNC_OK;
    }
    if (!json_is_string(v))
        return calsync_fail(err, CALSYNC_ERR_SCHEMA, key, "expected string, got %s",
                            calsync_json_type_name(v));
    if (required && json_string_length(v) == 0)
        return calsync_fail(err, CALSYNC_ERR_SCHEMA, key, "must not be empty");
    size_t n = json_string_length(v);
    *dst = malloc(n + 1);
    if (*dst == NULL)
        return nomem_fail(err, "the token answer");
    memcpy(*dst, json_string_value(v), n + 1);
    return CALSYNC_OK;
}

/* A count of seconds sent as a JSON integer or as a digit string (the
 * type is not documented); -1 when absent or null. */
static int token_seconds(int64_t *dst, const json_t *root, const char *key, calsync_error *err)
{
    *dst = -1;
    const json_t *v = json_object_get(root, key);
    if (v == NULL || json_is_null(v))
        return CALSYNC_OK;
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *dst = (int64_t)json_integer_value(v);
        return CALSYNC_OK;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        int64_t x = 0;
        size_t i = 0;
        for (; i < n && i < 18 && s[i] >= '0' && s[i] <= '9'; i++)
            x = x * 10 + (s[i] - '0');
        if (n > 0 && i == n) {
            *dst = x;
            return CALSYNC_OK;
        }
    }
    return calsync_fail(err, CALSYNC_ERR_SCHEMA, key,
                        "expected a non-negative integer of seconds, got %s",
                        calsync_json_type_name(v));
}

int calsync_oauth_token_parse(calsync_oauth_token **out, const char *json, size_t len,
                              calsync_error *err)
{
    calsync_error_clear(err);
    if (out == NULL || (json == NULL && len > 0))
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "out is NULL or json NULL with a length");
    *out = NULL;
    if (len > CALSYNC_BODY_MAX)
        return calsync_fail(err, CALSYNC_ERR_TOO_LARGE, NULL, "the answer is over %u bytes",
                            CALSYNC_BODY_MAX);
    json_error_t jerr;
    json_t *root = json_loadb(json != NULL ? json : "", len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        if (json_error_code(&jerr) == json_error_out_of_memory)
            return nomem_fail(err, "parsing the token answer");
        return calsync_fail(err, CALSYNC_ERR_JSON, NULL, "the answer is not valid JSON: %s",
                            jerr.text);
    }
    int rc = CALSYNC_OK;
    calsync_oauth_token *t = NULL;
    if (!json_is_object(root)) {
        rc = calsync_fail(err, CALSYNC_ERR_SCHEMA, "", "expected object, got %s",
                          calsync_json_type_name(root));
        goto out;
    }
    t = calloc(1, sizeof *t);
    if (t == NULL) {
        rc = nomem_fail(err, "the token answer");
        goto out;
    }
    if ((rc = token_string(&t->access_token, root, "access_token", 1, err)) != CALSYNC_OK ||
        (rc = token_string(&t->refresh_token, root, "refresh_token", 0, err)) != CALSYNC_OK ||
        (rc = token_string(&t->token_type, root, "token_type", 0, err)) != CALSYNC_OK ||
        (rc = token_string(&t->scope, root, "scope", 0, err)) != CALSYNC_OK ||
        (rc = token_string(&t->owner, root, "owner", 0, err)) != CALSYNC_OK ||
        (rc = token_string(&t->organization, root, "organization", 0, err)) != CALSYNC_OK ||
        (rc = token_seconds(&t->expires_in, root, "expires_in", err)) != CALSYNC_OK ||
        (rc = token_seconds(&t->created_at, root, "created_at", err)) != CALSYNC_OK)
        goto out;
    /* A token type other than Bearer would not work with the REST client. */
    if (t->token_type != NULL && strcasecmp(t->token_type, "bearer") != 0) {
        rc = calsync_fail(err, CALSYNC_ERR_SCHEMA, "token_type", "expected \"Bearer\"");
        goto out;
    }
    *out = t;
    t = NULL;
out:
    calsync_oauth_token_free(t);
    /* The answer held the tokens: jansson's copies are freed unwiped, the
     * raw answer is wiped by the caller. */
    json_decref(root);
    return rc;
}

static int need_auth_client(const calsync_client *c, calsync_error *err)
{
    if (c == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "client is NULL");
    if (c->kind != CALSYNC_CLIENT_AUTH)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "an OAuth call needs a client of kind CALSYNC_CLIENT_AUTH");
    return CALSYNC_OK;
}

/* One form field "&name=value" (no '&' first). */
static void form_put(bytes *b, const char *name, calsync_str value)
{
    if (b->len > 0)
        bytes_put(b, "&", 1);
    bytes_puts(b, name);
    bytes_put(b, "=", 1);
    bytes_put_encoded(b, value.ptr, value.len);
}

/* POSTs a form body to path; the body and the answer are wiped. */
static int post_form(char **answer, size_t *answer_len, calsync_client *c, const char *path,
                     bytes *form, calsync_error *err)
{
    if (form->nomem)
        return nomem_fail(err, "the form body");
    return calsync_client_request(answer, answer_len, NULL, c, "POST", path, form->p, form->len,
                                  err);
}

static int token_call(calsync_oauth_token **out, calsync_client *c, bytes *form, calsync_error *err)
{
    char *answer = NULL;
    size_t len = 0;
    int rc = post_form(&answer, &len, c, "/oauth/token", form, err);
    if (rc == CALSYNC_OK)
        rc = calsync_oauth_token_parse(out, answer, len, err);
    if (answer != NULL)
        OPENSSL_cleanse(answer, len);
    free(answer);
    return rc;
}

int calsync_oauth_exchange_code(calsync_oauth_token **out, calsync_client *c, calsync_str code,
                                calsync_str redirect_uri, calsync_str code_verifier,
                                calsync_error *err)
{
    calsync_error_clear(err);
    if (out == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "out is NULL");
    *out = NULL;
    int rc;
    if ((rc = need_auth_client(c, err)) != CALSYNC_OK ||
        (rc = check_text(code, "code", 1, err)) != CALSYNC_OK ||
        (rc = check_text(redirect_uri, "redirect_uri", 1, err)) != CALSYNC_OK)
        return rc;
    if (code_verifier.ptr != NULL &&
        (rc = check_text(code_verifier, "code_verifier", 1, err)) != CALSYNC_OK)
        return rc;
    bytes form = {0};
    form_put(&form, "grant_type", calsync_str_of("authorization_code", 18));
    form_put(&form, "code", code);
    form_put(&form, "redirect_uri", redirect_uri);
    if (code_verifier.ptr != NULL)
        form_put(&form, "code_verifier", code_verifier);
    rc = token_call(out, c, &form, err);
    bytes_wipe_free(&form);
    return rc;
}

int calsync_oauth_refresh(calsync_oauth_token **out, calsync_client *c, calsync_str refresh_token,
                          calsync_error *err)
{
    calsync_error_clear(err);
    if (out == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "out is NULL");
    *out = NULL;
    int rc;
    if ((rc = need_auth_client(c, err)) != CALSYNC_OK ||
        (rc = check_text(refresh_token, "refresh_token", 1, err)) != CALSYNC_OK)
        return rc;
    bytes form = {0};
    form_put(&form, "grant_type", calsync_str_of("refresh_token", 13));
    form_put(&form, "refresh_token", refresh_token);
    rc = token_call(out, c, &form, err);
    bytes_wipe_free(&form);
    return rc;
}

int calsync_oauth_revoke(calsync_client *c, calsync_str token, calsync_error *err)
{
    calsync_error_clear(err);
    int rc;
    if ((rc = need_auth_client(c, err)) != CALSYNC_OK ||
        (rc = check_text(token, "token", 1, err)) != CALSYNC_OK)
        return rc;
    bytes form = {0};
    form_put(&form, "client_id", calsync_str_of(c->client_id, strlen(c->client_id)));
    form_put(&form, "client_secret", calsync_str_of(c->client_secret, strlen(c->client_secret)));
    form_put(&form, "token", token);
    char *answer = NULL;
    size_t len = 0;
    rc = post_form(&answer, &len, c, "/oauth/revoke", &form, err);
    free(answer);
    bytes_wipe_free(&form);
    return rc;
}
