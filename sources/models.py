"""The source library: who made each source, when, why and for whom.

Citations are always generated from these fields (see `sources.citations`); no model
stores a citation string, so correcting a page range corrects every citation at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from simple_history.models import HistoricalRecords

from coexist.i18n import ChoiceLabels
from sources import citations, images
from sources.dates import PartialDate, approximately
from sources.text import render_text

MAX_TEXT_LENGTH = 50_000


class Standpoint(models.TextChoices):
    SOVIET = "soviet", gettext_lazy("Soviet")
    AMERICAN = "american", gettext_lazy("American")
    BRITISH = "british", gettext_lazy("British")
    WESTERN = "western", gettext_lazy("Other Western")
    HISTORIAN = "historian", gettext_lazy("Historian (academic)")
    EDUCATOR = "educator", gettext_lazy("Educator or textbook writer")
    JOURNALIST = "journalist", gettext_lazy("Journalist or broadcaster")
    OTHER = "other", pgettext_lazy("standpoint", "Other")


class AuthorKind(models.TextChoices):
    PERSON = "person", gettext_lazy("Person")
    ORGANISATION = "organisation", gettext_lazy("Organisation")


class AuthorQuerySet(models.QuerySet):
    def search(self, term: str) -> AuthorQuerySet:
        return self.filter(Q(family_name__icontains=term) | Q(given_names__icontains=term))


class Author(ChoiceLabels, models.Model):
    """A person or organisation that made a source or argued about one."""

    kind = models.CharField(
        verbose_name=gettext_lazy("kind"),
        max_length=20,
        choices=AuthorKind,
        default=AuthorKind.PERSON,
    )
    given_names = models.CharField(
        verbose_name=gettext_lazy("given names"),
        max_length=200,
        blank=True,
        help_text=gettext_lazy(
            "For a person: given names as they are published, e.g. “Nikita S.”. "
            "Leave empty for an organisation."
        ),
    )
    family_name = models.CharField(
        gettext_lazy("family name or organisation"),
        max_length=200,
        help_text=gettext_lazy(
            "For a person, the family name (“Khrushchev”); for an organisation, its "
            "full name (“Central Intelligence Agency”). Citations and sorting use this."
        ),
    )
    slug = models.SlugField(
        verbose_name=gettext_lazy("slug"),
        max_length=200,
        unique=True,
        help_text=gettext_lazy("Used in lesson packs."),
    )
    born = models.SmallIntegerField(
        verbose_name=gettext_lazy("born"),
        null=True,
        blank=True,
        help_text=gettext_lazy("Year of birth, if known."),
    )
    died = models.SmallIntegerField(
        verbose_name=gettext_lazy("died"),
        null=True,
        blank=True,
        help_text=gettext_lazy("Year of death, if known."),
    )
    description = models.TextField(
        verbose_name=gettext_lazy("description"),
        blank=True,
        max_length=2000,
        help_text=gettext_lazy(
            "Who they were, in a sentence students can use: “former U.S. ambassador to "
            "the Soviet Union”, “history teacher writing a revision book”."
        ),
    )
    standpoint = models.CharField(
        verbose_name=gettext_lazy("standpoint"),
        max_length=20,
        choices=Standpoint,
        default=Standpoint.OTHER,
        help_text=gettext_lazy(
            "Where they stood: a Soviet leader, an American diplomat, a historian…"
        ),
    )
    family_name_first = models.BooleanField(
        gettext_lazy("family name first"),
        default=False,
        help_text=gettext_lazy(
            "Tick for a name such as Mao Zedong or Kim Il-sung, whose family name comes "
            "first: it is then always written that way round (“Mao Zedong”), never turned into "
            "“Zedong, Mao”. Put “Mao” in family name and “Zedong” in given names."
        ),
    )
    history = HistoricalRecords()

    objects = AuthorQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("author")
        verbose_name_plural = gettext_lazy("authors")
        ordering = ["family_name", "given_names"]
        constraints = [
            models.CheckConstraint(
                condition=Q(died__isnull=True)
                | Q(born__isnull=True)
                | Q(died__gte=models.F("born")),
                name="author_died_after_born",
                violation_error_message=gettext_lazy(
                    "The year of death cannot be before the year of birth."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = _unique_slug(Author, self.name, self.pk)
        super().save(*args, **kwargs)

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def name(self) -> str:
        if self.kind == AuthorKind.ORGANISATION or not self.given_names:
            return self.family_name
        if self.family_name_first:
            return f"{self.family_name} {self.given_names}"
        return f"{self.given_names} {self.family_name}"

    @property
    def sort_name(self) -> str:
        """As a bibliography lists them: “Khrushchev, Nikita S.”, but “Mao Zedong”."""
        if self.kind == AuthorKind.ORGANISATION or not self.given_names:
            return self.family_name
        if self.family_name_first:
            return self.name
        return f"{self.family_name}, {self.given_names}"

    @property
    def life_dates(self) -> str:
        if self.born and self.died:
            return f"{self.born}–{self.died}"
        if self.born:
            return _("born %(year)s") % {"year": self.born}
        if self.died:
            return _("died %(year)s") % {"year": self.died}
        return ""

    def citation_name(self) -> citations.Name:
        return citations.Name(
            family=self.family_name,
            given=self.given_names,
            organisation=self.kind == AuthorKind.ORGANISATION,
            family_first=self.family_name_first,
        )

    def clean(self) -> None:
        if self.kind == AuthorKind.ORGANISATION and self.given_names:
            raise ValidationError(
                {
                    "given_names": _(
                        "An organisation has no given names: put its whole name in "
                        "“family name or organisation”."
                    )
                }
            )


class Theme(models.Model):
    """A tag teachers use to group sources (“Berlin”, “propaganda”, “the thaw”)."""

    name = models.CharField(verbose_name=gettext_lazy("name"), max_length=80, unique=True)
    slug = models.SlugField(verbose_name=gettext_lazy("slug"), max_length=80, unique=True)

    class Meta:
        verbose_name = gettext_lazy("theme")
        verbose_name_plural = gettext_lazy("themes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = _unique_slug(Theme, self.name, self.pk)
        super().save(*args, **kwargs)

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Nature(models.TextChoices):
    SPEECH = "speech", pgettext_lazy("kind of source", "Speech")
    JOURNAL_ARTICLE = "journal_article", pgettext_lazy("kind of source", "Journal article")
    BOOK = "book", pgettext_lazy("kind of source", "Book")
    BOOK_CHAPTER = "book_chapter", pgettext_lazy("kind of source", "Book chapter")
    NEWSPAPER_ARTICLE = (
        "newspaper_article",
        pgettext_lazy("kind of source", "Newspaper or magazine article"),
    )
    GOVERNMENT_DOCUMENT = (
        "government_document",
        pgettext_lazy("kind of source", "Government or intelligence document"),
    )
    LETTER = "letter", pgettext_lazy("kind of source", "Letter")
    CARTOON = "cartoon", pgettext_lazy("kind of source", "Cartoon")
    PHOTOGRAPH = "photograph", pgettext_lazy("kind of source", "Photograph")
    VIDEO = "video", pgettext_lazy("kind of source", "Video")
    AUDIO = "audio", pgettext_lazy("kind of source", "Audio")
    INTERVIEW = "interview", pgettext_lazy("kind of source", "Interview")
    TEXTBOOK = "textbook", pgettext_lazy("kind of source", "Textbook")
    WEBSITE = "website", pgettext_lazy("kind of source", "Website")


VISUAL_NATURES = {Nature.CARTOON, Nature.PHOTOGRAPH}
MEDIA_NATURES = {Nature.VIDEO, Nature.AUDIO}


class AuthorRole(models.TextChoices):
    AUTHOR = "author", gettext_lazy("Author or creator")
    EDITOR = "editor", gettext_lazy("Editor (of the book a chapter is in)")
    INTERVIEWER = "interviewer", gettext_lazy("Interviewer")
    RECIPIENT = "recipient", gettext_lazy("Recipient (of a letter)")
    TRANSLATOR = "translator", gettext_lazy("Translator")
    DIRECTOR = "director", gettext_lazy("Director (of a film)")


# The role in one word, as shown after a name: “Nikita Khrushchev (interviewer)”.
ROLE_WORDS = {
    AuthorRole.AUTHOR: pgettext_lazy("role after a name", "author"),
    AuthorRole.EDITOR: pgettext_lazy("role after a name", "editor"),
    AuthorRole.INTERVIEWER: pgettext_lazy("role after a name", "interviewer"),
    AuthorRole.RECIPIENT: pgettext_lazy("role after a name", "recipient"),
    AuthorRole.TRANSLATOR: pgettext_lazy("role after a name", "translator"),
    AuthorRole.DIRECTOR: pgettext_lazy("role after a name", "director"),
}


class Season(models.TextChoices):
    """As a journal prints its issue (“Spring 2017”); Chicago keeps Autumn or Fall as printed."""

    # Translators: Autumn and Fall are both offered, so that a citation (always English)
    # prints the season as the journal does; keep them told apart.
    SPRING = "spring", pgettext_lazy("season", "Spring")
    SUMMER = "summer", pgettext_lazy("season", "Summer")
    AUTUMN = "autumn", pgettext_lazy("season", "Autumn")
    FALL = "fall", pgettext_lazy("season", "Fall")
    WINTER = "winter", pgettext_lazy("season", "Winter")


def library_decades() -> tuple[list[int], bool]:
    """The decades the library's sources were made in, in order, and whether any source
    is undated (a web page): what a decade filter offers. One query."""
    years = set(Provenance.objects.order_by().values_list("date_year", flat=True).distinct())
    return sorted({year // 10 * 10 for year in years if year is not None}), None in years


class SourceQuerySet(models.QuerySet):
    def with_citation_data(self) -> SourceQuerySet:
        """Everything a citation or a list row needs, in a fixed number of queries."""
        return self.select_related("provenance").prefetch_related(
            Prefetch(
                "credits",
                queryset=SourceAuthor.objects.select_related("author").order_by("order", "pk"),
            ),
            "themes",
        )

    def with_listing_data(self) -> SourceQuerySet:
        """What `Source.listing_label` reads (provenance, credits with authors): two
        queries in all, however many sources are listed."""
        return self.select_related("provenance").prefetch_related(
            Prefetch(
                "credits",
                queryset=SourceAuthor.objects.select_related("author").order_by("order", "pk"),
            )
        )

    def in_decade(self, decade: int) -> SourceQuerySet:
        """Sources made in the decade starting in this year (1950: 1950–1959)."""
        return self.filter(provenance__date_year__gte=decade, provenance__date_year__lt=decade + 10)

    def primary(self) -> SourceQuerySet:
        return self.filter(is_primary=True)

    def secondary(self) -> SourceQuerySet:
        return self.filter(is_primary=False)

    def delete(self) -> tuple[int, dict[str, int]]:
        """Deleting sources in bulk (the admin's action) removes their images too."""
        names = list(self.exclude(image="").values_list("image", flat=True))
        deleted = super().delete()
        discard_images_when_committed(names)
        return deleted


def source_image_path(instance: Source, filename: str) -> str:
    """A random name, never the slug: an image's address cannot be guessed from the
    source's, nor an earlier image's from the current one."""
    return images.random_name("sources", filename)


def discard_images_when_committed(names: Iterable[str]) -> None:
    """Remove these image files once the change that freed them is committed.

    Before then a rollback could bring back the row that names them. A file another
    source still names (or names again by then) stays.
    """
    names = {name for name in names if name}
    if not names:
        return

    def discard() -> None:
        still_named = set(Source.objects.filter(image__in=names).values_list("image", flat=True))
        storage = Source._meta.get_field("image").storage
        for name in names - still_named:
            storage.delete(name)

    transaction.on_commit(discard, robust=True)


class Source(ChoiceLabels, models.Model):
    """What students read or view: a speech, an article, a cartoon, a film…"""

    title = models.CharField(
        verbose_name=gettext_lazy("title"),
        max_length=400,
        blank=True,
        help_text=gettext_lazy(
            "As published. Use straight or curly quotes for a quotation inside the "
            "title, and *asterisks* around a book title inside an article title. Only an "
            "interview may be left without a title: then describe it under “kind of document” "
            "in the provenance."
        ),
    )
    untitled = models.BooleanField(
        gettext_lazy("title is a description"),
        default=False,
        help_text=gettext_lazy(
            "Tick when the source has no title of its own and the title above describes "
            "it (“Speech during a visit to Britain”). Citations then set it without quotes or "
            "italics."
        ),
    )
    slug = models.SlugField(
        verbose_name=gettext_lazy("slug"),
        max_length=200,
        unique=True,
        help_text=gettext_lazy("Used in addresses and packs."),
    )
    nature = models.CharField(
        verbose_name=gettext_lazy("nature"), max_length=30, choices=Nature, db_index=True
    )
    is_primary = models.BooleanField(
        gettext_lazy("primary source"),
        default=True,
        help_text=gettext_lazy(
            "Primary: made at the time by people involved. Secondary: a later account "
            "or interpretation, such as a historian's book."
        ),
    )
    summary = models.TextField(
        verbose_name=gettext_lazy("summary"),
        blank=True,
        max_length=3000,
        help_text=gettext_lazy(
            "What the source is, in your own words, for the teacher's notes and lists."
        ),
    )
    text = models.TextField(
        verbose_name=gettext_lazy("text"),
        blank=True,
        max_length=MAX_TEXT_LENGTH,
        help_text=gettext_lazy(
            "The text or excerpt students read, quoted exactly. Separate paragraphs with "
            "a blank line; *italic*, **bold** and lines starting “> ” (a quotation) are allowed. "
            "HTML is shown as typed, never run."
        ),
    )
    image = images.ReencodedImageField(
        verbose_name=gettext_lazy("image"),
        upload_to=source_image_path,
        blank=True,
        help_text=images.HELP_TEXT,
    )
    image_alt = models.CharField(
        gettext_lazy("image description (alt text)"),
        max_length=500,
        blank=True,
        help_text=gettext_lazy(
            "Required with an image: what a student who cannot see it needs to know, "
            "e.g. “Khrushchev, smiling, pushes over a snowman labelled ‘Cold War’”."
        ),
    )
    media_url = models.URLField(
        gettext_lazy("video or audio link"),
        max_length=500,
        blank=True,
        help_text=gettext_lazy("Where students can watch or listen."),
    )
    media_start = models.PositiveIntegerField(
        gettext_lazy("start at (seconds)"),
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "Where the relevant part begins; type minutes:seconds such as 4:45."
        ),
    )
    authors = models.ManyToManyField(
        Author,
        verbose_name=gettext_lazy("authors"),
        through="SourceAuthor",
        related_name="sources",
        blank=True,
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=gettext_lazy("themes"), related_name="sources", blank=True
    )
    created_at = models.DateTimeField(verbose_name=gettext_lazy("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=gettext_lazy("updated at"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[themes])

    objects = SourceQuerySet.as_manager()

    # The image's name as the database holds it, None until known (see `from_db`).
    _stored_image: str | None = None

    class Meta:
        verbose_name = gettext_lazy("source")
        verbose_name_plural = gettext_lazy("sources")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.shown_title

    def save(self, *args, **kwargs) -> None:
        """Also removes the image this save replaces or clears, once it is committed."""
        if not self.slug:
            # An address is an identifier: the same in every language.
            with translation.override(None):
                self.slug = _unique_slug(Source, self.shown_title, self.pk)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "image" not in update_fields:
            super().save(*args, **kwargs)
            return
        stored = self._image_in_database()
        image = self.image
        moved = image and image._committed and image.name != stored
        if moved and not image.storage.exists(image.name):
            # Reverting to (or recovering) a version whose image has since been replaced:
            # that file is gone, so the image stored now stays.
            self.image = stored
        super().save(*args, **kwargs)
        if stored != self.image.name:
            discard_images_when_committed([stored])
        self._stored_image = self.image.name

    def get_absolute_url(self) -> str:
        return reverse("sources:detail", args=[self.slug])

    def delete(self, *args, **kwargs) -> tuple[int, dict[str, int]]:
        stored = self._image_in_database()
        deleted = super().delete(*args, **kwargs)
        discard_images_when_committed([stored])
        return deleted

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None) -> Source:
        source = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        source._stored_image = source.__dict__.get("image")
        return source

    def _image_in_database(self) -> str:
        if self._stored_image is not None:
            return self._stored_image
        if self.pk is None:
            return ""
        stored = Source.objects.filter(pk=self.pk).values_list("image", flat=True).first()
        return stored or ""

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.image and not self.image_alt.strip():
            errors["image_alt"] = _(
                "Describe the image for students who cannot see it: alt text is required "
                "whenever there is an image."
            )
        if self.media_start is not None and not self.media_url:
            errors["media_start"] = _("A start time needs a video or audio link.")
        if not self.title.strip() and self.nature != Nature.INTERVIEW:
            errors["title"] = _(
                "Enter the title. Only an interview may be left without one; for another "
                "source with no title, describe it here and tick “title is a description”."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def has_title(self) -> bool:
        return bool(self.title.strip())

    @property
    def shown_title(self) -> str:
        """The title, or for an untitled interview “Interview with <interviewee>”, so that
        no list, heading or link is ever empty. Plain text, as typed."""
        if self.has_title:
            return self.title
        interviewees = (
            [author.name for author in self.credited(AuthorRole.AUTHOR)] if self.pk else []
        )
        if not interviewees:
            return str(Nature.INTERVIEW.label)
        # Translators: the title shown for an interview that has none; %(names)s lists the
        # people interviewed (“Sergei Khrushchev and William Taubman”).
        return _("Interview with %(names)s") % {"names": _and_list(interviewees)}

    @property
    def display_title(self) -> SafeString:
        return citations.title_html(self.shown_title)

    @property
    def year_label(self) -> str:
        """The year it was made, “c. 1954” when approximate; empty when undated."""
        date = self.date
        if date is None:
            return ""
        return approximately(date.year) if date.circa else str(date.year)

    @property
    def listing_label(self) -> str:
        """The title with its authors and year, so that two sources with one title
        (two editions of a textbook, say) are told apart wherever sources are listed.
        Not a citation: those come from `sources.citations`. Load the sources with
        `with_listing_data()`, or each one costs queries."""
        names = self.author_names if self.has_title else ""  # an untitled one names them
        details = ", ".join(part for part in (names, self.year_label) if part)
        return f"{self.shown_title} ({details})" if details else self.shown_title

    @property
    def gist(self) -> str:
        """The summary's opening words: what tells apart two extracts of one book, whose
        title, author and year are the same."""
        return Truncator(self.summary).words(12)

    @property
    def kind_label(self) -> str:
        return _("Primary source") if self.is_primary else _("Secondary source")

    @cached_property
    def ordered_credits(self) -> list[SourceAuthor]:
        return sorted(self.credits.all(), key=lambda credit: (credit.order, credit.pk or 0))

    def credited(self, role: str) -> list[Author]:
        return [credit.author for credit in self.ordered_credits if credit.role == role]

    @property
    def author_names(self) -> str:
        return ", ".join(author.name for author in self.credited(AuthorRole.AUTHOR))

    @cached_property
    def date(self) -> PartialDate | None:
        provenance = self.provenance_or_none
        return provenance.date if provenance else None

    @cached_property
    def provenance_or_none(self) -> Provenance | None:
        try:
            return self.provenance
        except Provenance.DoesNotExist:
            return None

    def rendered_text(self) -> SafeString:
        return render_text(self.text)

    @property
    def media_start_label(self) -> str:
        return format_timestamp(self.media_start) if self.media_start is not None else ""

    @property
    def media_link(self) -> str:
        """The media URL opened at the start time, in the form the host understands."""
        if not self.media_url or not self.media_start:
            return self.media_url
        parts = urlsplit(self.media_url)
        host = parts.netloc.lower()
        if host.endswith("youtube.com") or host.endswith("youtu.be"):
            query = [(k, v) for k, v in parse_qsl(parts.query) if k != "t"]
            query.append(("t", f"{self.media_start}s"))
            return urlunsplit(parts._replace(query=urlencode(query)))
        # W3C media fragments: most players and browsers honour #t=seconds.
        return urlunsplit(parts._replace(fragment=f"t={self.media_start}"))

    def citation_source(self) -> citations.CitationSource:
        """Built afresh on every call from the rows as they are now; nothing caches a
        citation, so a change of `CITATION_STYLE` or of a page range shows at once."""
        provenance = self.provenance_or_none
        interviewers = self.credited(AuthorRole.INTERVIEWER)
        recipients = self.credited(AuthorRole.RECIPIENT)
        fields: dict[str, object] = {
            "translators": tuple(a.citation_name() for a in self.credited(AuthorRole.TRANSLATOR)),
            "directors": tuple(a.citation_name() for a in self.credited(AuthorRole.DIRECTOR)),
        }
        if provenance:
            fields |= {
                "season": _english_season(provenance),
                "site_owner": provenance.site_owner,
                "date": provenance.date,
                "container_title": provenance.container_title,
                "volume": provenance.volume,
                "issue": provenance.issue,
                "pages": provenance.pages,
                "edition": provenance.edition,
                "publisher": provenance.publisher,
                "place": provenance.publication_place or provenance.place,
                "occasion": provenance.occasion,
                "description": provenance.medium,
                "classification": provenance.classification,
                "archive": provenance.archive,
                "identifier": provenance.identifier,
                "duration": provenance.duration,
                "url": provenance.url,
                "doi": provenance.doi,
                "accessed": provenance.accessed,
            }
        return citations.CitationSource(
            nature=self.nature,
            title=self.title,
            untitled=self.untitled or not self.has_title,
            authors=tuple(a.citation_name() for a in self.credited(AuthorRole.AUTHOR)),
            editors=tuple(a.citation_name() for a in self.credited(AuthorRole.EDITOR)),
            interviewer=interviewers[0].citation_name() if interviewers else None,
            recipient=recipients[0].citation_name() if recipients else None,
            short_title=provenance.short_title if provenance else "",
            **fields,
        )

    def bibliography_entry(self) -> SafeString:
        return citations.bibliography(self.citation_source())

    def first_note(self, locator: str = "") -> SafeString:
        return citations.note(self.citation_source(), locator)

    def short_note(self, locator: str = "") -> SafeString:
        return citations.short_note(self.citation_source(), locator)


class SourceAuthor(ChoiceLabels, models.Model):
    """One credit on a source, in order: author, editor, interviewer, recipient, translator
    or director."""

    source = models.ForeignKey(
        Source,
        verbose_name=gettext_lazy("source"),
        on_delete=models.CASCADE,
        related_name="credits",
    )
    author = models.ForeignKey(
        Author,
        verbose_name=gettext_lazy("author"),
        on_delete=models.PROTECT,
        related_name="credits",
    )
    role = models.CharField(
        verbose_name=gettext_lazy("role"),
        max_length=20,
        choices=AuthorRole,
        default=AuthorRole.AUTHOR,
    )
    order = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("order"), default=0)

    class Meta:
        verbose_name_plural = pgettext_lazy("credit on a source", "credits")
        ordering = ["order", "pk"]
        verbose_name = pgettext_lazy("credit on a source", "credit")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "author", "role"],
                name="unique_credit_per_role",
                violation_error_message=gettext_lazy(
                    "This person is already credited in that role."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.author} ({self.role_word})"

    @property
    def role_word(self) -> str:
        """The role in one word, as shown after a name: “editor”, “interviewer”…"""
        return str(ROLE_WORDS.get(self.role, self.role))


