"""The calendar: a person's due dates, exam windows, practice sessions and drills by month or
week, and the same entries as a personal iCalendar feed behind a secret, revocable address."""
