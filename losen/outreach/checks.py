"""System checks: the KAA register's whitelist and the rules files."""

from __future__ import annotations

from django.core.checks import Error, register


@register()
def kaa_register_holds_only_paragraph_4(app_configs=None, **kwargs) -> list[Error]:
    from losen.outreach.models import KaaMeasure, KaaMeasureVersion, KaaRecord, StatusChange
    from losen.outreach.models.kaa import unlisted_fields

    errors = []
    for model in (KaaRecord, KaaMeasure, KaaMeasureVersion, StatusChange):
        extra = unlisted_fields(model)
        if extra:
            errors.append(
                Error(
                    f"{model.__name__} has fields förordning (2006:39), 4 §, does not allow in the "
                    f"KAA register: {', '.join(extra)}.",
                    hint="Remove them, or list them in losen/outreach/models/kaa.py PARAGRAPH_4 "
                    "with the item of 4 § they belong to.",
                    id="losen.outreach.E001",
                )
            )
    return errors


@register()
def rules_files_are_readable(app_configs=None, **kwargs) -> list[Error]:
    from losen.outreach import eligibility, ladder

    errors = []
    for scheme in eligibility.SCHEMES:
        try:
            eligibility.versions(scheme)
        except eligibility.RuleError as error:
            errors.append(Error(str(error), id="losen.outreach.E002"))
    try:
        ladder.default_ladder()
    except (ladder.LadderError, ValueError, KeyError, OSError) as error:
        errors.append(Error(f"ladder.json: {error}", id="losen.outreach.E003"))
    return errors
