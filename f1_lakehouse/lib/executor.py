"""The in-process executor, with pool waits that never hang on a dead holder and obey signals.

Dagster's in-process executor waits for a pool slot in a loop that checks neither the holder nor
SIGTERM/SIGINT: after a `kill -9` the next `dagster asset materialize` waited for ever and could
not be stopped. Here a step that finds its pool full first frees the slots of runs that ended or
whose process is gone (f1_lakehouse/lib/run_launcher.py), the wait polls at a fixed interval
instead of spinning, and a signal received while waiting ends the run as interrupted.

Same behaviour as `dg.in_process_executor` otherwise (same config; `dg.materialize` in tests keeps
Dagster's own executor).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import dagster as dg
import sqlalchemy.exc as db_exc
from dagster._core.definitions.executor_definition import (
    IN_PROC_CONFIG,
    _core_in_process_executor_creation,
)
from dagster._core.errors import DagsterExecutionInterruptedError
from dagster._core.events import DagsterEvent, EngineEventData
from dagster._core.execution.api import ExecuteRunWithPlanIterable
from dagster._core.execution.context.system import PlanExecutionContext, PlanOrchestrationContext
from dagster._core.execution.context_creation_job import PlanExecutionContextManager
from dagster._core.execution.plan.execute_plan import inner_plan_execution_iterator
from dagster._core.execution.plan.instance_concurrency_context import InstanceConcurrencyContext
from dagster._core.execution.plan.plan import ExecutionPlan
from dagster._core.executor.in_process import InProcessExecutor
from dagster._utils.interrupts import raise_interrupts_as

from f1_lakehouse.lib.run_launcher import free_slots_of_dead_holders

# How often a blocked step looks at its pool again (Dagster's own loop does not sleep at all).
WAIT_POLL_SECONDS = 0.5
# Pools that guard HTTP sources, not a single-writer file: several runs may share them.
HTTP_POOL_LIMITS = {"openf1_api": 2}


class ReclaimingConcurrencyContext(InstanceConcurrencyContext):
    """Pool claims that free dead holders' slots before waiting and can be interrupted."""

    def __init__(self, job_context: PlanExecutionContext):
        super().__init__(job_context.instance, job_context.dagster_run)
        self._log = job_context.log
        self._limits_set: set[str] = set()

    def claim(self, concurrency_key: str, step_key: str, step_priority: int = 0) -> bool:
        self._set_http_pool_limit(concurrency_key)
        if super().claim(concurrency_key, step_key, step_priority):
            return True
        freed = free_slots_of_dead_holders(self._instance, concurrency_key, self._run_id)
        if freed:
            self._log.warning(f"pool {concurrency_key}: freed slots of {'; '.join(freed)}")
            self._pending_timeouts[step_key] = 0.0  # claim again at once
            return super().claim(concurrency_key, step_key, step_priority)
        # Dagster's loop does not sleep while a claim is pending; here SIGINT/SIGTERM (which the
        # run captures and would otherwise only act on inside a step) raise during the wait.
        with raise_interrupts_as(DagsterExecutionInterruptedError):
            time.sleep(WAIT_POLL_SECONDS)
        return False

    def _set_http_pool_limit(self, pool: str) -> None:
        limit = HTTP_POOL_LIMITS.get(pool)
        if limit is None or pool in self._limits_set:
            return
        storage = self._instance.event_log_storage
        if storage.supports_global_concurrency_limits:
            info = storage.get_concurrency_info(pool)
            if info.slot_count == 0 or info.using_default_limit:  # an operator's limit stays
                try:
                    storage.set_concurrency_slots(pool, limit)
                except db_exc.IntegrityError:
                    # Another run inserted the pool's limit row between Dagster's select and
                    # insert (runs starting together on SQLite): the row is there now, so
                    # setting the limit again updates it.
                    storage.set_concurrency_slots(pool, limit)
                self._sync_pools()
        self._limits_set.add(pool)


def _execution_iterator(
    job_context: PlanExecutionContext, execution_plan: ExecutionPlan
) -> Iterator[DagsterEvent]:
    with ReclaimingConcurrencyContext(job_context) as concurrency_context:
        yield from inner_plan_execution_iterator(job_context, execution_plan, concurrency_context)


class ReclaimingInProcessExecutor(InProcessExecutor):
    """InProcessExecutor whose steps claim pools through ReclaimingConcurrencyContext."""

    def execute(
        self, plan_context: PlanOrchestrationContext, execution_plan: ExecutionPlan
    ) -> Iterator[DagsterEvent]:
        yield DagsterEvent.engine_event(
            plan_context,
            f"Executing steps in process (pid: {os.getpid()})",
            event_specific_data=EngineEventData.in_process(
                os.getpid(), execution_plan.step_keys_to_execute
            ),
        )
        yield from ExecuteRunWithPlanIterable(
            execution_plan=plan_context.execution_plan,
            iterator=_execution_iterator,
            execution_context_manager=PlanExecutionContextManager(
                job=plan_context.job,
                retry_mode=plan_context.retry_mode,
                execution_plan=plan_context.execution_plan,
                run_config=plan_context.run_config,
                dagster_run=plan_context.dagster_run,
                instance=plan_context.instance,
                raise_on_error=plan_context.raise_on_error,
                output_capture=plan_context.output_capture,
                step_dependency_config=self.step_dependency_config,
            ),
        )


@dg.executor(name="in_process", config_schema=IN_PROC_CONFIG)
def reclaiming_in_process_executor(init_context: dg.InitExecutorContext) -> dg.Executor:
    """`dg.in_process_executor` with pool waits that free dead holders and obey signals."""
    base = _core_in_process_executor_creation(init_context.executor_config)
    return ReclaimingInProcessExecutor(
        retries=base.retries, step_dependency_config=base.step_dependency_config
    )
