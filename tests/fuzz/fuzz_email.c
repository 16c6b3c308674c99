/* SPDX-License-Identifier: MIT */
/* libFuzzer target: e-mail normalisation and matching; input lines are invitee e-mail, name, then
 * candidates. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calsync.h"

#define MAX_CANDS 64

static void check_normalize(const char *s, size_t len)
{
    char buf[CALSYNC_EMAIL_MAX + 1], again[CALSYNC_EMAIL_MAX + 1];
    size_t n = 0, m = 0;
    char *copy = malloc(len ? len : 1);
    if (copy == NULL)
        return;
    memcpy(copy, s, len);
    if (calsync_email_normalize(buf, sizeof buf, &n, copy, len, NULL) == CALSYNC_OK) {
        if (n == 0 || n > CALSYNC_EMAIL_MAX || strlen(buf) != n)
            abort();
        const char *at = memchr(buf, '@', n);
        if (at == NULL || at == buf || at == buf + n - 1 ||
            memchr(at + 1, '@', n - (size_t)(at - buf) - 1))
            abort();
        for (size_t i = 0; i < n; i++)
            if ((buf[i] >= 'A' && buf[i] <= 'Z') || (unsigned char)buf[i] <= ' ' || buf[i] == 0x7f)
                abort();
        /* Normalising is idempotent. */
        if (calsync_email_normalize(again, sizeof again, &m, buf, n, NULL) != CALSYNC_OK ||
            m != n || memcmp(again, buf, n) != 0)
            abort();
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    const char *end = p + size;
    calsync_str lines[MAX_CANDS + 2];
    size_t nlines = 0;
    while (p <= end && nlines < MAX_CANDS + 2) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        lines[nlines].ptr = p;
        lines[nlines].len = (size_t)(e - p);
        nlines++;
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    if (nlines == 0)
        return 0;
    check_normalize(lines[0].ptr, lines[0].len);

    calsync_candidate cands[MAX_CANDS];
    size_t ncands = 0;
    for (size_t i = 2; i < nlines; i++) {
        calsync_candidate *c = &cands[ncands++];
        /* The first byte picks the user (so users repeat), alias or not, and the name. */
        unsigned char tag = lines[i].len ? (unsigned char)lines[i].ptr[0] : 0;
        c->user_id = 1 + (tag & 7);
        c->is_alias = (tag >> 3) & 1;
        c->email.ptr = lines[i].len ? lines[i].ptr + 1 : NULL;
        c->email.len = lines[i].len ? lines[i].len - 1 : 0;
        c->name.ptr = (tag & 16) ? lines[1].ptr : NULL; /* the invitee's own name, or none */
        c->name.len = (tag & 16) ? lines[1].len : 0;
    }
    const char *name = nlines > 1 ? lines[1].ptr : NULL;
    size_t name_len = nlines > 1 ? lines[1].len : 0;

    calsync_match m[MAX_CANDS];
    size_t cap = size % (MAX_CANDS + 1), n = 0;
    int64_t link = -1;
    int rc = calsync_email_match(cap ? m : NULL, cap, &n, &link, lines[0].ptr, lines[0].len, name,
                                 name_len, cands, ncands, NULL);
    if (rc != CALSYNC_OK) {
        if (rc != CALSYNC_ERR_INPUT || n != 0 || link != 0)
            abort();
        return 0;
    }
    if (n > cap || link < 0)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (m[i].index >= ncands || cands[m[i].index].user_id != m[i].user_id)
            abort();
        if ((m[i].reason == CALSYNC_MATCH_EDIT_DISTANCE) != (m[i].distance != 0) ||
            m[i].distance > 2)
            abort();
        if (m[i].reason <= CALSYNC_MATCH_ALIAS &&
            cands[m[i].index].is_alias != (m[i].reason == CALSYNC_MATCH_ALIAS))
            abort();
        for (size_t j = 0; j < i; j++)
            if (m[j].user_id == m[i].user_id)
                abort();
        if (i > 0) {
            const calsync_match *a = &m[i - 1], *b = &m[i];
            if (a->reason > b->reason || (a->reason == b->reason && (a->distance > b->distance ||
                                                                     (a->distance == b->distance &&
                                                                      a->user_id >= b->user_id))))
                abort();
        }
    }
    /* A link always comes from an exact or alias match, which ranks first. */
    if (link != 0 && n > 0 && (m[0].reason > CALSYNC_MATCH_ALIAS))
        abort();
    return 0;
}
