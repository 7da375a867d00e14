"""One way to reach Temporal for the worker, the starter and the tests: same converter, same
search attributes, and a connection error that says what to do."""

from __future__ import annotations

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from settings import Settings
from shared import SEARCH_ATTRIBUTES


class TemporalUnavailable(RuntimeError):
    pass


async def connect(settings: Settings, runtime: Runtime | None = None) -> Client:
    try:
        return await Client.connect(
            settings.temporal_address,
            namespace=settings.temporal_namespace,
            data_converter=pydantic_data_converter,
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
