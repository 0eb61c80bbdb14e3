"""Norwegian unless the language switcher chose English (issue 16, item 9)."""

from dagsverket.roles import Role


def test_a_browser_that_asks_for_english_still_gets_norwegian(client_for, settings):
    settings.LANGUAGE_CODE = "nb"
    page = client_for(Role.PAYROLL).get("/payroll/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="nb">' in page.content.decode()
    login = client_for(None).get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="nb">' in login


def test_the_switcher_chooses_english_whatever_the_browser_asks(client_for):
    client = client_for(Role.PAYROLL)
    client.post("/i18n/setlang/", {"language": "en", "next": "/payroll/"})
    page = client.get("/payroll/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert '<html lang="en">' in page
    client.post("/i18n/setlang/", {"language": "nb", "next": "/payroll/"})
    assert '<html lang="nb">' in client.get("/payroll/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
