"""Finding a policy: by id, by region and year (never a carry-forward), and parameter files."""

import os
import subprocess
import sys
from datetime import date

import pytest

from yibao.core.errors import InputError
from yibao.core.rules.facts import CategoryFact, PersonFacts, QuoteRequest
from yibao.core.rules.registry import parse_parameters
from yibao.core.testing.scenarios import registry


def test_for_region_finds_the_policy_of_that_year():
    assert registry().for_region("341721001", 2022).id == "anhui/341721/2022"
    assert registry().for_region("520190", 2022).id == "guizhou/520100/2022"


@pytest.mark.parametrize(("region", "year"), [("341721", 2023), ("341721", 2021), ("110101", 2022)])
def test_a_region_or_year_no_policy_covers_is_an_error(region, year):
    with pytest.raises(InputError) as refused:
        registry().for_region(region, year)
    assert refused.value.errors[0].field == "coverageYear"


def test_an_unset_refund_parameter_waits_and_a_configured_one_decides_the_refund():
    person = PersonFacts(date(1970, 1, 1), categories=(CategoryFact("MINIMUM_LIVING"),))
    quote = registry().quote(QuoteRequest("henan/411322/2022", date(2021, 10, 8), person))
    assert quote.accepted and quote.pending == ["refund.MINIMUM_LIVING"]
    configured = registry().with_parameters("henan/411322/2022", {"refund.MINIMUM_LIVING": "180"})
    assert configured.quote(QuoteRequest("henan/411322/2022", date(2021, 10, 8), person)).refund_due == 180


def test_a_parameter_value_must_be_an_amount():
    policies = {p.id: p for p in registry().policies()}
    with pytest.raises(ValueError, match="不是金额"):
        parse_parameters({"henan/411322/2022": {"fiscal_subsidy": "lots"}}, policies)


def test_policy_versions_differ_between_policies_and_survive_a_restart(tmp_path):
    script = (
        "from yibao.core.testing.scenarios import registry\nprint([p.version for p in registry().policies()])"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=tmp_path,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert runs == {f"{[p.version for p in registry().policies()]}\n"}
    policies = registry().policies()
    assert len({p.version for p in policies}) == len(policies)


def test_a_registry_with_parameters_keeps_the_plugin_declared_categories():
    from yibao.core.rules.registry import Registry
    from yibao.core.rules.vocabulary import Category

    base = Registry(registry().policies(), [Category("LOCAL_HERO", "见义勇为人员")])
    configured = base.with_parameters("henan/411322/2022", {"refund.MINIMUM_LIVING": "180"})
    assert configured.categories["LOCAL_HERO"] == "见义勇为人员"
    assert configured.parameters["henan/411322/2022"] == {"refund.MINIMUM_LIVING": "180"}
    assert base.parameters == {}  # the original is untouched
