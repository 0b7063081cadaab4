from tests.conftest import signed_in_client


def test_home_shows_acting_organisation(org_a, member):
    m = member("case_worker", org_a)
    response = signed_in_client(m).get("/")
    assert response.status_code == 200
    assert "Alpha Shelter" in response.content.decode()
