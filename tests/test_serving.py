"""Serving in production: /healthz and /readyz, the JSON request log, static files built with
hashed and compressed names, and the gunicorn configuration."""

import importlib.util
import io
import json
import logging
import os
import runpy
import subprocess
import sys
import types
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import RequestFactory, override_settings
from django.urls import reverse

from ops.logs import JsonFormatter, RequestIdFilter

ROOT = Path(__file__).resolve().parent.parent


def _json(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


# -- /healthz ------------------------------------------------------------------------------------------


def test_healthz_answers_ok_without_sign_in_and_is_never_cached(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert _json(response) == {"status": "ok", "checks": {"database": "ok", "storage": "ok"}}
    assert "no-store" in response["Cache-Control"]


def test_healthz_leaves_no_probe_file_behind(client, db, tmp_path):
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}
    with override_settings(STORAGES={**settings.STORAGES, "default": storage}):
        assert client.get(reverse("healthz")).status_code == 200
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


def test_healthz_is_503_naming_the_database_when_it_is_unreachable(client, db, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused (host db.intern, user wir)")

    with monkeypatch.context() as patch:  # undone before the test database is cleaned up
        patch.setattr(connection, "cursor", unreachable)
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = _json(response)
    assert body["status"] == "error"
    assert body["checks"]["database"] == "Fehler: OperationalError"
    # The files lie in the same database (FILE_STORAGE=database, the default): they fail with it.
    assert body["checks"]["storage"] == "Fehler: OperationalError"
    # The public answer names the kind of failure, never the message with hosts or user names.
    assert "db.intern" not in response.content.decode()


def test_healthz_is_503_naming_the_storage_when_files_cannot_be_written(client, db, tmp_path):
    blocked = tmp_path / "keine-verzeichnis"
    blocked.write_text("eine Datei, wo der Speicher ein Verzeichnis braucht")
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(blocked)}}
    with override_settings(STORAGES={**settings.STORAGES, "default": storage}):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    checks = _json(response)["checks"]
    assert checks["database"] == "ok" and checks["storage"].startswith("Fehler: ")


def _fake_kombu(monkeypatch, *, reachable: bool) -> list[str]:
    """A stand-in for kombu (Celery's transport library; not a dependency of this app by itself)."""
    connected: list[str] = []

    class Connection:
        def __init__(self, url, connect_timeout):
            self.url = url

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def ensure_connection(self, max_retries):
            if not reachable:
                raise ConnectionRefusedError(111, "Connection refused")
            connected.append(self.url)

    monkeypatch.setitem(sys.modules, "kombu", types.SimpleNamespace(Connection=Connection))
    return connected


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
def test_healthz_checks_the_broker_when_one_is_configured(client, db, monkeypatch):
    connected = _fake_kombu(monkeypatch, reachable=True)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert _json(response)["checks"] == {"database": "ok", "storage": "ok", "broker": "ok"}
    assert connected == ["redis://127.0.0.1:6379/0"]


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
def test_healthz_is_503_naming_the_broker_when_it_is_down(client, db, monkeypatch):
    _fake_kombu(monkeypatch, reachable=False)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert _json(response)["checks"]["broker"] == "Fehler: ConnectionRefusedError"


def test_a_head_probe_gets_the_status_without_a_body(db):
    """The view itself drops the body (gunicorn would otherwise warn on every probe; the test
    client would hide it, so the view is called directly)."""
    from ops.views import healthz

    response = healthz(RequestFactory().head("/healthz"))
    assert response.status_code == 200 and response.content == b""


def test_health_pages_take_no_post(client, db):
    assert client.post(reverse("healthz")).status_code == 405
    assert client.post(reverse("readyz")).status_code == 405


# -- /readyz --------------------------------------------------------------------------------------------


def test_readyz_answers_ok_when_every_migration_is_applied(client, db):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert _json(response) == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}
    assert "no-store" in response["Cache-Control"]


def test_readyz_is_503_while_a_migration_is_not_applied(client, db):
    latest = MigrationRecorder.Migration.objects.filter(app="grants").order_by("-id").first()
    assert latest is not None
    latest.delete()  # the database now lacks the newest migration of the code
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert _json(response)["checks"] == {"database": "ok", "migrations": "1 Migration(en) nicht angewendet"}


