"""Notifications: typed events people receive in the app, by e-mail and in team channels.

Features raise events through ``lms.signals`` (or the periodic sweep finds them); the service
stores one `Notification` per person and event (its key makes it happen once), and one
`Delivery` per channel the person chose: in-app (the bell), e-mail now or in the daily
digest, and the group robot (WeCom / DingTalk) of their department. E-mail and robot posts
are sent by background jobs (``lms.jobs``), retried with backoff, and every outcome is kept.
"""
