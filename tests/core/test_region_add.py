"""A county adds its villages: one level down, coded from the parent, inside its own region."""

import pytest
from sqlmodel import Session

from tests.support.db_state import stored
from yibao.core.audit import Actor
from yibao.core.errors import InputError
from yibao.core.models import Region
from yibao.core.services.regions import RegionInput, add_region

DONGZHI = Actor("admin-dongzhi", "COUNTY_ADMIN", "341721")


def test_a_township_and_a_village_nest_below_the_county(engine):
    town = add_region(engine, DONGZHI, RegionInput("341721001", "341721", "尧渡镇"))
    village = add_region(engine, DONGZHI, RegionInput("341721001001", "341721001", "新建村"))
    assert (town.level, village.level) == ("township", "village")
    with Session(engine) as session:
        assert session.get(Region, "341721001001").path == "/340000/341700/341721/341721001/341721001001/"


@pytest.mark.parametrize(
    "data, field, code",
    [
        (RegionInput("341721001", "341721", " "), "name", "REQUIRED"),
        (RegionInput("341702001", "341721", "乌沙镇"), "code", "INVALID"),  # not the parent's code
        (RegionInput("34172100x", "341721", "某镇"), "code", "INVALID"),
        (RegionInput("341702001", "341702", "乌沙镇"), "parentCode", "FORBIDDEN"),  # another county
        (RegionInput("999999001", "999999", "某镇"), "parentCode", "NOT_FOUND"),
    ],
)
def test_a_bad_region_is_refused_naming_the_field_and_nothing_is_stored(engine, data, field, code):
    before = stored(engine)
    with pytest.raises(InputError) as refused:
        add_region(engine, DONGZHI, data)
    assert (field, code) in {(e.field, e.code) for e in refused.value.errors}
    assert stored(engine) == before


def test_a_code_is_added_once_and_nothing_goes_below_a_village(engine):
    add_region(engine, DONGZHI, RegionInput("341721001", "341721", "尧渡镇"))
    add_region(engine, DONGZHI, RegionInput("341721001001", "341721001", "新建村"))
    with pytest.raises(InputError) as again:
        add_region(engine, DONGZHI, RegionInput("341721001", "341721", "尧渡镇"))
    assert [(e.field, e.code) for e in again.value.errors] == [("code", "DUPLICATE")]
    with pytest.raises(InputError) as below:
        add_region(engine, DONGZHI, RegionInput("341721001001", "341721001001", "组"))
    assert ("parentCode", "INVALID") in {(e.field, e.code) for e in below.value.errors}
