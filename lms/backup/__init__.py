"""Backup and restore: ``flask --app lms backup create PATH`` / ``backup restore PATH``."""
