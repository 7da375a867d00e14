"""The one data converter of every wipflow client and worker: pydantic's JSON, sealed by the
payload codec, with failures' messages and stack traces sealed too (they can quote a form)."""

from __future__ import annotations

import dataclasses

from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    SerializationContext,
)

from codec.keyring import keyring_of
from codec.payloads import SealingCodec
from codec.session_keys import SessionKeys
from settings import Settings


@dataclasses.dataclass(frozen=True)
class SealingConverter(DataConverter):
    """The SDK asks for a converter per payload's context (its workflow, its activity), and a
    plain `DataConverter.with_context` clones itself with a new payload converter each time: a
    new pydantic converter whose cache of type adapters starts empty, so every payload rebuilt
    its model's validator (a profile of bench/pipeline.py put it at about a tenth of the worker).
    Only the codec depends on the context, and only through the session: one clone per session,
    sharing this converter's payload and failure converters, serves every payload of it."""

    _per_session: dict[str | None, DataConverter] = dataclasses.field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def with_context(self, context: SerializationContext) -> DataConverter:
        codec = self.payload_codec
        assert isinstance(codec, SealingCodec)
        session = codec.session_for(context)
        if session == codec.session_id:
            return self
        cached = self._per_session.get(session)
        if cached is None:
            cached = dataclasses.replace(self, payload_codec=codec.with_context(context))
            object.__setattr__(cached, "payload_converter", self.payload_converter)
            object.__setattr__(cached, "failure_converter", self.failure_converter)
            self._per_session[session] = cached
        return cached


def sealing_converter(keys: SessionKeys) -> DataConverter:
    return SealingConverter(
        payload_converter_class=pydantic_data_converter.payload_converter_class,
        payload_codec=SealingCodec(keys),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


def data_converter(settings: Settings, database: async_sessionmaker) -> DataConverter:
    """The converter on the settings' master keys, the sessions' data keys in `database`."""
    return sealing_converter(SessionKeys(keyring_of(settings), database))
