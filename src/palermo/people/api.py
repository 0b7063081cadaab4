"""API for people records (/api/v1/persons, every field of the contract): the same selectors and services
as the pages."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from palermo.api.errors import error_responses
from palermo.api.fields import IntegerField
from palermo.api.pagination import PagePagination
from palermo.api.views import PalermoApiView
from palermo.people import choices, selectors, services
from palermo.people.models import Person, Sex
from palermo.permissions import ActingUser, Capability

# Who reads people: a first responder their own records, the others their organisation's.
VIEW_PEOPLE = (Capability.PERSON_VIEW_OWN, Capability.PERSON_VIEW_ORGANISATION)


def _not_in_future(value: Any) -> Any:
    if value and value > timezone.localdate():
        raise serializers.ValidationError("The date of birth cannot be in the future.")
    return value


class PersonFullOutput(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True, help_text="The name, or the reference when none was given.")
    date_of_birth = serializers.DateField(allow_null=True)
    aliases = serializers.ListField(child=serializers.CharField())
    citizenships = serializers.ListField(child=serializers.CharField(), help_text="ISO 3166-1 alpha-2 codes.")
    languages = serializers.ListField(child=serializers.CharField(), help_text="ISO 639-1 codes.")
    estimated_age = IntegerField(allow_null=True)
    interpreter_needed = serializers.BooleanField(allow_null=True)

    class Meta:
        model = Person
        fields = ["id", "reference", "display_name", *services.PERSONAL_FIELDS, "created_at", "updated_at"]


class PersonBrief(serializers.Serializer):
    """A person in a list of search results or likely duplicates."""

    id = IntegerField()
    reference = serializers.CharField()
    display_name = serializers.CharField(
        allow_null=True, help_text="Null for a duplicate outside your own records (a first responder's colleague's)."
    )
    date_of_birth = serializers.DateField(allow_null=True)


class PersonBriefList(serializers.Serializer):
    results = PersonBrief(many=True, help_text="Best match first.")


def _briefs(acting: ActingUser, people: list[Person]) -> list[dict[str, Any]]:
    rows = []
    for person in people:
        visible = selectors.person_visible_to(acting, person)
        rows.append(
            {
                "id": person.pk,
                "reference": person.reference,
                "display_name": person.display_name if visible else None,
                "date_of_birth": person.date_of_birth if visible else None,
            }
        )
    return rows


class PersonFullInput(serializers.Serializer):
    """Every field is optional: people may refuse to give their name."""

    given_names = serializers.CharField(max_length=200, required=False, allow_blank=True)
    family_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    aliases = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=20)
    name_original_script = serializers.CharField(max_length=400, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True, validators=[_not_in_future])
    estimated_age = IntegerField(required=False, allow_null=True, min_value=0, max_value=services.MAX_AGE)
    sex = serializers.ChoiceField(choices=["", *Sex.values], required=False, allow_blank=True)
    gender_identity = serializers.CharField(max_length=200, required=False, allow_blank=True)
    citizenships = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(choices.COUNTRY_CODES)),
        required=False,
        help_text="ISO 3166-1 alpha-2 codes, e.g. UA.",
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(choices.LANGUAGE_CODES)),
        required=False,
        help_text="ISO 639-1 codes, e.g. uk.",
    )
    interpreter_needed = serializers.BooleanField(required=False, allow_null=True, default=None)
    safe_contact = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    residence_status = serializers.CharField(max_length=400, required=False, allow_blank=True)
    dependants = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class PersonCreated(PersonFullOutput):
    possible_duplicates = serializers.SerializerMethodField(
        help_text="People of your organisation with a similar name, recorded before this one: check them."
    )

    class Meta(PersonFullOutput.Meta):
        fields = [*PersonFullOutput.Meta.fields, "possible_duplicates"]

    @extend_schema_field(PersonBrief(many=True))
    def get_possible_duplicates(self, person: Person) -> list[dict[str, Any]]:
        return list(PersonBrief(self.context["possible_duplicates"], many=True).data)


def _duplicates_of(acting: ActingUser, data: dict[str, Any], exclude: Person | None = None) -> list[Person]:
    return selectors.person_possible_duplicates(
        acting=acting,
        given_names=data.get("given_names", ""),
        family_name=data.get("family_name", ""),
        aliases=data.get("aliases", []),
        name_original_script=data.get("name_original_script", ""),
        date_of_birth=data.get("date_of_birth"),
        exclude=exclude,
    )


class PersonsApi(PalermoApiView):
    capabilities = {"get": VIEW_PEOPLE, "post": Capability.PERSON_CREATE}
    pagination_class = PagePagination

    @extend_schema(responses={200: PersonFullOutput(many=True)})
    def get(self, request: Request) -> Response:
        """People your role may see in your organisation, newest first (the page read is audited)."""
        page = self.page_of(selectors.person_list_for(acting=self.acting))
        selectors.person_list_audited(acting=self.acting, people=page)
        return self.page_response(PersonFullOutput(page, many=True).data)

    @extend_schema(request=PersonFullInput, responses={201: PersonCreated, **error_responses(400)})
    def post(self, request: Request) -> Response:
        """Record a person. The answer lists likely duplicates in your organisation; check them
        (or ask POST /api/v1/persons/possible-duplicates before recording)."""
        acting = self.acting
        data = PersonFullInput(data=request.data)
        data.is_valid(raise_exception=True)
        person = services.person_create(acting=acting, **data.validated_data)
        duplicates = _briefs(acting, _duplicates_of(acting, data.validated_data, exclude=person))
        body = PersonCreated(person, context={"possible_duplicates": duplicates}).data
        return Response(body, status=status.HTTP_201_CREATED)


class PersonDuplicatesApi(PalermoApiView):
    capabilities = {"post": (Capability.PERSON_CREATE, Capability.PERSON_CHANGE)}

    @extend_schema(request=PersonFullInput, responses={200: PersonBriefList, **error_responses(400)})
    def post(self, request: Request) -> Response:
        """Likely duplicates in your organisation of the person you are about to record (nothing is saved)."""
        acting = self.acting
        data = PersonFullInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(PersonBriefList({"results": _briefs(acting, _duplicates_of(acting, data.validated_data))}).data)


class PersonApi(PalermoApiView):
    capabilities = {"get": VIEW_PEOPLE, "patch": Capability.PERSON_CHANGE}

    @extend_schema(responses={200: PersonFullOutput, **error_responses(404)})
    def get(self, request: Request, person_id: int) -> Response:
        """One person's full record (the read is audited)."""
        person = selectors.person_get_for(acting=self.acting, person_id=person_id)
        return Response(PersonFullOutput(person).data)

    @extend_schema(request=PersonFullInput, responses={200: PersonFullOutput, **error_responses(400, 404)})
    def patch(self, request: Request, person_id: int) -> Response:
        """Change the fields given; the others stay as they are."""
        acting = self.acting
        person = selectors.person_get_for(acting=acting, person_id=person_id)
        data = PersonFullInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = {name: value for name, value in data.validated_data.items() if name in request.data}
        person = services.person_update(acting=acting, person=person, **fields)
        return Response(PersonFullOutput(person).data)


