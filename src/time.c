/* SPDX-License-Identifier: MIT */
/* RFC 3339 date-times to and from microseconds since the Unix epoch, UTC. */
#include "internal.h"

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY (INT64_C(86400) * US_PER_SEC)
/* Days from 0001-01-01 to 1970-01-01 in the proleptic Gregorian calendar. */
#define DAYS_YEAR1_TO_EPOCH INT64_C(719162)
/* Days from 0001-01-01 to 10000-01-01. */
#define DAYS_YEAR1_TO_10000 INT64_C(3652059)
#define MIN_US (-DAYS_YEAR1_TO_EPOCH * US_PER_DAY)
#define MAX_US ((DAYS_YEAR1_TO_10000 - DAYS_YEAR1_TO_EPOCH) * US_PER_DAY - 1)

#define TIME_TEXT_LEN 27 /* "YYYY-MM-DDTHH:MM:SS.ffffffZ" */

static const char ERR_PREFIX[] = "not an RFC 3339 date-time: ";

/* Days before the first of each month in a common year. */
static const int16_t days_before_month[12] = {0,   31,  59,  90,  120, 151,
                                              181, 212, 243, 273, 304, 334};

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_length(int64_t y, int m)
{
    static const unsigned char len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* Days since 1970-01-01 of a valid date with y >= 1.  Counting from year 1
 * keeps every division on non-negative numbers. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t py = y - 1;
    int64_t days = 365 * py + py / 4 - py / 100 + py / 400;
    days += days_before_month[m - 1] + (m > 2 && is_leap(y)) + (d - 1);
    return days - DAYS_YEAR1_TO_EPOCH;
}

/* The inverse, for 0 <= n < DAYS_YEAR1_TO_10000 days since 0001-01-01. */
static void civil_from_days(int64_t n, int *y, int *m, int *d)
{
    int64_t q400 = n / 146097, r = n % 146097;
    int64_t q100 = r / 36524;
    if (q100 == 4) /* the last day of a 400-year cycle is a leap day */
        q100 = 3;
    r -= q100 * 36524;
    int64_t q4 = r / 1461;
    r %= 1461;
    int64_t q1 = r / 365;
    if (q1 == 4) /* the last day of a 4-year cycle is a leap day */
        q1 = 3;
    r -= q1 * 365;
    int64_t year = 1 + 400 * q400 + 100 * q100 + 4 * q4 + q1;
    int month = 1;
    while (month < 12 && r >= month_length(year, month)) {
        r -= month_length(year, month);
        month++;
    }
    *y = (int)year;
    *m = month;
    *d = (int)r + 1;
}

static int fail_at(calsync_error *err, const char *what, size_t pos)
{
    return calsync_fail(err, CALSYNC_ERR_TIME, NULL, "%sexpected %s at byte %zu", ERR_PREFIX, what,
                        pos);
}

/* Reads exactly n ASCII digits at *pos. */
static int read_digits(int *out, const char *s, size_t len, size_t *pos, int n)
{
    if (len - *pos < (size_t)n)
        return 0;
    int v = 0;
    for (int i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[*pos + (size_t)i];
        if (c < '0' || c > '9')
            return 0;
        v = v * 10 + (c - '0');
    }
    *pos += (size_t)n;
    *out = v;
    return 1;
}

static int expect_byte(const char *s, size_t len, size_t *pos, char a, char b)
{
    if (*pos >= len || (s[*pos] != a && s[*pos] != b))
        return 0;
    (*pos)++;
    return 1;
}

