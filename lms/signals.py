"""Signals that let features react to each other without importing each other.

- ``activity_result``: an exam attempt was graded, a role-play or emergency drill was
  scored, or a survey was answered. Sender: the activity kind (``"exam"``,
  ``"roleplay"``, ``"emergency_drill"``, ``"survey"``). Keyword arguments: ``user_id``,
  ``ref`` (the activity's reference key, e.g. ``"exam:service-standards-final"``),
  ``passed`` (bool or None), ``score`` (0..1 or None), ``at`` (datetime, UTC).
  Courses listen to update completion.
- ``course_completed``: a trainee completed a course. Sender: ``"course"``. Keyword
  arguments: ``user_id``, ``course_id``, ``at``. Certificates listen.
- ``path_completed``: a trainee completed every course of a learning path. Sender:
  ``"path"``. Keyword arguments: ``user_id``, ``path_id``, ``at``.

- ``activities_assigned``: a person was assigned a course or path. Sender: ``"course"``.
  Keyword arguments: ``user_id``, ``refs`` (the activity references of the course or of
  the path's published courses, e.g. ``["exam:service-standards-final"]``). Exams listen
  to put the exam on the person's list.

Receivers run inside the sender's transaction; the sender commits after sending.
"""

from blinker import Namespace

_signals = Namespace()

activity_result = _signals.signal("activity-result")
course_completed = _signals.signal("course-completed")
path_completed = _signals.signal("path-completed")
activities_assigned = _signals.signal("activities-assigned")
