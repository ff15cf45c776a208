"""The models of the reports app: each concern in its own module, imported here so that Django
finds them."""

from reports.targets.models import SourceDocument, Target  # noqa: F401
