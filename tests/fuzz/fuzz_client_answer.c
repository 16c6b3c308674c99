/* SPDX-License-Identifier: MIT */
/* libFuzzer target: one answer body through the REST client's error-answer, OAuth token and page
 * parsers. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calsync.h"
#include "client_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Valid UTF-8 without control bytes: what the PHP side will print. */
static void check_text(const char *s, size_t cap)
{
    const char *end = memchr(s, '\0', cap);
    if (end == NULL)
        abort();
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p < 0x20 || *p == 0x7F || (*p & 0xC0) == 0x80 || *p >= 0xF8)
            abort();
        size_t n = *p < 0x80 ? 0 : *p < 0xE0 ? 1 : *p < 0xF0 ? 2 : 3;
        p++;
        for (size_t i = 0; i < n; i++, p++)
            if ((*p & 0xC0) != 0x80)
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    calsync_error err;
    int status = size > 0 ? 400 + data[size - 1] % 200 : 500;
    if (calsync_client_parse_error(&err, status, body, size) != CALSYNC_ERR_HTTP ||
        err.code != CALSYNC_ERR_HTTP || err.http_status != status || err.retry_after_ms != 0 ||
        err.message[0] == '\0')
        abort();
    check_text(err.message, sizeof err.message);
    check_text(err.title, sizeof err.title);
    /* The message starts with the title (cut shorter in err.title, ending in "..."). */
    size_t tl = strlen(err.title);
    if (tl >= 3 && strcmp(err.title + tl - 3, "...") == 0)
        tl -= 3;
    if (strncmp(err.message, err.title, tl) != 0)
        abort();

    /* The same bytes as an OAuth token answer: a token with a non-empty
     * access token, or a typed refusal and nothing to free. */
    calsync_oauth_token *t = NULL;
    int trc = calsync_oauth_token_parse(&t, body, size, &err);
    if (trc == CALSYNC_OK) {
        if (t == NULL || t->access_token == NULL || t->access_token[0] == '\0' ||
            t->expires_in < -1 || t->created_at < -1)
            abort();
    } else if (t != NULL || err.code != trc ||
               (trc != CALSYNC_ERR_JSON && trc != CALSYNC_ERR_SCHEMA && trc != CALSYNC_ERR_NOMEM &&
                trc != CALSYNC_ERR_TOO_LARGE)) {
        abort();
    }
    calsync_oauth_token_free(t);

    calsync_page *p = NULL;
    int rc = calsync_client_parse_page(&p, body, size, &err);
    if (rc != CALSYNC_OK) {
        if (p != NULL || err.code != rc || err.message[0] == '\0' ||
            (rc != CALSYNC_ERR_JSON && rc != CALSYNC_ERR_SCHEMA && rc != CALSYNC_ERR_NOMEM))
            abort();
        return 0;
    }
    size_t n = calsync_page_count(p);
    for (size_t i = 0; i < n; i++) {
        calsync_str item = calsync_page_item_json(p, i);
        if (item.ptr == NULL || strlen(item.ptr) != item.len)
            abort();
        /* Each item is again one JSON object, ready for the REST parsers. */
        json_t *v = json_loadb(item.ptr, item.len, JSON_REJECT_DUPLICATES, NULL);
        if (!json_is_object(v))
            abort();
        json_decref(v);
        calsync_event *ev = NULL;
        calsync_event_parse_rest_invitee(&ev, item.ptr, item.len, NULL);
        calsync_event_free(ev);
    }
    if (calsync_page_item_json(p, n).ptr != NULL)
        abort();
    calsync_str tok = calsync_page_next_token(p);
    if (tok.ptr != NULL && (tok.len == 0 || memchr(tok.ptr, '\0', tok.len) != NULL))
        abort();
    calsync_page_free(p);
    return 0;
}
