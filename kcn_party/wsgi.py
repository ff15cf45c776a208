import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kcn_party.settings")
application = get_wsgi_application()

# Each worker, once loaded: its long-lived objects out of the collector's walks.
from kcn_party.memory import settle  # noqa: E402 - needs the settings set up above

settle()