class PersonFindInput(serializers.Serializer):
    query = serializers.CharField(
        max_length=400,
        required=False,
        allow_blank=True,
        default="",
        help_text="Any part of the name, in any script; case, accents, typos and spelling variants are tolerated.",
    )
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    # Checked by hand rather than as a choice, so the schema has one country enum, not two alike.
    citizenship = serializers.CharField(
        max_length=2, required=False, allow_null=True, default=None, help_text="ISO 3166-1 alpha-2 code, e.g. UA."
    )

    def validate_citizenship(self, value: str | None) -> str | None:
        if value and value.upper() not in choices.COUNTRY_CODES:
            raise serializers.ValidationError(f"{value!r} is not an ISO 3166-1 alpha-2 country code.")
        return value.upper() if value else None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not (attrs["query"].strip() or attrs["date_of_birth"] or attrs["citizenship"]):
            raise serializers.ValidationError({"query": "Give a name, a date of birth or a citizenship."})
        return attrs


class PersonFindApi(PalermoApiView):
    """Find people by name (POST: no name in a URL or an access log); best match first, at most 20."""

    capabilities = {"post": VIEW_PEOPLE}

    @extend_schema(request=PersonFindInput, responses={200: PersonBriefList, **error_responses(400)})
    def post(self, request: Request) -> Response:
        acting = self.acting
        data = PersonFindInput(data=request.data)
        data.is_valid(raise_exception=True)
        found = selectors.person_search(acting=acting, **data.validated_data)
        return Response(PersonBriefList({"results": _briefs(acting, found)}).data)
