"""People: users, their roles and departments, their sessions and sign-in throttles."""

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db


def utcnow() -> datetime:
    """Timezone-aware now in UTC (stored naive-UTC by SQLite, aware by PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Role(StrEnum):
    """What a person may do; a user may hold several."""

    ADMIN = "admin"
    TRAINER = "trainer"
    PLANNER = "planner"
    TRAINEE = "trainee"
    #: A team lead (班组长): sees and manages only the people of the departments they lead.
    LEAD = "lead"


class Department(db.Model):
    """An organisational unit staff belong to (e.g. a hotline team or a service station)."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Display name as the organisation writes it; unique.
    name: Mapped[str] = mapped_column(String(120), unique=True)
    #: The department this one belongs to (a hotline team inside a call center), if any.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))

    users: Mapped[list["User"]] = relationship(back_populates="department")
    parent: Mapped["Department | None"] = relationship(remote_side=[id],
                                                       back_populates="children")
    children: Mapped[list["Department"]] = relationship(back_populates="parent")

    @classmethod
    def get_or_create(cls, name: str) -> "Department":
        """The department called ``name``, added to the session if new."""
        found = db.session.scalar(select(cls).where(func.lower(cls.name) == name.lower()))
        if found is None:
            found = cls(name=name)
            db.session.add(found)
        return found


class UserRole(db.Model):
    """One role held by one user."""

    __tablename__ = "user_roles"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'trainer', 'planner', 'trainee', 'lead')",
                        name="known_role"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)


class LeadDepartment(db.Model):
    """A department a team lead leads (with its sub-departments)."""

    __tablename__ = "lead_departments"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True
    )


class User(db.Model):
    """A person who signs in: staff member, trainer, planner or administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Sign-in name; employees usually sign in with their employee number.
    username: Mapped[str] = mapped_column(String(64), unique=True)
    #: The HR employee number, unique across the organisation.
    employee_no: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    #: Interface language, ``zh`` or ``en``; None follows the browser.
    locale: Mapped[str | None] = mapped_column(String(8))
    #: IANA time zone for showing and entering times; None follows the site's zone.
    time_zone: Mapped[str | None] = mapped_column(String(40))
    #: Deactivated users cannot sign in; their records stay for the archive.
    active: Mapped[bool] = mapped_column(default=True)
    #: Set after an administrator resets the password: the next sign-in must change it.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    #: First working day; "new hires" are those hired within the onboarding window.
    hired_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    department: Mapped[Department | None] = relationship(back_populates="users")
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    #: The departments a team lead leads (empty for everyone else).
    led_departments: Mapped[list[Department]] = relationship(
        secondary="lead_departments", order_by=Department.name, viewonly=False
    )

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:  # noqa: D401 - Flask-Login property
        """Whether the account may sign in."""
        return self.active

    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """Session identifier for Flask-Login."""
        return str(self.id)

    @property
    def roles(self) -> set[str]:
        """The set of role names this user holds."""
        return {row.role for row in self.role_rows}

    def set_roles(self, roles) -> None:
        """Replace the user's roles with ``roles`` (names or ``Role`` members)."""
        wanted = {str(r) for r in roles}
        self.role_rows = [row for row in self.role_rows if row.role in wanted]
        for role in sorted(wanted - self.roles):
            self.role_rows.append(UserRole(role=role))

    def has_role(self, *roles) -> bool:
        """True when the user holds any of ``roles``."""
        return bool(self.roles & {str(r) for r in roles})


class UserSession(db.Model):
    """One signed-in browser: the cookie holds a random token whose hash is stored here.

    A session is valid while its row exists, is not revoked and has not expired, so signing
    out, "sign out everywhere", a password change and deactivation end sessions for real,
    even when someone kept a copy of the cookie.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the token kept in the signed session cookie; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Refreshed at most once a minute; the idle timeout counts from here.
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: "Keep me signed in" sessions last the remember duration; others expire when idle.
    remember: Mapped[bool] = mapped_column(default=False)
    expires_at: Mapped[datetime]
    #: The browser's own description and the address it signed in from, to recognise it.
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    revoked_at: Mapped[datetime | None]
    #: Why it ended: ``logout``, ``everywhere``, ``password``, ``reset``, ``deactivated``.
    revoked_reason: Mapped[str | None] = mapped_column(String(16))

    user: Mapped[User] = relationship()


class LoginThrottle(db.Model):
    """Failure counter for one account+address pair (``pair:``) or one address (``addr:``).

    Counters are raised with a single atomic upsert *before* the password is checked, so
    parallel guesses cannot slip past the limit; a correct password resets the pair.
    """

    __tablename__ = "login_throttles"

    #: ``pair:<user name>|<address>`` or ``addr:<address>``.
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    first_failure_at: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]
    #: No password is checked for this key before this time (progressive delay).
    locked_until: Mapped[datetime | None]
    #: Last correct sign-in of this pair: a known pair still signs in behind a busy address.
    last_success_at: Mapped[datetime | None]
