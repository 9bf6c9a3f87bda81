"""yibao in a supergraph, as docs/federation.md sets it up: composed with a sample tax subgraph by
@apollo/composition (the newest, and 2.3, the oldest yibao must satisfy), then queried across
both subgraphs through a real Apollo Gateway in front of a served yibao and the tax subgraph.

Skipped where node and npm are missing (.ci/run installs them); the npm packages are installed
once into .cache/federation-npm/, which git ignores.
"""

import json
import re

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from tests.support.node_federation import EXAMPLE, compose, node_folder, node_process, post
from tests.support.serving import free_port, serving
from tests.support.tax import FENGRUI, SHIZHI, paid_resident
from tests.support.tokens import TEST_KEY, bearer
from yibao.api.app import create_app
from yibao.core.db import make_engine
from yibao.core.migrate import upgrade
from yibao.core.models import Enrolment, Person
from yibao.core.testing.scenarios import registry

EXAMPLE_TAX_SDL = EXAMPLE / "tax.graphql"


def token(role: str, region: str = SHIZHI) -> str:
    return bearer(role, region)["Authorization"].removeprefix("Bearer ")


def yibao_sdl(tmp_path) -> str:
    """What a gateway reads from `_service` with its GATEWAY token (no table is read)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'sdl.db'}")
    with TestClient(create_app(engine, registry(), key=TEST_KEY)) as client:
        body = client.post(
            "/graphql", json={"query": "{ _service { sdl } }"}, headers=bearer("GATEWAY", SHIZHI)
        )
    engine.dispose()
    return body.json()["data"]["_service"]["sdl"]


def fields_of(sdl: str, type_name: str) -> list[str]:
    body = re.search(rf"type {type_name}\b[^{{]*{{(.*?)}}", sdl, re.S).group(1)
    return re.findall(r"^\s*(\w+)\s*:", body, re.M)


@pytest.fixture(scope="module")
def folder():
    return node_folder()


def test_yibao_composes_with_a_tax_subgraph_from_composition_2_3_on(folder, tmp_path):
    sdl = yibao_sdl(tmp_path)
    tax = EXAMPLE_TAX_SDL.read_text(encoding="utf-8")
    # A @shareable value type is defined alike in every subgraph, or composition cannot satisfy it.
    assert fields_of(tax, "PageInfo") == fields_of(sdl, "PageInfo"), (
        "give PageInfo in docs/examples/federation/tax.graphql yibao's fields"
    )

    composed = compose(folder, {"yibao": sdl, "tax": tax})

    for version, result in composed.items():
        assert result["errors"] == [], (version, result["errors"])
        supergraph = result["supergraph"]
        assert 'join__type(graph: YIBAO, key: "person { idNumber } coverageYear")' in supergraph
        assert 'join__type(graph: TAX, key: "receiptNumber")' in supergraph
        assert 'join__type(graph: YIBAO, key: "federationKey")' in supergraph

    # What the test would catch: the federation version yibao used to declare, and a PageInfo
    # that is not @shareable, do not compose.
    too_new = compose(folder, {"yibao": sdl.replace("federation/v2.0", "federation/v2.11"), "tax": tax})
    assert any("v2.11" in error for error in too_new["2.3"]["errors"])
    unshared = sdl.replace("type PageInfo @shareable", "type PageInfo")
    assert compose(folder, {"yibao": unshared, "tax": tax})["2.14"]["errors"]


QUERY = """{ taxTickets { nodes { ticketNumber amount
  payment { receiptNumber amount kind taxTickets { ticketNumber }
    enrolment { coverageYear person { name idNumber taxpayerRegistered } } } } } }"""


def test_a_query_crosses_both_subgraphs_through_apollo_gateway(folder, tmp_path):
    database = tmp_path / "yibao.db"
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    paid = [paid_resident(engine, SHIZHI), paid_resident(engine, SHIZHI), paid_resident(engine, FENGRUI)]
    with Session(engine) as session:
        numbers = [
            session.exec(
                select(Person.id_number)
                .join(Enrolment, Enrolment.person_id == Person.id)
                .where(Enrolment.id == payment.enrolment_id)
            ).one()
            for payment in paid
        ]
    engine.dispose()
    tickets = [
        {
            "ticketNumber": f"T{n}",
            "receiptNumber": p.receipt_number,
            "amount": "320.00",
            "treasuryDate": "2021-10-12",
        }
        for n, p in enumerate(paid)
    ] + [
        {
            "ticketNumber": "T9",
            "receiptNumber": "411322-2022-99999999",
            "amount": "320.00",
            "treasuryDate": "2021-10-12",
        }
    ]
    env = {"YIBAO_DATABASE_URL": f"sqlite:///{database}", "YIBAO_JWT_KEY": TEST_KEY}

    with (
        serving(tmp_path, env) as yibao,
        node_process(
            folder,
            "tax-subgraph.mjs",
            free_port(),
            TAX_TICKETS=json.dumps(tickets),
            TAXPAYERS=json.dumps(numbers[:1]),
        ) as tax,
        node_process(
            folder,
            "gateway.mjs",
            free_port(),
            YIBAO_URL=f"{yibao}/graphql",
            TAX_URL=tax,
            YIBAO_GATEWAY_TOKEN=token("GATEWAY"),
        ) as gateway,
    ):
        integrator = post(gateway, QUERY, token("TAX_INTEGRATOR"))
        auditor = post(gateway, QUERY, token("AUDITOR"))
        nobody = post(gateway, QUERY)

    nodes = integrator["data"]["taxTickets"]["nodes"]
    assert "errors" not in integrator, integrator
    first, second, elsewhere, unknown = (node["payment"] for node in nodes)
    assert first["amount"] == "320.00" and first["kind"] == "PAYMENT"
    assert first["taxTickets"] == [{"ticketNumber": "T0"}]  # back to the tax subgraph
    person = first["enrolment"]["person"]
    assert person["idNumber"] == numbers[0] and person["taxpayerRegistered"] is True  # and back again
    assert second["enrolment"]["person"]["taxpayerRegistered"] is False
    # Nullable references: a payment outside the caller's region, or unknown, is null.
    assert elsewhere is None and unknown is None

    # The caller's own token decides, through the gateway: an auditor sees ID numbers masked, and
    # a masked number names no taxpayer; without a token yibao's part is refused.
    masked = auditor["data"]["taxTickets"]["nodes"][0]["payment"]["enrolment"]["person"]
    assert "*" in masked["idNumber"] and masked["taxpayerRegistered"] is None
    assert [n["payment"] for n in nobody["data"]["taxTickets"]["nodes"]] == [None] * 4
    assert {e["extensions"]["code"] for e in nobody["errors"]} == {"FORBIDDEN"}
