"""The label a model's rows are known by outside their table: in the context bound to each ciphertext
and as the object type of audit entries.

It is the model's `app_label.modelname`, unless the model says `STORED_LABEL`: a model that moved to
another app keeps the label it had, so values encrypted before the move still decrypt and the audit
trail of one record keeps one object type.
"""

from __future__ import annotations

from django.db.models import Model


def stored_label(model: type[Model] | Model) -> str:
    label: str = getattr(model, "STORED_LABEL", "") or model._meta.label_lower
    return label
