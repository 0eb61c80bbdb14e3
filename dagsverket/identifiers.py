"""Norwegian identifiers, validated with python-stdnum: a wrong check digit gets its own message."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import fodselsnummer, kontonr


def _check(module, value: str, what: str) -> str:
    try:
        return module.validate(value)
    except InvalidChecksum:
        raise ValidationError(
            _("The check digit of this %(what)s is wrong; look for a typing error.") % {"what": what},
            code="checksum",
        ) from None
    except InvalidLength:
        raise ValidationError(_("A %(what)s has 11 digits.") % {"what": what}, code="length") from None
    except StdnumError:
        raise ValidationError(_("This is not a valid %(what)s.") % {"what": what}, code="invalid") from None


def validate_national_id(value: str) -> None:
    if value:
        _check(fodselsnummer, value, _("national ID number"))


def validate_bank_account(value: str) -> None:
    if value:
        _check(kontonr, value, _("bank account number"))


def compact_national_id(value: str) -> str:
    return fodselsnummer.compact(value or "")


def compact_bank_account(value: str) -> str:
    return kontonr.compact(value or "")
