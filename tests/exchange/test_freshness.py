"""Issue 18 item 10: envelopes carry a freshness window and a nonce (their id); a replay outside the
window, or an id reused for other content, is refused with its reason."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.exchange.conftest import Network, scan_fields
from tripline.errors import IntegrityError
from tripline.exchange.envelope import FRESHNESS, make_envelope
from tripline.exchange.inbound import receive


def test_envelope_outside_the_freshness_window_is_refused(network: Network) -> None:
    """Failed before: an envelope captured days ago was accepted as new."""
    us, jp = network.add("us-cbp"), network.add("jp-customs")
    doc = jp.draft(scan_fields())
    old = make_envelope(
        jp.key,
        kind="document",
        recipient="us-cbp",
        purpose="customs_enforcement",
        payload=doc.payload(),
        sent_at=network.clock() - FRESHNESS - timedelta(seconds=1),
    )
    with pytest.raises(IntegrityError) as err:
        receive(us, old)
    assert err.value.field == "envelope.sent_at" and "window" in err.value.reason
    future = make_envelope(
        jp.key,
        kind="document",
        recipient="us-cbp",
        purpose="customs_enforcement",
        payload=doc.payload(),
        sent_at=network.clock() + FRESHNESS + timedelta(seconds=1),
    )
    with pytest.raises(IntegrityError):
        receive(us, future)
    fresh = make_envelope(
        jp.key,
        kind="document",
        recipient="us-cbp",
        purpose="customs_enforcement",
        payload=doc.payload(),
        sent_at=network.clock() - FRESHNESS + timedelta(seconds=5),
    )
    assert receive(us, fresh)[0] == 200


def test_replay_within_the_window_is_answered_not_reprocessed_and_id_reuse_refused(network: Network) -> None:
    us, jp = network.add("us-cbp"), network.add("jp-customs")
    first = jp.draft(scan_fields())
    envelope = make_envelope(
        jp.key,
        kind="document",
        recipient="us-cbp",
        purpose="customs_enforcement",
        payload=first.payload(),
        sent_at=network.clock(),
    )
    status, receipt = receive(us, envelope)
    assert status == 200
    assert receive(us, envelope) == (status, receipt)  # the same envelope again: the same answer
    second = jp.draft(scan_fields(subject="Another alarm"))
    reused = jp.key.sign(
        {**{k: v for k, v in envelope.items() if k != "signature"}, "payload": second.payload()}
    )  # the same nonce on other content
    with pytest.raises(IntegrityError) as err:
        receive(us, reused)
    assert err.value.field == "envelope.id" and "reused" in err.value.reason