class Provenance(ChoiceLabels, models.Model):
    """Where a source comes from: the facts students reason about, and its citation's parts."""

    source = models.OneToOneField(
        Source,
        verbose_name=gettext_lazy("source"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="provenance",
    )
    date_year = models.SmallIntegerField(
        gettext_lazy("year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9999)],
        help_text=gettext_lazy(
            "Required, except for a web page that shows no date: leave it empty then, "
            "and give the date you accessed the page instead."
        ),
    )
    date_month = models.PositiveSmallIntegerField(gettext_lazy("month"), null=True, blank=True)
    date_day = models.PositiveSmallIntegerField(gettext_lazy("day"), null=True, blank=True)
    date_circa = models.BooleanField(
        gettext_lazy("approximate date"),
        default=False,
        help_text=gettext_lazy("Shown as “c. 1954”."),
    )
    date_season = models.CharField(
        gettext_lazy("season"),
        max_length=10,
        choices=Season,
        blank=True,
        help_text=gettext_lazy(
            "For a journal issue dated by season (“Spring 2017”), instead of a month. "
            "Choose Autumn or Fall as the journal itself prints it."
        ),
    )
    date_sort = models.IntegerField(
        verbose_name=gettext_lazy("date sort"), editable=False, db_index=True, default=0
    )
    place = models.CharField(
        verbose_name=gettext_lazy("place"),
        max_length=200,
        blank=True,
        help_text=gettext_lazy("Where it was made or delivered: “Moscow”."),
    )
    occasion = models.CharField(
        verbose_name=gettext_lazy("occasion"),
        max_length=300,
        blank=True,
        help_text=gettext_lazy(
            "For a speech or interview: the event, e.g. “Twentieth Congress of the "
            "Communist Party of the Soviet Union”."
        ),
    )
    context = models.TextField(
        verbose_name=gettext_lazy("context"),
        blank=True,
        max_length=3000,
        help_text=gettext_lazy("Why and in what circumstances it was made, in your own words."),
    )
    audience = models.CharField(
        gettext_lazy("intended audience"),
        max_length=300,
        blank=True,
        help_text=gettext_lazy(
            "Who it was made for: “delegates to the Party Congress”, “American readers”."
        ),
    )
    medium = models.CharField(
        gettext_lazy("kind of document"),
        max_length=120,
        blank=True,
        help_text=gettext_lazy(
            "As a citation describes it: “briefing paper”, “newsreel”, “podcast”. "
            "Required for an interview without a title: “transcript”, “audio recording”, or "
            "“Interview by Studs Terkel” when the interviewer is not credited above."
        ),
    )
    classification = models.CharField(
        verbose_name=gettext_lazy("classification"),
        max_length=120,
        blank=True,
        help_text=gettext_lazy("For a government document: “Top secret”."),
    )
    container_title = models.CharField(
        gettext_lazy("published in"),
        max_length=400,
        blank=True,
        help_text=gettext_lazy(
            "Journal, newspaper, website, programme or the book a chapter is in."
        ),
    )
    site_owner = models.CharField(
        gettext_lazy("who owns the website"),
        max_length=200,
        blank=True,
        help_text=gettext_lazy(
            "For a web page: the organisation that runs the site, e.g. “BBC”, "
            "“National Archives”. Citations name it in place of an author when the page has none."
        ),
    )
    volume = models.CharField(verbose_name=gettext_lazy("volume"), max_length=40, blank=True)
    issue = models.CharField(verbose_name=gettext_lazy("issue"), max_length=40, blank=True)
    pages = models.CharField(
        verbose_name=gettext_lazy("pages"),
        max_length=60,
        blank=True,
        help_text=gettext_lazy("e.g. 171–190 or 1-18."),
    )
    edition = models.CharField(
        verbose_name=gettext_lazy("edition"),
        max_length=40,
        blank=True,
        help_text=gettext_lazy("e.g. 3rd, or rev."),
    )
    publisher = models.CharField(verbose_name=gettext_lazy("publisher"), max_length=200, blank=True)
    publication_place = models.CharField(
        gettext_lazy("place of publication"), max_length=200, blank=True
    )
    archive = models.CharField(
        verbose_name=gettext_lazy("archive"),
        max_length=300,
        blank=True,
        help_text=gettext_lazy("Where an unpublished document is held."),
    )
    identifier = models.CharField(
        gettext_lazy("document number"),
        max_length=120,
        blank=True,
        help_text=gettext_lazy("e.g. an archive reference."),
    )
    duration = models.CharField(
        verbose_name=gettext_lazy("duration"),
        max_length=20,
        blank=True,
        help_text=gettext_lazy("Running time, e.g. 12:03."),
    )
    url = models.URLField(gettext_lazy("URL"), max_length=500, blank=True)
    doi = models.CharField(
        gettext_lazy("DOI"),
        max_length=200,
        blank=True,
        help_text=gettext_lazy("e.g. 10.2307/20029338"),
    )
    accessed = models.DateField(gettext_lazy("date accessed"), null=True, blank=True)
    short_title = models.CharField(
        verbose_name=gettext_lazy("short title"),
        max_length=120,
        blank=True,
        help_text=gettext_lazy(
            "Optional: the short title for later notes, if the automatic one reads badly."
        ),
    )
    note = models.TextField(
        gettext_lazy("attribution note"),
        blank=True,
        max_length=1000,
        help_text=gettext_lazy(
            "The note printed under the source for students, e.g. “Written as a GCSE "
            "revision book by a history teacher.”"
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("one provenance record", "provenance")
        verbose_name_plural = gettext_lazy("provenance")

    def __str__(self) -> str:
        return _("Provenance of %(source)s") % {"source": self.source}

    def save(self, *args, **kwargs) -> None:
        date = self.date
        self.date_sort = date.sort_key if date else 0
        super().save(*args, **kwargs)

    @property
    def date(self) -> PartialDate | None:
        """None for an undated web page (or a date not yet valid)."""
        if self.date_year is None:
            return None
        try:
            return PartialDate(self.date_year, self.date_month, self.date_day, self.date_circa)
        except (TypeError, ValueError):
            return None

    def _source_or_none(self) -> Source | None:
        """The source, also while the admin validates one not saved yet."""
        try:
            return self.source
        except Source.DoesNotExist:
            return None

    def clean(self) -> None:
        source = self._source_or_none()
        errors: dict[str, str] = {}
        if self.date_year is None and not (source and source.nature == Nature.WEBSITE):
            errors["date_year"] = _(
                "Enter the year it was made, or your best estimate with “approximate date” "
                "ticked. Only a web page may be left undated."
            )
        elif self.date_year is None:
            for name in ("date_month", "date_day", "date_season"):
                if getattr(self, name):
                    errors[name] = _("Enter the year too, or leave this empty.")
            if self.date_circa:
                errors["date_circa"] = _("Enter your best estimate of the year, or untick this.")
            if not self.accessed:
                errors["accessed"] = _(
                    "A web page with no date is cited by the day you read it: enter the date "
                    "you accessed it."
                )
        else:
            problems = PartialDate.errors(self.date_year, self.date_month, self.date_day)
            errors |= {f"date_{field}": message for field, message in problems.items()}
        if self.date_season and self.date_month:
            errors["date_season"] = _(
                "A season takes the place of the month: leave the month (and day) empty, or "
                "choose no season."
            )
        if (
            source is not None
            and source.nature == Nature.INTERVIEW
            and not source.has_title
            and not self.medium.strip()
        ):
            errors["medium"] = _(
                "An interview without a title needs a description instead: say what it is "
                "here, e.g. “transcript”, “audio recording” or “Interview by Studs Terkel”."
            )
        if errors:
            raise ValidationError(errors)
        if self.doi:
            self.doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", self.doi.strip())


class InterpretationStance(models.TextChoices):
    FAVOURABLE = "favourable", gettext_lazy("Favourable to Khrushchev's policy")
    CRITICAL = "critical", gettext_lazy("Critical of it")
    MIXED = "mixed", gettext_lazy("Mixed or qualified")


class Interpretation(ChoiceLabels, models.Model):
    """A historian's argument, so students can weigh which one the evidence supports."""

    historian = models.ForeignKey(
        Author,
        verbose_name=gettext_lazy("historian"),
        on_delete=models.PROTECT,
        related_name="interpretations",
    )
    work = models.ForeignKey(
        Source,
        verbose_name=gettext_lazy("work"),
        on_delete=models.PROTECT,
        related_name="interpretations",
        help_text=gettext_lazy("The work in the library where the argument is made."),
    )
    question = models.CharField(
        verbose_name=gettext_lazy("question"),
        max_length=300,
        help_text=gettext_lazy(
            "The debate it answers: “Why did Khrushchev fall from power in 1964?”"
        ),
    )
    position = models.CharField(
        verbose_name=gettext_lazy("position"),
        max_length=200,
        help_text=gettext_lazy(
            "The argument in a few words: “Coexistence was ‘enforced coexistence’”."
        ),
    )
    summary = models.TextField(
        verbose_name=gettext_lazy("summary"),
        max_length=3000,
        help_text=gettext_lazy("The argument, in your own words."),
    )
    quotation = models.TextField(
        verbose_name=gettext_lazy("quotation"),
        blank=True,
        max_length=2000,
        help_text=gettext_lazy("Optional: the historian's words, quoted exactly."),
    )
    quotation_locator = models.CharField(
        gettext_lazy("page"),
        max_length=40,
        blank=True,
        help_text=gettext_lazy("Page(s) the quotation is on."),
    )
    stance = models.CharField(
        verbose_name=gettext_lazy("stance"), max_length=20, choices=InterpretationStance
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = gettext_lazy("interpretation")
        verbose_name_plural = gettext_lazy("interpretations")
        ordering = ["question", "historian__family_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["historian", "work", "position"], name="unique_interpretation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.historian.name}: {self.position}"

    def natural_key(self) -> tuple[str, str, str]:
        return (self.historian.slug, self.work.slug, self.position)

    def quotation_note(self) -> SafeString:
        return self.work.short_note(self.quotation_locator)


def _and_list(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        # Translators: two names in a list, “Sergei Khrushchev and William Taubman”.
        return _("%(first)s and %(second)s") % {"first": names[0], "second": names[1]}
    # Translators: the end of a list of three names or more, after the others and a comma:
    # “Sergei Khrushchev, William Taubman, and Jane Smith”.
    return _("%(others)s, and %(last)s") % {"others": ", ".join(names[:-1]), "last": names[-1]}


def _english_season(provenance: Provenance) -> str:
    """The season as the journal prints it, in English whatever the page's language:
    it goes into the Chicago citation."""
    if not provenance.date_season:
        return ""
    with translation.override(None):
        return str(provenance.get_date_season_display())


def _unique_slug(model: type[models.Model], text: str, pk: int | None) -> str:
    base = slugify(text)[:180] or "item"
    slug, number = base, 2
    while model._default_manager.filter(slug=slug).exclude(pk=pk).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def format_timestamp(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def parse_timestamp(text: str) -> int:
    """Read “4:45”, “1:02:03” or “285” as seconds; ValueError with a clear message otherwise."""
    cleaned = (text or "").strip()
    if not re.fullmatch(r"\d{1,6}(?::\d{1,2}){0,2}", cleaned):
        raise ValueError(
            _("“%(text)s” is not a time: write minutes:seconds, such as 4:45.") % {"text": text}
        )
    parts = [int(part) for part in cleaned.split(":")]
    if any(part >= 60 for part in parts[1:]):
        raise ValueError(
            _("“%(text)s” is not a time: minutes and seconds go up to 59.") % {"text": text}
        )
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds
