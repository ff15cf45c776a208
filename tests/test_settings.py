import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite-only: the file database's journal mode"
)
def test_sqlite_file_database_uses_wal_and_waits_for_locks(tmp_path, django_db_blocker):
    # The same options as the default database, on a file (the test database is in memory).
    wrapper = DatabaseWrapper(
        {**settings.DATABASES["default"], "NAME": str(tmp_path / "db.sqlite3")}
    )
    with django_db_blocker.unblock():
        try:
            wrapper.connect()
            with wrapper.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"
                cursor.execute("PRAGMA busy_timeout")
                assert cursor.fetchone()[0] >= 5000
        finally:
            wrapper.close()


def test_secret_key_is_required_without_debug(monkeypatch):
    import importlib

    import environ
    from django.core.exceptions import ImproperlyConfigured

    import kcn_party.settings as project_settings

    monkeypatch.setenv("DEBUG", "off")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(environ.Env, "read_env", staticmethod(lambda *args, **kwargs: None))
    with pytest.raises(ImproperlyConfigured):
        importlib.reload(project_settings)
    monkeypatch.setenv("SECRET_KEY", "tests-only-not-a-secret")
    importlib.reload(project_settings)
    assert (
        project_settings.LANGUAGE_CODE == "vi" and project_settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    )
