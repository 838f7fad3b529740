"""Application factory."""

from pathlib import Path

from flask import Flask

import tasks
from cli import register_commands
from config import ConfigurationError, Defaults, configure_hosts, configure_secrets
from extensions import (
    DbSessionInterface,
    bootstrap,
    check_personal_data_keys,
    csrf,
    login_manager,
    register_database,
)
from views import register
from views.hardening import register_hardening

__all__ = ["ConfigurationError", "create_app"]


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("PLANJST")
    else:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    register_database(app)
    configure_secrets(app)
    configure_hosts(app)
    register_hardening(app)

    app.session_interface = DbSessionInterface()
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)

    tasks.configure(app)
    register(app)
    register_commands(app)
    check_personal_data_keys(app)
    return app
