"""The account page's "Download your data": the same ZIP as GET /api/v1/me/export."""

from __future__ import annotations

from service.api.personal_data import zip_download
from service.models import Person
from service.services.privacy.export import collect_personal_data
from service.web.account.views import bp
from service.web.auth import login_required


@bp.get("/account/data")
@login_required
def download_my_data(person: Person):
    return zip_download(collect_personal_data(person.id))
