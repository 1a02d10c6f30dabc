"""rpt_micro_conversion_lift, checked by independent methods.

- The 2x2 tables are recounted in pandas from fct_goal_completions (the temporal rule written
  again, separately from the SQL).
- Every statistic is recomputed from those tables with scipy: Fisher's exact test, Wilson
  intervals (binomtest), the sample odds ratio and its interval, Benjamini-Hochberg.
- The planted effect: the generator raises the purchase chance of sessions with a video play
  (x1.6) or a newsletter sign-up (x1.4). Its visitor-level odds ratio is measured on a large
  generated population from the generator's own truth table (not the marts); the 95% interval
  the marts report on the test data must contain it. Goals with no planted effect must not be
  significant after the Benjamini-Hochberg correction.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.stats.contingency import odds_ratio

from micro_conversions.generate import Params, generate

Z95 = stats.norm.ppf(0.975)


@pytest.fixture(scope="module")
def lift(built_project):
    with built_project.connect() as con:
        return (
            con.sql("select * from main.rpt_micro_conversion_lift").df().set_index(["micro_goal_id", "macro_goal_id"])
        )


@pytest.fixture(scope="module")
def recounted(built_project):
    """The 2x2 tables, recounted in pandas."""
    with built_project.connect() as con:
        completions = con.sql(
            "select visitor_id, goal_id, goal_kind, first_completed_at from main.fct_goal_completions"
        ).df()
        goals = con.sql("select goal_id, goal_kind from main.dim_goals").df()
        n_visitors = con.sql("select count(*) from main.dim_visitors").fetchone()[0]
    firsts = completions.groupby(["visitor_id", "goal_id"], as_index=False)["first_completed_at"].min()
    rows = {}
    for macro in goals.loc[goals.goal_kind == "macro", "goal_id"]:
        converted_at = firsts[firsts.goal_id == macro].set_index("visitor_id")["first_completed_at"]
        for micro in goals.loc[goals.goal_kind == "micro", "goal_id"]:
            micro_at = firsts[firsts.goal_id == micro].set_index("visitor_id")["first_completed_at"]
            macro_for = converted_at.reindex(micro_at.index)
            credited = micro_at.index[macro_for.isna() | (micro_at < macro_for)]
            converted_with = int(converted_at.index.isin(credited).sum())
            rows[(micro, macro)] = {
                "visitors_with": len(credited),
                "converted_with": converted_with,
                "visitors_without": n_visitors - len(credited),
                "converted_without": len(converted_at) - converted_with,
            }
    return pd.DataFrame.from_dict(rows, orient="index")


def test_tables_match_an_independent_count(lift, recounted):
    columns = ["visitors_with", "converted_with", "visitors_without", "converted_without"]
    assert len(lift) == len(recounted) > 0
    pd.testing.assert_frame_equal(
        lift[columns].astype("int64").sort_index(), recounted[columns].astype("int64").sort_index(), check_names=False
    )


def _table(row):
    a, c = int(row.converted_with), int(row.converted_without)
    return [[a, int(row.visitors_with) - a], [c, int(row.visitors_without) - c]]


def test_fisher_p_values_match_scipy(lift):
    for key, row in lift.iterrows():
        expected = stats.fisher_exact(_table(row)).pvalue
        assert row.fisher_p_value == pytest.approx(expected, rel=1e-8, abs=1e-300), key


def test_log10_p_values_match_scipy_where_a_double_holds_them(lift):
    for key, row in lift.iterrows():
        expected = stats.fisher_exact(_table(row)).pvalue
        if expected > 1e-290:
            assert row.fisher_log10_p_value == pytest.approx(math.log10(expected), rel=1e-8, abs=1e-10), key


def test_benjamini_hochberg_matches_scipy_outside_structural_prerequisites(lift):
    family = lift[~lift.is_structural_prerequisite]
    expected = stats.false_discovery_control(family["fisher_p_value"].to_numpy(), method="bh")
    np.testing.assert_allclose(family["fisher_q_value"].to_numpy(), expected, rtol=1e-12)
    structural = lift[lift.is_structural_prerequisite]
    assert structural.fisher_q_value.isna().all()
    assert ((structural.converted_without == 0) & (structural.converted_with >= 5)).all()
    flagged = (lift.converted_without == 0) & (lift.converted_with >= 5)
    assert (lift.is_structural_prerequisite == flagged).all()


def test_wilson_bounds_match_scipy(lift):
    for key, row in lift.iterrows():
        for side in ["with", "without"]:
            k, n = int(row[f"converted_{side}"]), int(row[f"visitors_{side}"])
            ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
            assert row[f"conversion_rate_{side}"] == pytest.approx(k / n, rel=1e-12), key
            assert row[f"conversion_rate_{side}_lower"] == pytest.approx(ci.low, abs=1e-12), key
            assert row[f"conversion_rate_{side}_upper"] == pytest.approx(ci.high, abs=1e-12), key


def test_lifts_are_the_rate_difference_and_ratio(lift):
    rate_with = lift.converted_with / lift.visitors_with
    rate_without = lift.converted_without / lift.visitors_without
    np.testing.assert_allclose(lift.absolute_lift, rate_with - rate_without, rtol=1e-12, atol=1e-15)
    # Null (NaN here) when nobody without the micro goal converted: the ratio is undefined.
    expected = (rate_with / rate_without - 1).where(rate_without > 0)
    np.testing.assert_allclose(lift.relative_lift, expected, rtol=1e-12)
    assert lift.relative_lift.isna().sum() == (rate_without == 0).sum()


def test_odds_ratios_match_scipy_or_the_haldane_formula(lift):
    corrected = 0
    for key, row in lift.iterrows():
        table = _table(row)
        if min(min(table[0]), min(table[1])) > 0:
            result = odds_ratio(table, kind="sample")
            ci = result.confidence_interval(confidence_level=0.95)
            assert not row.odds_ratio_is_corrected, key
            assert row.odds_ratio == pytest.approx(result.statistic, rel=1e-12), key
            assert row.odds_ratio_lower == pytest.approx(ci.low, rel=1e-9), key
            assert row.odds_ratio_upper == pytest.approx(ci.high, rel=1e-9), key
        else:
            # scipy gives 0 or infinity here; the mart adds 0.5 to every cell (Haldane-Anscombe).
            corrected += 1
            (a, b), (c, d) = [[x + 0.5 for x in r] for r in table]
            log_or, se = math.log(a * d / (b * c)), math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
            assert row.odds_ratio_is_corrected, key
            assert row.odds_ratio == pytest.approx(a * d / (b * c), rel=1e-12), key
            assert row.odds_ratio_lower == pytest.approx(math.exp(log_or - Z95 * se), rel=1e-9), key
            assert row.odds_ratio_upper == pytest.approx(math.exp(log_or + Z95 * se), rel=1e-9), key
    # The generator plants a purchase only after an add-to-cart: nobody converts without one.
    assert corrected >= 1


def _population_odds_ratio(kind: str) -> float:
    """Visitor-level odds ratio of purchase for a generator micro-conversion, on a large
    population, from the truth table: credited when it happened in a session up to and including
    the first purchasing session (the purchase is always the last event of its session)."""
    _, truth, _ = generate(Params(people=200_000, seed=101, start="2026-05-04", days=35))
    d = truth.select(["visitor_id", "session_index", "purchased", f"has_{kind}"]).to_pandas()
    d = d.sort_values(["visitor_id", "session_index"])
    earlier_purchases = d.groupby("visitor_id")["purchased"].cumsum() - d["purchased"]
    credited = d[earlier_purchases == 0].groupby("visitor_id")[f"has_{kind}"].any()
    converted = d.groupby("visitor_id")["purchased"].any()
    credited = credited.reindex(converted.index, fill_value=False)
    a, b = (credited & converted).sum(), (credited & ~converted).sum()
    c, dd = (~credited & converted).sum(), (~credited & ~converted).sum()
    return a * dd / (b * c)


@pytest.mark.slow
@pytest.mark.parametrize("goal_id,kind", [("video_play", "video_play"), ("newsletter_signup", "newsletter_signup")])
def test_planted_lift_inside_the_interval(lift, goal_id, kind):
    planted = _population_odds_ratio(kind)
    assert planted > 1.2, "the generator's planted effect should show at visitor level"
    row = lift.loc[(goal_id, "purchase")]
    assert row.odds_ratio_lower <= planted <= row.odds_ratio_upper


@pytest.mark.parametrize("goal_id", ["file_download", "social_share"])
def test_goal_without_planted_effect_not_significant(lift, goal_id):
    assert lift.loc[(goal_id, "purchase")].fisher_q_value > 0.05


def test_low_support_flag_follows_the_thresholds(lift):
    expected = (
        (lift.visitors_with < 30) | (lift.visitors_without < 30) | (lift.converted_with + lift.converted_without < 5)
    )
    assert (lift.is_low_support == expected).all()
