"""queries.target_filters: shortlists by province, designation, listed, segment and score (issue 17 item 4)."""

from __future__ import annotations

import pytest

from queries.target_filters import ABROAD, FilterError, TargetFilter, filter_choices, filter_targets, is_listed, \
    resolve_provinces


@pytest.fixture(scope="module")
def ranked():
    import targets_fixture
    from queries.targets import chain_targets

    store = targets_fixture.store()
    return store, chain_targets(store, chain="测试链")


def _keys(result):
    return [t.key for t in result.targets]


def test_no_filter_keeps_everything_in_order(ranked):
    _, result = ranked
    kept = filter_targets(result, TargetFilter())
    assert _keys(kept) == _keys(result) and kept.caveats == result.caveats
    assert kept.counts["filtered_out"] == 0 and kept.counts["listed"] == len(result.targets)


def test_each_filter(ranked):
    store, result = ranked
    by = {t.key: t for t in result.targets}
    listed = filter_targets(result, TargetFilter(listed=True))
    assert _keys(listed) == [k for k in _keys(result) if is_listed(by[k])] and listed.targets
    unlisted = filter_targets(result, TargetFilter(listed=False))
    assert sorted(_keys(listed) + _keys(unlisted)) == sorted(_keys(result))
    giant = filter_targets(result, TargetFilter(designations=("专精特新小巨人",)))
    assert _keys(giant) == ["e-o3"]
    high = filter_targets(result, TargetFilter(min_score=30))
    assert all(t.score >= 30 for t in high.targets) and len(high.targets) == 3
    zhejiang = filter_targets(result, TargetFilter(provinces=resolve_provinces(store, ["浙江"])))
    assert set(_keys(zhejiang)) == {"e-o3", "e-o5"}
    abroad = filter_targets(result, TargetFilter(provinces=(ABROAD,)))
    assert _keys(abroad) == ["e-o4"]
    service = [s for n in result.needs for s, name in zip(n.segments, n.segment_names) if name == "服务"]
    assert _keys(filter_targets(result, TargetFilter(segments=tuple(service)))) == ["e-o5"]


def test_filters_combine_with_and_and_values_with_or(ranked):
    store, result = ranked
    both = filter_targets(result, TargetFilter(provinces=resolve_provinces(store, ["浙江省", "苏州市"]), min_score=20))
    assert set(_keys(both)) == {"e-o1", "e-o3"}
    kept = filter_targets(result, TargetFilter(listed=True, min_score=40))
    assert _keys(kept) == []
    assert kept.caveats[-1].startswith("已筛选：上市；得分 ≥ 40")


def test_ranks_stay_overall_and_top_cuts_after_filtering(ranked):
    _, result = ranked
    kept = filter_targets(result, TargetFilter(listed=False), top=2)
    assert len(kept.targets) == 2 and kept.counts["matching"] >= 2
    assert [t.rank for t in kept.targets] == sorted(t.rank for t in kept.targets)
    assert kept.targets[0].rank > 1 or not is_listed(result.targets[0])


def test_sources_count_only_the_kept_targets_evidence(ranked):
    _, result = ranked
    kept = filter_targets(result, TargetFilter(designations=("专精特新小巨人",)))
    facts = sum(s["facts"] for s in kept.sources)
    assert facts == len(kept.targets[0].evidence)
    assert all(s["facts"] or s["used_for"] for s in kept.sources)


def test_bad_filters_are_errors_with_a_fix():
    with pytest.raises(FilterError, match="unknown designation"):
        TargetFilter(designations=("金牌企业",))
    with pytest.raises(FilterError, match="≥ 0"):
        TargetFilter(min_score=-1)
    with pytest.raises(FilterError, match="sequence"):
        TargetFilter(provinces="330000")


def test_provinces_resolve_from_what_people_type(ranked):
    from chainkg.errors import NotFoundError

    store, _ = ranked
    assert resolve_provinces(store, ["330000", "浙江", "杭州市", "境外"]) == ("330000", ABROAD)
    with pytest.raises(NotFoundError, match="火星"):
        resolve_provinces(store, ["火星"])


def test_choices_count_what_the_list_holds(ranked):
    _, result = ranked
    choices = filter_choices(result, {"330000": "浙江省", "320000": "江苏省"})
    provinces = {p["key"]: p["count"] for p in choices["provinces"]}
    assert provinces[ABROAD] == 1 and sum(provinces.values()) == len(result.targets)
    assert {d["key"] for d in choices["designations"]} <= {"上市", "专精特新", "专精特新小巨人", "制造业单项冠军", "高新技术企业"}
