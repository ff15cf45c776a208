"""The reports app's admin: each concern in its own module, registered on import."""

from reports.targets import admin as targets_admin  # noqa: F401  (importing registers)
