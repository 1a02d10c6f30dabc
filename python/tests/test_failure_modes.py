"""What happens when configuration or data is wrong: clear errors, nothing built on top, and
the rate tests really fail on bad rates."""

from __future__ import annotations

import pytest

from micro_conversions.dbt_runner import configure_environment, copy_project, failures, run_dbt


@pytest.fixture()
def project(tmp_path):
    copy_project(tmp_path / "project")
    configure_environment(tmp_path / "failure.duckdb")
    return tmp_path / "project"


def _build(project, *args):
    return run_dbt(["build", *args], project_dir=project, target_path=project / "target")


@pytest.mark.slow
def test_broken_goals_seed_names_each_bad_row_and_builds_nothing_on_it(project):
    goals = project / "seeds" / "goals.csv"
    goals.write_text(
        goals.read_text()
        + "no_regex,Pricing again,micro,destination,,,,1,consideration,false\n"
        + "purchase,Duplicate purchase,macro,event,purchase,,,,purchase,false\n"
        + "bad_kind,Odd,mega,event,video_play,,,,interest,false\n"
        + "short_visit,Short,micro,duration,,,-5,,interest,false\n"
    )
    result = _build(project)
    failed = failures(result)
    assert not result.success
    [message] = [m for name, m in failed.items() if name == "goals_rows_are_valid"]
    assert "goals row with goal_id = no_regex: a destination goal needs page_path_regex" in message
    assert "goals row with goal_id = purchase: goal_id is not unique" in message
    assert "goals row with goal_id = bad_kind: goal_kind must be macro or micro" in message
    assert (
        "goals row with goal_id = short_visit: a duration goal needs a positive number of seconds as threshold"
        in message
    )
    # Nothing that reads the goals was built on the broken configuration.
    for model in ["stg_goals", "dim_goals", "fct_goal_completions", "fct_sessions", "rpt_goal_conversion_daily"]:
        assert failed.get(model, "").startswith("skipped"), (model, failed.get(model))


@pytest.mark.slow
def test_invalid_regex_fails_with_the_pattern(project):
    goals = project / "seeds" / "goals.csv"
    goals.write_text(
        goals.read_text() + "broken,Broken,micro,destination,page_view,^/(pricing,,1,consideration,false\n"
    )
    result = _build(project)
    failed = failures(result)
    [message] = [m for name, m in failed.items() if name.startswith("regexes_compile_goals")]
    assert "goals row with goal_id = broken: page_path_regex '^/(pricing' is not a valid regular expression" in message
    assert failed["dim_goals"].startswith("skipped")


@pytest.mark.slow
def test_empty_goals_stop_the_build_with_a_message(project):
    (project / "seeds" / "goals.csv").write_text(
        "goal_id,goal_name,goal_kind,goal_type,event_name,page_path_regex,threshold,goal_value,stage,is_experimental\n"
    )
    result = _build(project, "--select", "goals+")
    failed = failures(result)
    assert not result.success
    message = failed["goals_rows_are_valid"]
    assert "Invalid configuration in seed goals: 0 row(s), at least 1 needed" in message
    assert "configure at least one goal" in message
    assert failed["fct_goal_completions"].startswith("skipped")


RATE_ROWS = """\
row_id,num,den,rate,lower,upper
ok,1,4,0.25,0.05,0.70
ok_empty,0,0,,,
above_one,5,4,1.25,0.9,1.0
wrong_ratio,1,4,0.5,0.1,0.8
outside_interval,1,4,0.25,0.30,0.70
null_rate_with_data,1,4,,,
"""

RATE_TESTS = """\
version: 2
seeds:
  - name: rate_fixture
    config:
      column_types: {row_id: text, num: integer, den: integer, rate: double, lower: double, upper: double}
    columns:
      - name: rate
        data_tests: [rate_within_unit_interval]
    data_tests:
      - numerator_not_above_denominator:
          arguments: {numerator: num, denominator: den}
      - rate_equals_ratio:
          arguments: {rate: rate, numerator: num, denominator: den}
      - interval_brackets_rate:
          arguments: {rate: rate, lower: lower, upper: upper}
"""


def test_rate_tests_fail_on_bad_rates(project):
    """Each generic rate test, on a fixture whose bad rows were chosen by hand: the number of
    failing rows each test must report is written beside it."""
    (project / "seeds" / "rate_fixture.csv").write_text(RATE_ROWS)
    (project / "seeds" / "rate_fixture.yml").write_text(RATE_TESTS)
    result = _build(project, "--select", "rate_fixture")
    by_test = {str(r.node.name): r for r in result.result}

    def failing(prefix):
        [node] = [r for name, r in by_test.items() if name.startswith(prefix)]
        return node.failures

    assert failing("rate_within_unit_interval") == 1  # above_one
    assert failing("numerator_not_above_denominator") == 1  # above_one
    # above_one (5/4 = 1.25 is right, so not it), wrong_ratio, null_rate_with_data
    assert failing("rate_equals_ratio") == 2
    # above_one (upper 1.0 < rate 1.25), outside_interval (lower 0.30 > 0.25), wrong_ratio is inside
    # its interval, null_rate_with_data has null rate and null bounds: consistent
    assert failing("interval_brackets_rate") == 2
