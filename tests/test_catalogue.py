"""The shared scheme and types of assistance: every entry in every interface language, stable codes."""

from __future__ import annotations

from django.utils import translation

from palermo.common import catalogue


def test_every_stage_and_service_has_english_and_french_and_unique_codes() -> None:
    stages, services = catalogue.stages(), catalogue.services()
    assert [s.code for s in stages] == [
        "hotline",
        "safe_place",
        "referral",
        "risk_assessment",
        "crisis_intervention",
        "long_term",
        "inclusion",
        "return",
    ]
    assert len({s.code for s in services}) == len(services) == 14
    texts = [t for s in stages for t in (s.label, *s.activities, *s.responsible)] + [s.label for s in services]
    assert all(set(t) == {"en", "fr"} and all(t.values()) for t in texts)
    assert {s.where for s in services} == {"origin", "destination", "both"}


def test_labels_follow_the_active_language() -> None:
    with translation.override("fr"):
        assert catalogue.service_label("shelter") == "Hébergement temporaire ou sûr"
    with translation.override("en"):
        assert catalogue.service_label("shelter") == "Temporary shelter or safe accommodation"
    assert catalogue.service_label("unknown") == "unknown"
