"""The core domain: sites and their staff, participants, the day's visits, and the logs.

Models only derive values from their own row; writes go through `services.py`.
"""

import datetime
import unicodedata

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .identifiers import clean_instance_organisation_number, validate_bank_account, validate_national_id
from .roles import PERMISSIONS


def normalise_name(value: str) -> str:
    """Fold case, accents and Norwegian letters so 'ase' finds 'Åse' and 'oy' finds 'Øyvind'."""
    value = (value or "").casefold()
    for src, dst in (("æ", "ae"), ("ø", "o"), ("å", "a"), ("ß", "ss"), ("đ", "d"), ("ł", "l")):
        value = value.replace(src, dst)
    value = unicodedata.normalize("NFKD", value)
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isalnum() else " " for ch in value).split())


def age_on(birth_date, birth_year, day: datetime.date) -> int | None:
    """The one age calculation: whole years on `day` from the birth date (an ISO text is read), or
    `day`'s year less the birth year when only that is known; None when neither is."""
    if birth_date:
        if isinstance(birth_date, str):
            birth_date = datetime.date.fromisoformat(birth_date)
        return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
    if birth_year:
        return day.year - birth_year
    return None


class StaffSession(AbstractBaseSession):
    """Django's database session, with the logged-in user's id as a column of its own.

    The signed payload stays what Django reads and trusts (`_auth_user_id` in it); the column is a
    copy, written with it on every save, so that the session store can read the session and the
    user (with their sites and permissions) in one round trip (`dagsverket/session_store.py`). A
    user deleted takes their sessions with them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        db_table = "dagsverket_session"
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls):
        from django.utils.module_loading import import_string

        return import_string(f"{settings.SESSION_ENGINE}.SessionStore")


class Site(models.Model):
    """One program location (for example Trondheim or Stjørdal); everything about a day belongs to one."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    places_per_day = models.PositiveSmallIntegerField(_("default places per day"), default=18)
    opens_at = models.TimeField(_("opens at"), default=datetime.time(8, 0))
    closes_at = models.TimeField(_("closes at"), default=datetime.time(14, 0))
    idle_lock_minutes = models.PositiveSmallIntegerField(_("lock the tablet after idle minutes"), default=5)
    readiness_checks = models.BooleanField(
        _("ask about safety briefing and work clothes at readiness"), default=False
    )
    readiness_notes = models.BooleanField(
        _("allow free-text readiness notes (health-related; visible to few)"), default=False
    )
    employer_name = models.CharField(_("employer name"), max_length=200, blank=True)
    organisation_number = models.CharField(_("organisation number"), max_length=9, blank=True)
    cleaning_register_number = models.CharField(
        _("cleaning register approval number"), max_length=40, blank=True
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="sites", blank=True, verbose_name=_("staff")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        permissions = list(PERMISSIONS.items())
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="site_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        clean_instance_organisation_number(self)


class Participant(models.Model):
    """A person who comes to work. A name or nickname is enough; the rest can be added later."""

    # No index of its own: the indexes on (site, search name) and (site, lower(name)) lead with the
    # site, and every index is written again when a check-in sets `last_seen` (docs/PERFORMANCE.md,
    # thirteenth session).
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="participants", verbose_name=_("site"), db_index=False
    )
    name = models.CharField(_("name or nickname"), max_length=100)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    nickname = models.CharField(_("nickname"), max_length=100, blank=True)
    search_name = models.CharField(max_length=400, editable=False, db_index=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    sex = models.CharField(
        _("sex"),
        max_length=1,
        blank=True,
        choices=[("f", _("Female")), ("m", _("Male")), ("x", _("Other or not stated"))],
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    national_id = models.CharField(
        _("national ID number"), max_length=11, blank=True, validators=[validate_national_id]
    )
    bank_account = models.CharField(
        _("bank account"), max_length=11, blank=True, validators=[validate_bank_account]
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    emergency_contact = models.CharField(_("emergency contact"), max_length=200, blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    skills = models.CharField(_("skills"), max_length=300, blank=True)
    restrictions = models.CharField(_("restrictions"), max_length=300, blank=True)
    hms_card_number = models.CharField(_("HMS card number"), max_length=40, blank=True)
    hms_card_expires = models.DateField(_("HMS card expires"), null=True, blank=True)
    driving_licence = models.BooleanField(_("driving licence"), default=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    last_seen = models.DateField(_("last seen"), null=True, blank=True, db_index=True)
    # Set by `manage.py apply_retention`: identity removed, visits kept for statistics.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )

    history = HistoricalRecords(excluded_fields=["search_name"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [
            models.Index(fields=["site", "search_name"], name="participant_site_search"),
            # Whether another person at the site has the same short name (search results, `{% who %}`).
            models.Index(
                models.F("site"),
                Lower("name"),
                name="participant_site_lower_name",
                condition=models.Q(merged_into__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = normalise_name(" ".join([self.name, self.full_name, self.nickname]))
        if self.birth_date and not self.birth_year:
            self.birth_year = self.birth_date.year
        super().save(*args, **kwargs)

    def age_on(self, day: datetime.date) -> int | None:
        return age_on(self.birth_date, self.birth_year, day)

    def has_valid_hms_card(self, day: datetime.date) -> bool:
        return bool(self.hms_card_number) and (self.hms_card_expires is None or self.hms_card_expires >= day)


class Readiness(models.TextChoices):
    """Whether a person who came can work today."""

    UNKNOWN = "unknown", _("Not yet assessed")
    READY = "ready", _("Ready")
    LIGHT = "light", _("Light duties only")
    NOT_TODAY = "not_today", _("Not today")


class VisitQuerySet(models.QuerySet):
    def active(self):
        """The visits that stand: a check-in undone at the front desk is kept but does not count."""
        return self.filter(undone_at__isnull=True)


class Visit(models.Model):
    """One person coming to one site on one day. Unique while not undone."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="visits", verbose_name=_("participant")
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="visits", verbose_name=_("site"))
    date = models.DateField(_("date"))
    # The time of the tap on the tablet (the lottery and the attendance log go by it) and the time
    # the server got it: the same online, apart when a tablet sends its queue after a dropped
    # connection. Visits from before the field came have none.
    arrived_at = models.DateTimeField(_("arrived"))
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("checked in by"),
    )
    # The tablet's key for one tap: unique per site (a nonce never names a visit of another site).
    nonce = models.CharField(max_length=64, null=True, blank=True)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    undo_reason = models.CharField(_("reason for correction"), max_length=200, blank=True)
    # The latest readiness (history in ReadinessEntry), kept here so the board needs no join.
    readiness = models.CharField(
        _("readiness"), max_length=20, choices=Readiness.choices, default=Readiness.UNKNOWN
    )
    readiness_reason = models.ForeignKey(
        "ReasonCode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reason"),
    )

    objects = VisitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["arrived_at"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "site", "date"],
                condition=models.Q(undone_at__isnull=True),
                name="one_visit_per_participant_site_day",
            ),
            models.UniqueConstraint(fields=["site", "nonce"], name="one_visit_per_site_nonce"),
        ]
        indexes = [
            models.Index(fields=["site", "date"], name="visit_site_date"),
            # The evaluation dashboard's counts of a site's year (visits and not fit per day, people
            # per month, unique people) read only these columns: index-only scans, no heap.
            models.Index(
                fields=["site", "date", "participant", "readiness"],
                condition=models.Q(undone_at__isnull=True),
                name="visit_site_date_people",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.date:%Y-%m-%d}"

    @property
    def received_late(self) -> bool:
        """Sent from the tablet's offline queue: received more than a minute after the tap."""
        return self.received_at is not None and self.received_at - self.arrived_at > datetime.timedelta(
            minutes=1
        )


def localised_label(label_nb: str, label_en: str) -> str:
    """A label kept in both languages, in the active one: English when it is active and the label
    has an English text, Norwegian otherwise."""
    if (get_language() or "nb").startswith("en") and label_en:
        return label_en
    return label_nb


class LocalisedLabelMixin(models.Model):
    """A label kept by managers in both languages; shown in the active one."""

    label_nb = models.CharField(_("label (Norwegian)"), max_length=100)
    label_en = models.CharField(_("label (English)"), max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localised_label(self.label_nb, self.label_en)


class ReasonCode(LocalisedLabelMixin):
    """A coded reason kept by managers: why someone is not fit today, or why they are excluded.

    Coded reasons keep health-related free text out of the records.
    """

    class Kind(models.TextChoices):
        READINESS = "readiness", _("Not fit today")
        EXCLUSION = "exclusion", _("Exclusion")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.SlugField(_("code"), max_length=40)
    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reason_codes",
        help_text=_("Empty: used at every site."),
    )
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "sort_order", "code"]
        verbose_name = _("reason code")
        verbose_name_plural = _("reason codes")
        constraints = [
            models.UniqueConstraint(fields=["kind", "code", "site"], name="reason_code_unique_per_site"),
            # NULL sites are never equal to each other, so the constraint above does not cover the
            # codes shared by all sites: this one does.
            models.UniqueConstraint(
                fields=["kind", "code"],
                condition=models.Q(site__isnull=True),
                name="reason_code_unique_everywhere",
            ),
        ]


class ReadinessEntry(models.Model):
    """One readiness assessment of a visit; the visit keeps the latest, this keeps the history."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="readiness_history")
    status = models.CharField(_("readiness"), max_length=20, choices=Readiness.choices)
    reason = models.ForeignKey(
        ReasonCode, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("reason")
    )
    safety_briefing = models.BooleanField(_("safety briefing given"), null=True, blank=True)
    work_clothes_ok = models.BooleanField(
        _("work clothes and protective equipment in order"), null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("readiness entry")
        verbose_name_plural = _("readiness history")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="not_today") | models.Q(reason__isnull=False),
                name="not_today_needs_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit} {self.status}"


class Exclusion(models.Model):
    """A period (karantene) in which a person may come but not be put to work."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="exclusions", verbose_name=_("participant")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until and including"))
    reason = models.ForeignKey(ReasonCode, on_delete=models.PROTECT, verbose_name=_("reason"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("exclusion")
        verbose_name_plural = _("exclusions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="exclusion_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.starts_on}–{self.ends_on}"


class StaffPin(models.Model):
    """A staff member's personal 4-6 digit PIN for switching user on a shared tablet (stored hashed)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pin")
    pin_hash = models.CharField(max_length=200)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("staff PIN")
        verbose_name_plural = _("staff PINs")

    def __str__(self) -> str:
        return str(self.user)


class ActivityLog(models.Model):
    """Append-only record of back-office actions: who did what, to which object, when."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("activity log entry")
        verbose_name_plural = _("activity log")
        indexes = [models.Index(fields=["object_type", "object_id"], name="activity_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class AccessLog(models.Model):
    """Who read health-related data or a national ID, of whom, and when."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("read by")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="access_log", null=True
    )
    what = models.CharField(_("what was read"), max_length=60)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.what}"


class TabletAction(models.Model):
    """One action a tablet sent from its offline queue, kept once per site and nonce (append-only).

    The nonce makes a resent queue harmless: the second time the first answer is given again.
    Refusals are kept too (with their code), so a conflict found while syncing is recorded, not lost.
    """

    class Kind(models.TextChoices):
        CHECK_IN = "check_in", _("Check-in")
        READINESS = "readiness", _("Readiness")
        UNDO = "undo", _("Undo")
        REGISTER = "register", _("Register a newcomer")

    class Outcome(models.TextChoices):
        OK = "ok", _("Applied")
        REFUSED = "refused", _("Refused")

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    nonce = models.CharField(max_length=64)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    tapped_at = models.DateTimeField(_("tapped"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    code = models.CharField(max_length=40, blank=True)
    # The visit the action made or met (a refused check-in names the visit another tablet made).
    visit = models.ForeignKey(Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("tablet action")
        verbose_name_plural = _("tablet actions")
        constraints = [
            models.UniqueConstraint(fields=["site", "nonce"], name="one_tablet_action_per_site_nonce")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.nonce} {self.outcome}"
