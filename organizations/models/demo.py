from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoLoad(models.Model):
    """That the demo data was loaded into this database, once. From then on the data belongs
    to the people who use it — they correct, delete and add records, some with the keys the
    demo uses — so `load_demo` never writes again (reports/management/commands/load_demo.py).
    """

    name = models.CharField(max_length=32, unique=True, default="demo", editable=False)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    records = models.PositiveIntegerField(_("records written"), default=0)
    adapted = models.TextField(
        _("keys changed"),
        blank=True,
        help_text=_("Demo keys taken by records people entered, and what took their place."),
    )

    class Meta:
        verbose_name = _("demo data load")
        verbose_name_plural = _("demo data loads")

    def __str__(self):
        return f"{self.name} ({self.loaded_at:%d/%m/%Y})"
