"""factory-boy factories shared by every app's tests: a test reads like its scenario."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from candour.cases.models import (
    Allegation,
    AllegationSubject,
    Case,
    Category,
    Flag,
    refresh_allegation_pairs,
)
from candour.core.models import Force, Person, User
from candour.core.roles import Role
from candour.streetsafe.cells import finest_cell

TEST_PASSWORD = "correct-horse-battery-staple"


def force(code: str) -> Force:
    """Forces are reference data loaded by migration; tests look them up, never create them."""
    return Force.objects.get(code=code)


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person
        django_get_or_create = ("force", "ref")

    force = factory.LazyFunction(lambda: Force.objects.get(code="cambridgeshire"))
    ref = factory.Sequence(lambda n: f"P{n:06d}")
    role = "officer"
    rank = "constable"
    sex = "male"
    joined_date = dt.date(2010, 4, 1)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.INVESTIGATOR
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def forces(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        codes = extracted if extracted is not None else ["cambridgeshire"]
        self.forces.set(Force.objects.filter(code__in=codes))
        self.save()


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = Case

    force = factory.LazyFunction(lambda: Force.objects.get(code="cambridgeshire"))
    ref = factory.Sequence(lambda n: f"CO/{n:05d}")
    case_type = "complaint"
    received_date = dt.date(2021, 5, 4)


class AllegationFactory(DjangoModelFactory):
    class Meta:
        model = Allegation
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    ref = factory.Sequence(lambda n: f"A{n}")
    category = factory.LazyFunction(lambda: Category.objects.get(code="sexual_harassment"))

    @factory.post_generation
    def flags(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if extracted:
            self.flags.set(Flag.objects.filter(code__in=extracted))
            refresh_allegation_pairs([self.case_id])  # as the services do


class AllegationSubjectFactory(DjangoModelFactory):
    class Meta:
        model = AllegationSubject

    allegation = factory.SubFactory(AllegationFactory)
    subject = factory.SubFactory(
        PersonFactory, force=factory.SelfAttribute("..allegation.case.force")
    )
    subject_role = "officer"
    subject_sex = "male"
    subject_rank = "constable"


class ReportFactory(DjangoModelFactory):
    """A StreetSafe report; give ``latitude``/``longitude`` and the cell follows."""

    class Meta:
        model = "streetsafe.Report"

    force = factory.LazyFunction(lambda: Force.objects.get(code="norfolk"))
    occurred_on = dt.date(2024, 3, 1)
    time_of_day = "evening"
    latitude = 52.6286
    longitude = 1.2924
    cell = factory.LazyAttribute(lambda report: finest_cell(report.latitude, report.longitude))
    reasons = 2  # poor_lighting
    source = "web"
