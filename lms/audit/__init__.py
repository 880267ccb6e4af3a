"""Audit log: an append-only record of who changed what, when, from where, old → new.

Rows come from two places. Changes to the tables listed in :mod:`lms.audit.tracked` are
captured when the ORM flushes them (users and roles, courses, exams, grades, overrides,
certificates, ...), so a service cannot forget to audit them; and features call
:func:`lms.audit.service.record` for what is not a row change (a personal-data export, a
backup, a setting). The admin page ``audit.log`` filters and exports the log.
"""
