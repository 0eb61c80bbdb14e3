import shutil
import subprocess
from pathlib import Path

import pytest

from dagsverket.roles import Role

PO = Path(__file__).resolve().parents[2] / "locale" / "nb" / "LC_MESSAGES" / "django.po"


def test_pages_are_norwegian_by_default(client_for):
    page = client_for(Role.PAYROLL).get("/payroll/").content.decode()
    assert '<html lang="nb">' in page
    assert "Dagens lønn" in page
    assert "Logg ut" in page


def test_pages_are_english_when_switched(client_for):
    client = client_for(Role.PAYROLL)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/payroll/"})
    assert response.status_code == 302
    page = client.get("/payroll/").content.decode()
    assert '<html lang="en">' in page
    assert "Today&#x27;s pay" in page or "Today's pay" in page


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext's msgfmt is not installed")
def test_the_norwegian_catalogue_has_no_untranslated_or_fuzzy_strings():
    result = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(PO)], capture_output=True, text=True, check=True
    )
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr
    assert "translated message" in result.stderr
