"""What the members' services tell the apps above them, which members never imports.

`events_written` is sent after a member's events are written through the services — added
(`bulk_create`, which sends no post_save), changed or deleted — with the events as they are
now (`events`), as they were before a change (`before`), those deleted (`deleted`) and the one
acting (`by`). reports records from it the corrections to closed periods."""

from django.dispatch import Signal

events_written = Signal()
