from sqlmodel import Session, select

from yibao.core.models import Region
from yibao.core.regions import county_of, read_seed


def test_every_seeded_parent_exists_and_paths_nest():
    seeds = {seed.code: seed for seed in read_seed()}
    for seed in seeds.values():
        if seed.parent_code:
            parent = seeds[seed.parent_code]
            assert seed.path == f"{parent.path}{seed.code}/"
        else:
            assert seed.level == "province"


def test_the_notices_regions_are_seeded(engine):
    with Session(engine) as session:
        names = dict(session.exec(select(Region.code, Region.name)).all())
    assert names["341721"] == "东至县"
    assert names["341702"] == "贵池区"
    assert names["411322"] == "方城县"
    assert names["500230"] == "丰都县"
    assert names["520100"] == "贵阳市"
    # Guichi's 21 town-level units of 003 附件2 and its 高校, Gui'an's 4 towns of 004 附件 and its
    # 特殊单位: the collection units with a task of their own
    with Session(engine) as session:
        guichi = session.exec(select(Region.name).where(Region.parent_code == "341702")).all()
        guian = session.exec(select(Region.name).where(Region.parent_code == "520190")).all()
    assert len(guichi) == 22 and "殷汇镇" in guichi and "高校" in guichi
    assert sorted(guian) == sorted(["党武镇", "湖潮乡", "高峰镇", "马场镇", "特殊单位"])


def test_county_of_walks_up_to_the_county(engine):
    with Session(engine) as session:
        town = session.exec(select(Region.code).where(Region.name == "殷汇镇")).one()
        assert county_of(session, town) == "341702"
        assert county_of(session, "341721") == "341721"
        assert county_of(session, "340000") == "340000"
