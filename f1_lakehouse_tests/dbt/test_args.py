import json

import pytest

from f1_lakehouse.lib.dbt.args import build_args, session_vars
from f1_lakehouse.lib.dbt.translator import layer_of
from f1_lakehouse.lib.session_keys import InvalidSessionKey


def test_partition_becomes_vars():
    args = build_args(["2018-04-R"])
    assert args[0] == "build"
    assert json.loads(args[args.index("--vars") + 1]) == {"session_keys": ["2018-04-R"]}


def test_vars_are_sorted_and_deduplicated():
    assert session_vars(["2023-04-S", "2018-04-R", "2023-04-S"]) == {
        "session_keys": ["2018-04-R", "2023-04-S"]
    }


def test_unpartitioned_build_has_no_vars():
    assert "--vars" not in build_args()


def test_materialisations_leave_unit_tests_to_the_test_suite():
    for args in (build_args(), build_args(["2018-04-R"])):
        assert args[args.index("--exclude-resource-type") + 1] == "unit_test"


def test_tests_run_only_once_all_their_parents_are_built():
    """A gold test over silver and gold must not run in a silver-only (partition) build."""
    args = build_args(["2018-04-R"])
    assert args[args.index("--indirect-selection") + 1] == "buildable"


def test_malformed_keys_never_reach_dbt():
    with pytest.raises(InvalidSessionKey):
        build_args(["2018-04-R'; drop table silver.silver_laps; --"])
    with pytest.raises(ValueError, match="at least one"):
        session_vars([])


def test_layer_from_fqn():
    assert layer_of({"fqn": ["f1_lakehouse", "silver", "silver_laps"]}) == "silver"
    assert layer_of({"fqn": ["f1_lakehouse", "gold", "marts", "x"]}) == "gold"
    assert layer_of({"fqn": ["f1_lakehouse", "intermediate", "int_driver_state"]}) == "intermediate"
    assert layer_of({"fqn": ["f1_lakehouse", "other", "x"]}) is None
