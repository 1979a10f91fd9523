"""The campaign form: who, when, and the rules of each person's list of raters."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from service.services.people import MAX_NAME_LENGTH
from service.web.time_zone import deadline_field, time_zone_field

WHO = [
    SelectChoice("everyone", lazy_gettext("Everyone")),
    SelectChoice("department", lazy_gettext("A department")),
    SelectChoice("manager", lazy_gettext("A manager's team")),
]


def _minimum(label, default: int) -> IntegerField:
    return IntegerField(label, default=default, validators=[Optional(), NumberRange(0, 50)])


class CampaignForm(FlaskForm):
    name = StringField(
        lazy_gettext("Name"),
        validators=[InputRequired(lazy_gettext("Name the campaign.")), Length(max=MAX_NAME_LENGTH)],
    )
    who = SelectField(lazy_gettext("Who takes part"), choices=WHO, default="everyone")
    # Filled by the page from the people's departments and managers.
    department = SelectField(lazy_gettext("Department"), choices=[], validate_choice=False)
    manager = SelectField(lazy_gettext("Manager"), choices=[], validate_choice=False)
    nomination_deadline = deadline_field(
        lazy_gettext("Lists of raters due"), lazy_gettext("Choose when lists are due.")
    )
    deadline = deadline_field(lazy_gettext("Rounds close"))
    time_zone = time_zone_field()
    manager_approval = BooleanField(
        lazy_gettext("Each list is approved by the person's manager"), default=True
    )
    minimum_manager = _minimum(lazy_gettext("Managers"), 1)
    minimum_peer = _minimum(lazy_gettext("Peers"), 3)
    minimum_direct_report = _minimum(lazy_gettext("Direct reports (where they have any)"), 0)
    minimum_other = _minimum(lazy_gettext("Others"), 0)
    maximum_raters = IntegerField(
        lazy_gettext("At most, in all"), default=12, validators=[Optional(), NumberRange(1, 200)]
    )
