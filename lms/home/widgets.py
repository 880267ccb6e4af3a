"""Home-page widgets: features add panels to a role's dashboard without editing it.

A feature calls ``register_widget("trainee", "courses/_home_widget.html", context_fn)``
when its routes module is imported; ``context_fn(user)`` returns the template's context
(called only for users holding that role). Widgets show in registration order.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Widget:
    """One panel on the home page of users holding ``role``."""

    role: str
    template: str
    context: Callable[[object], dict]
    order: int = 100


_WIDGETS: list[Widget] = []


def register_widget(role: str, template: str, context: Callable[[object], dict],
                    order: int = 100) -> None:
    """Add a panel to the home page of users with ``role`` (idempotent per template)."""
    if any(w.template == template and w.role == role for w in _WIDGETS):
        return
    _WIDGETS.append(Widget(role, template, context, order))


def widgets_for(role: str, user) -> list[tuple[str, dict]]:
    """(template, context) for each widget of ``role``, rendered for ``user``."""
    chosen = sorted((w for w in _WIDGETS if w.role == role), key=lambda w: w.order)
    return [(w.template, w.context(user)) for w in chosen]