def test_readyz_is_503_when_the_database_is_unreachable(client, db, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", unreachable)
        response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert _json(response)["checks"] == {"database": "Fehler: OperationalError"}


# -- the request log --------------------------------------------------------------------------------------


@pytest.fixture
def request_log():
    """The lines the request logger writes, formatted as in production (LOG_FORMAT=json)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("wirfunding.request")
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_each_request_is_one_json_line_with_the_user_id_and_no_personal_data(client, coordinator_a, request_log):
    client.force_login(coordinator_a)
    response = client.get(reverse("grants:application_list") + "?q=Geheimes+Suchwort")
    assert response.status_code == 200
    [line] = request_log()
    assert line["method"] == "GET"
    assert line["path"] == reverse("grants:application_list")  # without the query string
    assert line["status"] == 200
    assert line["user_id"] == coordinator_a.pk
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["request_id"] == response["X-Request-ID"] and len(line["request_id"]) == 32
    assert line["logger"] == "wirfunding.request" and line["level"] == "INFO"
    assert line["timestamp"].endswith("+00:00")
    text = json.dumps(line, ensure_ascii=False)
    for personal in (coordinator_a.username, coordinator_a.email, coordinator_a.get_full_name(), "Suchwort"):
        assert personal not in text


def test_the_proxy_request_id_is_kept_and_returned(client, db, request_log):
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID="proxy-4711.abc")
    assert response["X-Request-ID"] == "proxy-4711.abc"
    [line] = request_log()
    assert line["request_id"] == "proxy-4711.abc" and line["user_id"] is None


def test_a_request_id_that_could_forge_log_lines_is_replaced(client, db, request_log):
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID='x" \n{"level": "CRITICAL"}')
    assert response["X-Request-ID"] != 'x" \n{"level": "CRITICAL"}' and len(response["X-Request-ID"]) == 32
    assert [line["request_id"] for line in request_log()] == [response["X-Request-ID"]]


def test_an_error_is_one_json_line_with_its_traceback():
    logger = logging.getLogger("tests.serving")
    record = None
    try:
        raise ZeroDivisionError("Division durch null")
    except ZeroDivisionError:
        record = logger.makeRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
                                   ("/antraege/",), sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "Internal Server Error: /antraege/"
    assert entry["level"] == "ERROR" and entry["exception"] == "ZeroDivisionError"
    assert entry["traceback"].startswith("Traceback (most recent call last):")
    assert "ZeroDivisionError: Division durch null" in entry["traceback"]


def _settings_in_fresh_interpreter(expression: str, **env) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items()
             if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "LOG_FORMAT"}}
    return subprocess.run([sys.executable, "-c", f"import wirfunding.settings as s; print({expression})"],
                          cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60)


def test_logs_are_json_in_production_and_text_in_development():
    production = _settings_in_fresh_interpreter("s.LOGGING['handlers']['console']['formatter']",
                                                SECRET_KEY="k" * 60, ALLOWED_HOSTS="x")
    development = _settings_in_fresh_interpreter("s.LOGGING['handlers']['console']['formatter']", DEBUG="true")
    assert (production.stdout.strip(), development.stdout.strip()) == ("json", "text")


def test_an_unknown_log_format_refuses_to_start():
    result = _settings_in_fresh_interpreter("1", DEBUG="true", LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT='xml' ist unbekannt" in result.stderr


# -- static files ----------------------------------------------------------------------------------------


def test_collectstatic_builds_hashed_and_compressed_files_without_data_urls(tmp_path):
    """The production storage, as `make serve-prod` runs it: every file hashed and compressed,
    and the stylesheets' icon addresses rewritten to the hashed icon files."""
    storages = {**settings.STORAGES,
                "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    with override_settings(STATIC_ROOT=str(tmp_path), STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    app_css = tmp_path / manifest["css/app.css"]
    assert app_css.name != "app.css" and app_css.exists()
    assert Path(f"{app_css}.gz").exists() and Path(f"{app_css}.br").exists()
    icons = (tmp_path / manifest["css/bootstrap-icons.css"]).read_text()
    for icon in Path(ROOT / "static/vendor/bootstrap/icons").glob("*.svg"):
        assert f"/static/{manifest[f'vendor/bootstrap/icons/{icon.name}']}" in icons


def test_the_bootstrap_icon_stylesheet_is_up_to_date_with_bootstrap():
    """Every `data:` image of Bootstrap's CSS has its file and its overriding rule
    (re-run deploy/bootstrap_icons.py after updating Bootstrap)."""
    spec = importlib.util.spec_from_file_location("bootstrap_icons", ROOT / "deploy/bootstrap_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    stylesheet, icons = module.render(module.BOOTSTRAP.read_text(encoding="utf-8"))
    assert stylesheet == module.OUTPUT.read_text(encoding="utf-8")
    assert "data:" not in stylesheet
    for name, svg in icons.items():
        assert (module.ICONS / name).read_text(encoding="utf-8") == svg
    assert {"form-select", "form-check-input:checked[type=checkbox]", "form-control.is-invalid"} <= {
        part.lstrip(".") for line in stylesheet.splitlines()[1:] for part in line.split(" {")[0].split(",")}


def test_static_files_are_served_by_the_application(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert b".text-pre-line" in b"".join(response.streaming_content)


# -- gunicorn -----------------------------------------------------------------------------------------------


def _gunicorn_config(monkeypatch, **env) -> dict:
    for key in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_MAX_WORKERS", "FORWARDED_ALLOW_IPS", "LOG_FORMAT"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(ROOT / "deploy/gunicorn.conf.py"))


def test_gunicorn_config_defaults(monkeypatch):
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 2)
    config = _gunicorn_config(monkeypatch)
    assert config["wsgi_app"] == "wirfunding.wsgi:application"
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["workers"] == 5  # 2 × 2 cores + 1
    assert config["accesslog"] is None  # the application writes the request log
    assert config["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert config["control_socket_disable"] is True
    assert config["logconfig_dict"]["formatters"]["json"]["()"] == "ops.logs.JsonFormatter"


def test_gunicorn_config_from_the_environment(monkeypatch):
    config = _gunicorn_config(monkeypatch, GUNICORN_BIND="0.0.0.0:9000", GUNICORN_WORKERS="3",
                              FORWARDED_ALLOW_IPS="10.0.0.5", LOG_FORMAT="text")
    assert (config["bind"], config["workers"], config["forwarded_allow_ips"]) == (["0.0.0.0:9000"], 3, "10.0.0.5")
    assert "logconfig_dict" not in config


def test_gunicorn_workers_are_capped(monkeypatch):
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 64)
    assert _gunicorn_config(monkeypatch)["workers"] == 8
    assert _gunicorn_config(monkeypatch, GUNICORN_MAX_WORKERS="4")["workers"] == 4


def test_a_bad_worker_count_stops_gunicorn_with_a_message(monkeypatch):
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS='viele' ist keine ganze Zahl"):
        _gunicorn_config(monkeypatch, GUNICORN_WORKERS="viele")


# -- the worker before its first request (ops/runtime.py) --------------------------------------------


def test_a_worker_compiles_every_template_and_freezes_what_it_holds_before_its_first_request():
    import gc

    from django.template import engines

    from ops.runtime import TEMPLATE_SUFFIXES, prepare_worker

    project_templates = [path for path in (ROOT / "templates").rglob("*") if path.suffix in TEMPLATE_SUFFIXES]
    try:
        compiled = prepare_worker()
        # Everything the process holds now is out of the collector's walks.
        assert gc.get_freeze_count() > 50_000
        assert len(gc.get_objects(generation=2)) < 1_000
    finally:
        gc.unfreeze()
    assert compiled > len(project_templates)  # the project's and the installed apps' templates
    cache = engines["django"].engine.template_loaders[0].get_template_cache
    # every template of the project is compiled and served from the cache from the first request on
    assert {path.relative_to(ROOT / "templates").as_posix() for path in project_templates} <= set(cache)
