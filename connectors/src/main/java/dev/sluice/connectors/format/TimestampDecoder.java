package dev.sluice.connectors.format;

/**
 * Parses timestamp text into epoch milliseconds (UTC) without allocating: {@code yyyy-MM-dd HH:mm:ss[.SSS]}
 * as Sluice prints timestamps, and ISO-8601 such as {@code 2023-11-14T22:13:20.123Z}.
 *
 * <p>Grammar: {@code yyyy-MM-dd} optionally followed by {@code ' '} or {@code 'T'} and {@code HH:mm[:ss[.f]]}
 * (1 to 9 fraction digits, truncated to milliseconds), optionally followed by a zone ({@code Z},
 * {@code +HH:mm}, {@code +HHmm}, {@code +HH} or the same with {@code -}). Text without a zone is UTC.
 */
final class TimestampDecoder {
    /** Returned for text that is not a timestamp; no valid timestamp (years 0000-9999) has this value. */
    static final long INVALID = Long.MIN_VALUE;

    private static final long MILLIS_PER_DAY = 86_400_000L;

    private TimestampDecoder() {
    }

    /** The epoch millis of {@code text[offset, offset + length)}, or {@link #INVALID}. */
    static long parse(char[] text, int offset, int length) {
        int end = offset + length;
        int p = offset;
        if (length < 10 || text[p + 4] != '-' || text[p + 7] != '-') {
            return INVALID;
        }
        int year = digits(text, p, 4);
        int month = digits(text, p + 5, 2);
        int day = digits(text, p + 8, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
            return INVALID;
        }
        p += 10;
        long millisOfDay = 0;
        if (p < end && (text[p] == ' ' || text[p] == 'T' || text[p] == 't')) {
            p++;
            if (end - p < 5 || text[p + 2] != ':') {
                return INVALID;
            }
            int hour = digits(text, p, 2);
            int minute = digits(text, p + 3, 2);
            if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
                return INVALID;
            }
            p += 5;
            int second = 0;
            int millis = 0;
            if (p < end && text[p] == ':') {
                second = end - p >= 3 ? digits(text, p + 1, 2) : -1;
                if (second < 0 || second > 59) {
                    return INVALID;
                }
                p += 3;
                if (p < end && text[p] == '.') {
                    p++;
                    int fractionStart = p;
                    while (p < end && p - fractionStart < 9 && isDigit(text[p])) {
                        if (p - fractionStart < 3) {
                            millis = millis * 10 + (text[p] - '0');
                        }
                        p++;
                    }
                    int fractionDigits = p - fractionStart;
                    if (fractionDigits == 0) {
                        return INVALID;
                    }
                    for (int i = fractionDigits; i < 3; i++) {
                        millis *= 10;
                    }
                }
            }
            millisOfDay = ((hour * 60L + minute) * 60L + second) * 1000L + millis;
        }
        long zoneOffsetMillis = 0;
        if (p < end) {
            char c = text[p];
            if ((c == 'Z' || c == 'z') && p + 1 == end) {
                p++;
            } else if (c == '+' || c == '-') {
                int sign = c == '+' ? 1 : -1;
                int rest = end - p - 1;
                int hours = rest >= 2 ? digits(text, p + 1, 2) : -1;
                int minutes;
                if (rest == 2) {
                    minutes = 0;
                } else if (rest == 4) {
                    minutes = digits(text, p + 3, 2);
                } else if (rest == 5 && text[p + 3] == ':') {
                    minutes = digits(text, p + 4, 2);
                } else {
                    return INVALID;
                }
                if (hours < 0 || hours > 18 || minutes < 0 || minutes > 59) {
                    return INVALID;
                }
                zoneOffsetMillis = sign * (hours * 60L + minutes) * 60_000L;
                p = end;
            } else {
                return INVALID;
            }
        }
        if (p != end) {
            return INVALID;
        }
        return epochDay(year, month, day) * MILLIS_PER_DAY + millisOfDay - zoneOffsetMillis;
    }

    /** The value of {@code count} decimal digits at {@code from}, or -1 if one of them is not a digit. */
    private static int digits(char[] text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text[i];
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> isLeap(year) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    private static boolean isLeap(int year) {
        return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    private static long epochDay(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }
}
