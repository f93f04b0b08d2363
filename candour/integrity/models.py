"""Early warning's own records: an analyst's decision on a raised flag (docs/early-warning.md).

Flags themselves are not stored: the rules (candour/integrity/rules.py) raise them from the case
data whenever they are asked. A decision keeps the flag as the analyst saw it (its explanation
and facts) and its fingerprint, so that a flag decided "no action" is not raised again for the
same facts, while a new fact makes a new flag.
"""

from __future__ import annotations

from django.db import models

from candour.core.models import Person, User


class Decision(models.TextChoices):
    NO_ACTION = "no_action", "No action"
    ADVICE = "advice", "Advice"
    INTELLIGENCE_DEVELOPMENT = "intelligence_development", "Intelligence development"
    REFER_TO_PSD = "refer_to_psd", "Refer to PSD"


class FlagDecision(models.Model):
    """What a counter-corruption analyst decided about one raised flag, and why."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="flag_decisions")
    rule = models.CharField(max_length=40)
    key = models.CharField(max_length=64, blank=True, default="")
    fingerprint = models.CharField(max_length=32, help_text="The flag's rule, person and facts.")
    raised_on = models.DateField()
    explanation = models.TextField(help_text="The flag's explanation as the analyst read it.")
    facts = models.JSONField(default=list, help_text='[{"kind", "ref", "date"}]')
    decision = models.CharField(max_length=32, choices=Decision.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_name = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "fingerprint"], name="flag_decision_unique_flag"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} for {self.person.ref}: {self.get_decision_display()}"
