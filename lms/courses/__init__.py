"""Courses: curricula, courses, modules and lessons; learning paths; assignment and progress.

The bundle format (``bundle*.py``), the Markdown sanitiser and the shipped content are pure
Python; the models, services and pages (``models*.py``, ``content_service``, ``progress``,
``assignment``, ``dashboard``, ``routes*.py``) put them in the web application.
"""
