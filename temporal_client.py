"""One way to reach Temporal for the worker, the starter and the tests: same converter (payloads
sealed by codec/, the sessions' data keys in the database), same search attributes, and a
connection error that says what to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client, WorkflowHandle
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from codec.converter import data_converter
from settings import Settings
from shared import (
    COUNTRY,
    DEADLINE,
    PROGRAMME,
    SEARCH_ATTRIBUTES,
    SESSION,
    STAGE,
    STATUS,
    Status,
    WorkflowType,
)


class TemporalUnavailable(RuntimeError):
    pass


async def connect(
    settings: Settings, database: async_sessionmaker, runtime: Runtime | None = None
) -> Client:
    """A client that seals what it sends under the settings' master keys and the sessions' data
    keys kept in `database`."""
    try:
        return await Client.connect(
            settings.temporal_address,
            namespace=settings.temporal_namespace,
            data_converter=data_converter(settings, database),
            runtime=runtime,
        )
    except RuntimeError as exc:
        why = "connection refused" if "Connection refused" in str(exc) else str(exc)[:200]
        raise TemporalUnavailable(
            f"cannot reach Temporal at {settings.temporal_address} ({why}); "
            "start one with `make server` or set TEMPORAL_ADDRESS"
        ) from exc


def metrics_runtime(address: str) -> Runtime:
    """A runtime whose workers and clients serve the SDK's metrics to Prometheus at `address`.

    Durations in seconds and `_total` counters, as Prometheus names them; raises ValueError when
    the address cannot be bound (a port already taken)."""
    return Runtime(
        telemetry=TelemetryConfig(
            metrics=PrometheusConfig(
                bind_address=address, durations_as_seconds=True, counters_total_suffix=True
            )
        )
    )


async def ensure_search_attributes(client: Client, namespace: str) -> list[str]:
    """Register wipflow's search attributes that the namespace lacks; returns those added.

    Idempotent, so the worker can call it at every start: a workflow that upserts an unregistered
    attribute fails its workflow task in a loop (shared/engineering/temporal.md §3.7).
    """
    listed = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    missing = {
        key.name: IndexedValueType.ValueType(key.indexed_value_type.value)
        for key in SEARCH_ATTRIBUTES
        if key.name not in listed.custom_attributes
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )
    return sorted(missing)


@dataclass(frozen=True)
class Tracking:
    """What an operator sees of a workflow from its first moment: the search attributes the UI
    filters on and the static summary and details it shows. Every start passes one, so no start
    forgets an attribute another sets."""

    programme_id: str
    session_id: str
    stage: str
    status: Status
    summary: str
    details: str
    country: str | None = None
    deadline: datetime | None = None

    def search_attributes(self) -> TypedSearchAttributes:
        pairs: list[SearchAttributePair[Any]] = [
            SearchAttributePair(PROGRAMME, self.programme_id),
            SearchAttributePair(SESSION, self.session_id),
            SearchAttributePair(STAGE, self.stage),
            SearchAttributePair(STATUS, self.status.value),
        ]
        if self.country is not None:
            pairs.append(SearchAttributePair(COUNTRY, self.country))
        if self.deadline is not None:
            pairs.append(SearchAttributePair(DEADLINE, self.deadline))
        return TypedSearchAttributes(pairs)


async def start_tracked(
    client: Client,
    workflow: WorkflowType,
    arg: Any,
    *,
    id: str,
    task_queue: str,
    tracking: Tracking,
    id_reuse_policy: WorkflowIDReusePolicy = WorkflowIDReusePolicy.ALLOW_DUPLICATE,
    id_conflict_policy: WorkflowIDConflictPolicy = WorkflowIDConflictPolicy.UNSPECIFIED,
) -> WorkflowHandle[Any, Any]:
    """Start a wipflow workflow by its registered name, with what operators see of it.

    By name, so that activities and staff commands need not import workflow modules (which would
    tie the workflows' sandbox to their I/O). Raises `WorkflowAlreadyStartedError` as
    `Client.start_workflow` does when the id is taken and the policies refuse a second start."""
    return await client.start_workflow(
        workflow.value,
        arg,
        id=id,
        task_queue=task_queue,
        id_reuse_policy=id_reuse_policy,
        id_conflict_policy=id_conflict_policy,
        search_attributes=tracking.search_attributes(),
        static_summary=tracking.summary[:200],
        static_details=tracking.details,
    )
