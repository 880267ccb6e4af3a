"""After-sales service academy: the Flask application factory."""

import secrets
from pathlib import Path

from flask import Flask

from lms.config import INSTANCE_DIR, PROJECT_ROOT, DevelopmentConfig
from lms.extensions import babel, csrf, db, login_manager, migrate


def create_app(config_class=DevelopmentConfig) -> Flask:
    """Build the application: load config, attach extensions, register blueprints."""
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object(config_class)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))

    from lms import i18n

    directories = i18n.translation_directories()
    i18n.compile_catalogs(directories)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(d) for d in directories)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)

    from lms import web

    web.register(app)
    return app


def _instance_secret(instance_dir: Path) -> str:
    """A per-installation secret kept outside the repository, created on first start."""
    key_file = instance_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
