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


def normalise_phone(value: str) -> str:
    """A phone number in E.164 (`+4798765432`); Norwegian when it has no country code. Refuses what
    the phonenumbers library does not know as a possible number."""
    import phonenumbers

    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "NO")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("This is not a valid phone number."), code="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def name_needs_confirming(name: str) -> bool:
    """A name that is only digits or one letter is more often a slip than a name: ask first."""
    name = (name or "").strip()
    return bool(name) and (name.isdigit() or len(name) == 1)
