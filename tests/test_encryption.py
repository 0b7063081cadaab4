from __future__ import annotations

import base64
import datetime

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from palermo.config import new_encryption_key
from palermo.encryption.keyring import DecryptionError, keyring, parse_keys
from palermo.organisations.models import Role
from palermo.people.models import Person
from palermo.people.selectors import person_find_by_name
from palermo.people.services import person_create
from tests.conftest import acting_of


def _raw(person: Person, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM people_person WHERE id = %s", [person.pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def worker(org_a, member):
    return member(Role.CASE_WORKER, org_a)


@pytest.mark.django_db
def test_personal_fields_are_not_stored_in_clear(worker):
    person = person_create(
        acting=acting_of(worker), given_names="Élodie", family_name="Brânză", date_of_birth=datetime.date(2001, 5, 17)
    )
    for column, clear in (("given_names", "Élodie"), ("family_name", "Brânză"), ("date_of_birth", "2001-05-17")):
        stored = _raw(person, column)
        assert stored.startswith(f"pe1:{keyring().primary_id}:")
        assert clear not in stored
    assert "lodie" not in _raw(person, "name_index")
    again = Person.objects.get(pk=person.pk)
    assert (again.given_names, again.family_name, again.date_of_birth) == (
        "Élodie",
        "Brânză",
        datetime.date(2001, 5, 17),
    )


@pytest.mark.django_db
def test_same_name_encrypts_differently_each_time(worker):
    one = person_create(acting=acting_of(worker), given_names="Ana")
    two = person_create(acting=acting_of(worker), given_names="Ana")
    assert _raw(one, "given_names") != _raw(two, "given_names")


def test_ciphertext_is_bound_to_its_field_and_detects_tampering():
    ring = keyring()
    sealed = ring.encrypt("Ana", "people.person.given_names")
    with pytest.raises(DecryptionError):
        ring.decrypt(sealed, "people.person.family_name")
    prefix, key_id, payload = sealed.split(":")
    raw = bytearray(base64.urlsafe_b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(DecryptionError):
        ring.decrypt(f"{prefix}:{key_id}:{base64.urlsafe_b64encode(bytes(raw)).decode()}", "people.person.given_names")


@pytest.mark.django_db
def test_filtering_on_an_encrypted_field_fails_loudly():
    with pytest.raises(FieldError, match="encrypted"):
        list(Person.objects.filter(given_names="Ana"))


@pytest.mark.django_db
def test_blind_index_finds_exact_names_ignoring_case_and_accents(worker):
    person = person_create(acting=acting_of(worker), given_names="José  María", family_name="Núñez")
    person_create(acting=acting_of(worker), given_names="José", family_name="Nunez")
    found = list(person_find_by_name(acting=acting_of(worker), full_name="jose maria NUNEZ"))
    assert found == [person]


# Named cases: a test id holding a random key would differ between pytest-xdist workers,
# which then refuse to run at all ("Different tests were collected").
@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("", "no key", id="empty"),
        pytest.param("k1", "look like", id="no-colon"),
        pytest.param("k1:" + base64.urlsafe_b64encode(b"short").decode(), "32 bytes", id="short-key"),
        pytest.param("k1:!!!", "base64", id="not-base64"),
        pytest.param(new_encryption_key("k1") + "," + new_encryption_key("k1"), "twice", id="same-id-twice"),
    ],
)
def test_bad_key_configuration_is_refused_with_a_clear_message(value, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_keys(value)


@pytest.mark.django_db
def test_rotate_keys_re_encrypts_with_the_newest_key(worker, settings, capsys):
    old = keyring().primary_id
    people = [person_create(acting=acting_of(worker), given_names=f"Name{i}", family_name="Rot") for i in range(3)]
    settings.PALERMO_ENCRYPTION_KEYS = new_encryption_key("k9") + "," + settings.PALERMO_ENCRYPTION_KEYS
    # Before rotation, old rows still decrypt with the old key, kept second in the list.
    assert Person.objects.get(pk=people[0].pk).given_names == "Name0"
    assert _raw(people[0], "given_names").startswith(f"pe1:{old}:")
    call_command("rotate_keys", "--batch-size", "2")
    assert "3 rows now use key 'k9'" in capsys.readouterr().out
    for person in people:
        assert _raw(person, "given_names").startswith("pe1:k9:")
        assert _raw(person, "family_name").startswith("pe1:k9:")
    # The old key can now be removed: everything still decrypts.
    settings.PALERMO_ENCRYPTION_KEYS = settings.PALERMO_ENCRYPTION_KEYS.split(",")[0]
    assert sorted(p.given_names for p in Person.objects.all()) == ["Name0", "Name1", "Name2"]
    call_command("rotate_keys")
    assert "0 rows now use key 'k9'" in capsys.readouterr().out