int calsync_time_parse(int64_t *out_us, const char *s, size_t len, calsync_error *err)
{
    if (out_us == NULL || (s == NULL && len > 0))
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "calsync_time_parse: NULL argument");
    *out_us = CALSYNC_TIME_NONE;
    if (len == 0)
        return calsync_fail(err, CALSYNC_ERR_TIME, NULL, "%sempty string", ERR_PREFIX);

    size_t p = 0;
    /* Zeroed only to quiet -O2 maybe-uninitialized; every path sets them. */
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    int off_h = 0, off_m = 0, sign = 0;
    if (!read_digits(&year, s, len, &p, 4))
        return fail_at(err, "a 4-digit year", p);
    if (!expect_byte(s, len, &p, '-', '-'))
        return fail_at(err, "'-' after the year", p);
    if (!read_digits(&month, s, len, &p, 2))
        return fail_at(err, "a 2-digit month", p);
    if (!expect_byte(s, len, &p, '-', '-'))
        return fail_at(err, "'-' after the month", p);
    if (!read_digits(&day, s, len, &p, 2))
        return fail_at(err, "a 2-digit day", p);
    if (!expect_byte(s, len, &p, 'T', 't'))
        return fail_at(err, "'T' between date and time", p);
    if (!read_digits(&hour, s, len, &p, 2))
        return fail_at(err, "a 2-digit hour", p);
    if (!expect_byte(s, len, &p, ':', ':'))
        return fail_at(err, "':' after the hour", p);
    if (!read_digits(&minute, s, len, &p, 2))
        return fail_at(err, "2-digit minutes", p);
    if (!expect_byte(s, len, &p, ':', ':'))
        return fail_at(err, "':' after the minutes", p);
    if (!read_digits(&second, s, len, &p, 2))
        return fail_at(err, "2-digit seconds", p);

    int64_t frac_us = 0;
    if (p < len && s[p] == '.') {
        p++;
        size_t start = p;
        int64_t scale = 100000;
        while (p < len && s[p] >= '0' && s[p] <= '9') {
            if (p - start == 9)
                return calsync_fail(err, CALSYNC_ERR_TIME, NULL,
                                    "%smore than 9 fraction digits at byte %zu", ERR_PREFIX, p);
            /* Digits past the sixth are truncated, as documented. */
            frac_us += (s[p] - '0') * scale;
            scale /= 10;
            p++;
        }
        if (p == start)
            return fail_at(err, "a fraction digit after '.'", p);
    }

    if (p < len && (s[p] == 'Z' || s[p] == 'z')) {
        p++;
    } else if (p < len && (s[p] == '+' || s[p] == '-')) {
        sign = s[p] == '-' ? -1 : 1;
        p++;
        if (!read_digits(&off_h, s, len, &p, 2))
            return fail_at(err, "a 2-digit offset hour", p);
        if (!expect_byte(s, len, &p, ':', ':'))
            return fail_at(err, "':' in the offset", p);
        if (!read_digits(&off_m, s, len, &p, 2))
            return fail_at(err, "2-digit offset minutes", p);
    } else {
        return fail_at(err, "'Z' or an offset such as +05:30", p);
    }
    if (p != len)
        return calsync_fail(err, CALSYNC_ERR_TIME, NULL, "%sunexpected byte 0x%02x at byte %zu",
                            ERR_PREFIX, (unsigned)(unsigned char)s[p], p);

    if (year < 1)
        return calsync_fail(err, CALSYNC_ERR_TIME, NULL, "%syear 0000 is out of range 0001-9999",
                            ERR_PREFIX);
    if (month < 1 || month > 12)
        return calsync_fail(err, CALSYNC_ERR_TIME, NULL, "%smonth %02d is out of range", ERR_PREFIX,
                            month);
    if (day < 1 || day > month_length(year, month))
        return calsync_fail(err, CALSYNC_ERR_TIME, NULL, "%sday %02d is out of range for %04d-%02d",
                            ERR_PREFIX, day, year, month);
    if (hour > 23)
        return calsync_fail(err, CALSYNC_ERR_TIME, NULL, "%shour %02d is out of range", ERR_PREFIX,
                            hour);
    if (minute > 59)
        return calsync_fail(err, CALSYNC_ERR_TIME, NULL, "%sminute %02d is out of range",
                            ERR_PREFIX, minute);
    if (second > 60) /* 60: a leap second */
        return calsync_fail(err, CALSYNC_ERR_TIME, NULL, "%ssecond %02d is out of range",
                            ERR_PREFIX, second);
    if (off_h > 23 || off_m > 59)
        return calsync_fail(err, CALSYNC_ERR_TIME, NULL, "%soffset %02d:%02d is out of range",
                            ERR_PREFIX, off_h, off_m);

    /* A leap second needs no special case: second 60 adds up to the next
     * minute's second 0, which is what the header promises. */
    int64_t secs = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
    secs -= (int64_t)sign * (off_h * 3600 + off_m * 60);
    int64_t us = secs * US_PER_SEC + frac_us;
    if (us < MIN_US || us > MAX_US)
        return calsync_fail(err, CALSYNC_ERR_TIME, NULL,
                            "%sthe instant falls outside years 0001-9999 in UTC", ERR_PREFIX);
    *out_us = us;
    return CALSYNC_OK;
}

static void put_digits(char *out, int64_t v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

int calsync_time_format(char *buf, size_t cap, int64_t us)
{
    if (buf == NULL || cap < TIME_TEXT_LEN + 1)
        return CALSYNC_ERR_ARGUMENT;
    /* CALSYNC_TIME_NONE is below MIN_US: "no time" has no text either. */
    if (us < MIN_US || us > MAX_US)
        return CALSYNC_ERR_INPUT;
    int64_t days = us / US_PER_DAY, rem = us % US_PER_DAY;
    if (rem < 0) { /* floor, not truncation toward zero, before 1970 */
        rem += US_PER_DAY;
        days--;
    }
    int y, m, d;
    civil_from_days(days + DAYS_YEAR1_TO_EPOCH, &y, &m, &d);
    int64_t secs = rem / US_PER_SEC;
    put_digits(buf, y, 4);
    buf[4] = '-';
    put_digits(buf + 5, m, 2);
    buf[7] = '-';
    put_digits(buf + 8, d, 2);
    buf[10] = 'T';
    put_digits(buf + 11, secs / 3600, 2);
    buf[13] = ':';
    put_digits(buf + 14, secs / 60 % 60, 2);
    buf[16] = ':';
    put_digits(buf + 17, secs % 60, 2);
    buf[19] = '.';
    put_digits(buf + 20, rem % US_PER_SEC, 6);
    buf[26] = 'Z';
    buf[27] = '\0';
    return TIME_TEXT_LEN;
}
