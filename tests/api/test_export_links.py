"""`exportLink`: a signed download URL a browser can follow without an Authorization header — bound
to one URL, five minutes, never a bearer token, and no more than its signer may download."""

from datetime import timedelta

import pytest

from tests.support.graphql_client import gql
from tests.support.villages import VILLAGE_A, VILLAGE_B, dongzhi_2021
from yibao.core import export_links

LINK = """
mutation($path: String!) {
  exportLink(path: $path) {
    __typename
    ... on ExportLink { url expiresAt }
    ... on InputErrors { errors { field code message } }
  }
}"""

ROSTER = f"/exports/collection-roster.csv?regionCode={VILLAGE_A}&coverageYear=2022"


@pytest.fixture
def campaign(engine):
    return dongzhi_2021(engine).ids


def link(client, path: str = ROSTER) -> dict:
    return gql(client, LINK, path=path)["exportLink"]


def test_a_link_downloads_what_the_signer_would_without_a_header(campaign, client_as):
    clerk = client_as("VILLAGE_CLERK", VILLAGE_A)
    signed = link(clerk)
    assert signed["__typename"] == "ExportLink" and signed["url"].startswith(ROSTER + "&signature=")

    anonymous = client_as("PUBLIC")  # a browser following the link: no Authorization header
    followed = anonymous.get(signed["url"])
    assert followed.status_code == 200, followed.text
    assert followed.content == clerk.get(ROSTER).content and "王大山" in followed.text
    assert anonymous.get(ROSTER).status_code == 401  # the URL without its signature is nothing


def test_a_link_is_bound_to_its_url(campaign, client_as):
    signed = link(client_as("COUNTY_ADMIN", "341721"))["url"]
    anonymous = client_as("PUBLIC")
    for changed in (
        signed.replace(VILLAGE_A, VILLAGE_B),
        signed.replace("coverageYear=2022", "coverageYear=2021"),
        signed.replace(".csv", ".xlsx"),
        signed.replace("collection-roster", "change-table"),
    ):
        refused = anonymous.get(changed)
        assert refused.status_code == 401, changed
        assert refused.json()["errors"][0]["code"] == "UNAUTHENTICATED"
        assert "王大山" not in refused.text


def test_a_link_carries_no_more_than_its_signer_may(campaign, client_as):
    # Another village's roster is refused at signing as an unknown region would be …
    refused = link(client_as("VILLAGE_CLERK", VILLAGE_B))
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("path", "NOT_FOUND")]
    unknown = link(client_as("VILLAGE_CLERK", VILLAGE_B), ROSTER.replace(VILLAGE_A, "341721999999"))
    assert [(e["field"], e["code"]) for e in unknown["errors"]] == [("path", "NOT_FOUND")]
    # … and checked again at download as the signer's own request: a link signed for a village the
    # signer covers opens that village only.
    admin_link = link(client_as("COUNTY_ADMIN", "341721"))["url"]
    moved = admin_link.replace(VILLAGE_A, VILLAGE_B)
    assert client_as("PUBLIC").get(moved).status_code == 401


def test_an_expired_link_is_refused(campaign, client_as, monkeypatch):
    monkeypatch.setattr(export_links, "LINK_LIFETIME", timedelta(seconds=-1))
    expired = link(client_as("VILLAGE_CLERK", VILLAGE_A))["url"]
    refused = client_as("PUBLIC").get(expired)
    assert refused.status_code == 401 and refused.json()["errors"][0]["code"] == "UNAUTHENTICATED"


def test_a_signature_is_not_a_bearer_token_nor_a_token_a_signature(campaign, client_as):
    clerk = client_as("VILLAGE_CLERK", VILLAGE_A)
    signature = link(clerk)["url"].rpartition("signature=")[2]
    as_bearer = client_as("PUBLIC").get(ROSTER, headers={"Authorization": f"Bearer {signature}"})
    assert as_bearer.status_code == 401 and as_bearer.json()["errors"][0]["code"] == "UNAUTHENTICATED"
    bearer = clerk.headers["Authorization"].removeprefix("Bearer ")
    as_signature = client_as("PUBLIC").get(f"{ROSTER}&signature={bearer}")
    assert as_signature.status_code == 401


@pytest.mark.parametrize(
    "path",
    ["/graphql", "https://elsewhere.example/exports/x.csv", "/exports/../graphql", ROSTER + "&signature=x"],
)
def test_only_export_urls_are_signed(campaign, client_as, path):
    refused = link(client_as("COUNTY_ADMIN", "341721"), path)
    assert refused["__typename"] == "InputErrors"
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("path", "INVALID")]


def test_without_a_token_no_link_is_signed(campaign, client_as):
    answer = client_as("PUBLIC").post("/graphql", json={"query": LINK, "variables": {"path": ROSTER}}).json()
    assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
