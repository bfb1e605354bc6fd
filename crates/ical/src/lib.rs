//! Parses one iCalendar object resource (a VCALENDAR with a master VEVENT and its RECURRENCE-ID
//! overrides) and expands its occurrences inside an explicit window: RRULE, RDATE, EXDATE,
//! overrides, time zones (IANA, VTIMEZONE, Windows names), all-day and floating semantics, and
//! alarm times. Pure functions: text in, occurrences and warnings out, no I/O.
