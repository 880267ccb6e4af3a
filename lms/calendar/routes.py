"""Calendar pages: my month, my week, and my feed address (made, renewed, revoked); the feed
itself, reachable only through its secret address."""

from __future__ import annotations

import logging
import re
import zoneinfo
from datetime import date, datetime, timedelta

from babel.dates import format_date, get_day_names
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.access import public, signed_in
from lms.calendar import ics, service
from lms.calendar.forms import GuardForm
from lms.extensions import db
from lms.notify.render import language_of, link_url, zone_of

log = logging.getLogger("lms.calendar")
bp = Blueprint("calendar", __name__, url_prefix="/calendar")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
#: The feed spans this far back and ahead.
FEED_PAST, FEED_AHEAD = timedelta(days=90), timedelta(days=400)


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(str(get_timezone()))


def _today() -> date:
    return datetime.now(_zone()).date()


def _babel_locale() -> str:
    return "zh_CN" if str(get_locale() or "zh") == "zh" else "en"


def _labels() -> dict:
    return {"due": _("Due"), "exam_opens": _("Exam opens"), "exam_closes": _("Exam closes"),
            "practice": _("Practice session"), "drill": _("Drill to do"),
            "certificate": _("Certificate expires")}


def _page(template: str, **context):
    feed = service.feed_of(current_user)
    weekdays = get_day_names("abbreviated", locale=_babel_locale())
    return render_template(template, feed=feed, guard=GuardForm(), labels=_labels(),
                           weekdays=[weekdays[i] for i in range(7)], link_url=link_url,
                           today=_today(), **context)


@bp.route("/")
@signed_in
def month():
    """My month: due dates, exam windows, practice sessions, drills, certificate expiry."""
    today = _today()
    chosen = MONTH.match(request.args.get("month", ""))
    year, number = (int(chosen.group(1)), int(chosen.group(2))) if chosen else (
        today.year, today.month)
    if not 1900 <= year <= 2999:
        abort(404)
    first, last = service.month_range(year, number)
    entries = service.entries_for(current_user, _zone(), first, last)
    start = date(year, number, 1)
    previous = (start - timedelta(days=1)).replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return _page("calendar/month.html", weeks=service.month_grid(year, number, entries),
                 heading=format_date(start, "LLLL yyyy", locale=_babel_locale()),
                 previous=previous.strftime("%Y-%m"), following=following.strftime("%Y-%m"),
                 week_day=first if first.month == number else start)


@bp.route("/week")
@signed_in
def week():
    """My week, day by day, with times."""
    try:
        day = date.fromisoformat(request.args.get("date", "")) if request.args.get("date") \
            else _today()
    except ValueError:
        day = _today()
    if not 1900 <= day.year <= 2999:
        abort(404)
    days = service.week_of(day)
    entries = service.entries_for(current_user, _zone(), days[0], days[-1])
    by_day = {d: [e for e in entries if e.day == d] for d in days}
    heading = "{} – {}".format(format_date(days[0], "medium", locale=_babel_locale()),
                               format_date(days[-1], "medium", locale=_babel_locale()))
    return _page("calendar/week.html", days=days, by_day=by_day, heading=heading,
                 previous=(days[0] - timedelta(days=7)).isoformat(),
                 following=(days[0] + timedelta(days=7)).isoformat(),
                 month_arg=days[0].strftime("%Y-%m"))


@bp.route("/feed", methods=["POST"])
@signed_in
def make_feed():
    """Make my feed address (a new one replaces the old); it is shown this once."""
    if not GuardForm().validate_on_submit():
        abort(400)
    token = service.new_feed_token(current_user)
    db.session.commit()
    address = url_for("calendar.feed", token=token, _external=True)
    today = _today()
    first, last = service.month_range(today.year, today.month)
    entries = service.entries_for(current_user, _zone(), first, last)
    start = today.replace(day=1)
    return _page("calendar/month.html", weeks=service.month_grid(today.year, today.month,
                                                                entries),
                 heading=format_date(start, "LLLL yyyy", locale=_babel_locale()),
                 previous=(start - timedelta(days=1)).strftime("%Y-%m"),
                 following=(start + timedelta(days=32)).strftime("%Y-%m"),
                 week_day=today, new_address=address)


@bp.route("/feed/revoke", methods=["POST"])
@signed_in
def revoke_feed():
    """Stop my feed address: calendars subscribed to it get nothing more."""
    if not GuardForm().validate_on_submit():
        abort(400)
    if service.revoke_feed(current_user):
        flash(_("The feed address no longer works."), "success")
    db.session.commit()
    return redirect(url_for("calendar.month"))


@bp.route("/feed/<token>.ics")
@public
def feed(token: str):
    """The iCalendar feed of the person whose secret address this is (404 otherwise)."""
    user = service.user_for_token(token)
    if user is None:
        abort(404)
    zone = zone_of(user)
    language = language_of(user)
    today = datetime.now(zone).date()
    entries = service.entries_for(user, zone, today - FEED_PAST, today + FEED_AHEAD)
    with force_locale(language):
        urls = {id(e): link_url(e.link, external=True) for e in entries}
        body = ics.build_feed(entries, user, zone, language, urls)
    db.session.commit()
    log.debug("calendar feed served: %d entries", len(entries))
    return Response(body, mimetype="text/calendar; charset=utf-8", headers={
        "Content-Disposition": "inline; filename=calendar.ics", "Cache-Control": "private, "
        "max-age=300"})
