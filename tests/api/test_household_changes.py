"""Changing the head and moving people keep exactly one head per household."""

from tests.support.graphql_client import gql
from tests.support.households import CHANGE_HEAD, MOVE, register, second_household


def test_change_head_moves_the_flag_and_keeps_one_head(client):
    household = register(client)
    mother = household["members"][1]["person"]
    result = gql(client, CHANGE_HEAD, h=household["id"], p=mother["id"])["changeHead"]
    assert result["head"] == {"name": "李秀英"}
    assert [m["isHead"] for m in result["members"]] == [False, True, False]


def test_the_new_head_must_be_a_member(client):
    household = register(client)
    other = second_household(client)
    result = gql(client, CHANGE_HEAD, h=household["id"], p=other["members"][0]["person"]["id"])
    assert result["changeHead"]["errors"] == [{"field": "personId", "code": "INVALID"}]


def test_moving_a_member_changes_household_and_residence(client):
    household = register(client)
    other = second_household(client)
    child = household["members"][2]["person"]
    moved = gql(client, MOVE, p=child["id"], h=other["id"])["movePerson"]
    assert moved["household"] == {"id": other["id"], "head": {"name": "陈一"}}
    assert moved["residenceRegion"] == {"code": "341702001"}


def test_a_head_with_members_must_hand_over_before_moving(client):
    household = register(client)
    other = second_household(client)
    head = household["members"][0]["person"]
    result = gql(client, MOVE, p=head["id"], h=other["id"])["movePerson"]
    assert result["errors"] == [{"field": "personId", "code": "CONFLICT"}]


def test_a_lone_head_moving_out_dissolves_the_empty_household(client):
    household = register(client)
    other = second_household(client)
    lone = other["members"][0]["person"]
    moved = gql(client, MOVE, p=lone["id"], h=household["id"])["movePerson"]
    assert moved["household"]["id"] == household["id"]
    assert gql(client, "query($id: ID!) { household(id: $id) { id } }", id=other["id"])["household"] is None
