"""Forms of the calendar page: the one-button guards of the feed address."""

from flask_wtf import FlaskForm


class GuardForm(FlaskForm):
    """No fields: the CSRF token of a one-button form."""
