"""The staff's interface to members, candidates, classes and ratings: Django's admin, scoped
through organizations.admin.base, plus the journeys (record an admission, record a transfer
in, enter a cell's ratings, the due list), which call members.services."""

from members.admin import candidates, classes, members, ratings  # noqa: F401 - registers
