"""Norwegian identifiers, validated with python-stdnum: a wrong check digit gets its own message."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import fodselsnummer, kontonr, orgnr

from .errors import DagsverketError


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


def clean_organisation_number(value: str, error: type[DagsverketError] = DagsverketError) -> str:
    """The one check of a Norwegian organisation number (customers, employers): the compact nine
    digits, "" for none, or `error` (the calling app's own subclass) on `organisation_number`."""
    value = orgnr.compact(value or "")
    if not value:
        return ""
    try:
        return orgnr.validate(value)
    except StdnumError as invalid:
        raise error(
            _("This is not a valid Norwegian organisation number (9 digits, mod-11 check digit)."),
            code="invalid_orgnr",
            field="organisation_number",
        ) from invalid


def clean_instance_organisation_number(instance) -> None:
    """The same check for a model's `clean()` (the admin, the spreadsheet import): the field is
    made compact, or a `ValidationError` names it."""
    try:
        instance.organisation_number = clean_organisation_number(instance.organisation_number)
    except DagsverketError as error:
        raise ValidationError({error.field: error.message}, code=error.code) from error
