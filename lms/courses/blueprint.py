"""The courses blueprint, shared by the trainee, authoring and dashboard route modules."""

from flask import Blueprint

bp = Blueprint("courses", __name__, url_prefix="/courses", cli_group="courses")
