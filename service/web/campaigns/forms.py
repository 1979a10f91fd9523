"""The campaign form: who, when, and the rules of each person's list of raters."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from service.services.people import MAX_NAME_LENGTH
from service.web.time_zone import deadline_field, time_zone_field

WHO = [
    SelectChoice("everyone", "Everyone"),
    SelectChoice("department", "A department"),
    SelectChoice("manager", "A manager's team"),
]


def _minimum(label: str, default: int) -> IntegerField:
    return IntegerField(label, default=default, validators=[Optional(), NumberRange(0, 50)])


class CampaignForm(FlaskForm):
    name = StringField(
        "Name", validators=[InputRequired("Name the campaign."), Length(max=MAX_NAME_LENGTH)]
    )
    who = SelectField("Who takes part", choices=WHO, default="everyone")
    # Filled by the page from the people's departments and managers.
    department = SelectField("Department", choices=[], validate_choice=False)
    manager = SelectField("Manager", choices=[], validate_choice=False)
    nomination_deadline = deadline_field("Lists of raters due", "Choose when lists are due.")
    deadline = deadline_field("Rounds close")
    time_zone = time_zone_field()
    manager_approval = BooleanField("Each list is approved by the person's manager", default=True)
    minimum_manager = _minimum("Managers", 1)
    minimum_peer = _minimum("Peers", 3)
    minimum_direct_report = _minimum("Direct reports (where they have any)", 0)
    minimum_other = _minimum("Others", 0)
    maximum_raters = IntegerField(
        "At most, in all", default=12, validators=[Optional(), NumberRange(1, 200)]
    )
