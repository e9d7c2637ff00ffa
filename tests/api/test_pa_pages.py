"""Adding a PA on the page: how they get their holiday (12.07% for irregular hours is the default, with
its source) and an apprenticeship's first day, both kept on the record; a wrong date names its field."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.api


async def test_a_pa_on_regular_hours_and_an_apprentice_are_recorded_as_such(api, pages, world):
    await pages.sign_in("ann")
    form = f"{pages.account()}/pas"
    page = (await pages.get(form)).text
    assert "regulation/15B" in page and "Regular hours: 5.6 weeks" in page
    base = {"full_name": "Skye Munro", "started_on": "2026-09-01", "date_of_birth": "2008-06-01"}
    wrong = await pages.post(form, {**base, "holiday_scheme": "fixed_5_6_weeks", "apprenticeship_started_on": "1/9/26"})
    assert wrong.status_code == 400 and 'href="#apprenticeship_started_on"' in wrong.text
    added = await pages.post(
        form, {**base, "holiday_scheme": "fixed_5_6_weeks", "apprenticeship_started_on": "2026-09-01"}
    )
    assert added.status_code == 303
    [skye] = (await api.get(f"/api{form}", headers=world.headers("ann"))).json()
    assert (skye["holiday_scheme"], skye["apprenticeship_started_on"]) == ("fixed_5_6_weeks", "2026-09-01")
