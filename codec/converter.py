"""The one data converter of every wipflow client and worker: pydantic's JSON, sealed by the
payload codec, with failures' messages and stack traces sealed too (they can quote a form)."""

from __future__ import annotations

import dataclasses

from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes

from codec.keyring import keyring_of
from codec.payloads import SealingCodec
from codec.session_keys import SessionKeys
from settings import Settings


def sealing_converter(keys: SessionKeys) -> DataConverter:
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=SealingCodec(keys),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


def data_converter(settings: Settings, database: async_sessionmaker) -> DataConverter:
    """The converter on the settings' master keys, the sessions' data keys in `database`."""
    return sealing_converter(SessionKeys(keyring_of(settings), database))
