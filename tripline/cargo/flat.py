"""The flat (one row per bill of lading) layout shared by CSV and Parquet manifests.

See ``docs/manifest-schema.md``. Multi-valued columns (containers, transshipment ports, goods
lines) hold ``|``-separated values in CSV and lists in Parquet; goods columns are aligned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tripline.cargo.model import Role, Shipment

COLUMNS: tuple[str, ...] = (
    "bill_of_lading",
    "containers",
    "shipper_name",
    "shipper_country",
    "consignee_name",
    "consignee_country",
    "notify_name",
    "notify_country",
    "end_user_name",
    "end_user_country",
    "goods_description",
    "hs_code",
    "quantity",
    "weight_kg",
    "value_usd",
    "place_of_receipt",
    "port_of_loading",
    "transshipment_ports",
    "port_of_discharge",
    "final_destination",
    "vessel_name",
    "vessel_imo",
    "departure_date",
    "arrival_date",
)
REQUIRED: frozenset[str] = frozenset(
    {"bill_of_lading", "containers", "shipper_name", "consignee_name", "goods_description", "hs_code"}
    | {"port_of_loading", "port_of_discharge"}
)
LIST_COLUMNS = frozenset({"containers", "transshipment_ports", "goods_description", "hs_code"})
LIST_COLUMNS |= {"quantity", "weight_kg", "value_usd"}
GOODS_COLUMNS = ("goods_description", "hs_code", "quantity", "weight_kg", "value_usd")

# pydantic error locations -> flat column names, for error messages
FIELD_NAMES: dict[tuple[str, ...], str] = {
    ("bill_of_lading",): "bill_of_lading",
    ("containers",): "containers",
    ("goods", "description"): "goods_description",
    ("goods", "hs_code"): "hs_code",
    ("goods", "quantity"): "quantity",
    ("goods", "weight_kg"): "weight_kg",
    ("goods", "value_usd"): "value_usd",
    ("goods",): "goods_description",
    ("route", "place_of_receipt"): "place_of_receipt",
    ("route", "port_of_loading"): "port_of_loading",
    ("route", "transshipment"): "transshipment_ports",
    ("route", "port_of_discharge"): "port_of_discharge",
    ("route", "final_destination"): "final_destination",
    ("vessel", "name"): "vessel_name",
    ("vessel", "imo"): "vessel_imo",
    ("vessel",): "vessel_name",
    ("departure_date",): "departure_date",
    ("arrival_date",): "arrival_date",
    ("parties",): "shipper_name",
}
for _role in Role:
    FIELD_NAMES[("parties", _role.value, "country")] = f"{_role.value}_country"


def _split(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [] if value == "" else value.split("|")
    return list(value)


def _blank(value: Any) -> Any:
    return None if value in ("", None) else value


def flat_to_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """Turn one flat row into the nested record :class:`Shipment` validates."""
    parties = []
    for role in Role:
        name = _blank(row.get(f"{role.value}_name"))
        if name is not None:
            parties.append({"role": role.value, "name": name, "country": _blank(row.get(f"{role.value}_country"))})
    columns = {c: _split(row.get(c)) for c in GOODS_COLUMNS}
    count = max((len(v) for v in columns.values()), default=0)
    goods = []
    for i in range(count):
        goods.append(
            {
                "description": columns["goods_description"][i] if i < len(columns["goods_description"]) else "",
                "hs_code": columns["hs_code"][i] if i < len(columns["hs_code"]) else "",
                "quantity": _blank(columns["quantity"][i]) if i < len(columns["quantity"]) else None,
                "weight_kg": _blank(columns["weight_kg"][i]) if i < len(columns["weight_kg"]) else None,
                "value_usd": _blank(columns["value_usd"][i]) if i < len(columns["value_usd"]) else None,
            }
        )
    record: dict[str, Any] = {
        "bill_of_lading": row.get("bill_of_lading") or "",
        "containers": _split(row.get("containers")),
        "parties": parties,
        "goods": goods,
        "route": {
            "place_of_receipt": _blank(row.get("place_of_receipt")),
            "port_of_loading": row.get("port_of_loading") or "",
            "transshipment": _split(row.get("transshipment_ports")),
            "port_of_discharge": row.get("port_of_discharge") or "",
            "final_destination": _blank(row.get("final_destination")),
        },
        "departure_date": _blank(row.get("departure_date")),
        "arrival_date": _blank(row.get("arrival_date")),
    }
    if _blank(row.get("vessel_name")) or _blank(row.get("vessel_imo")):
        record["vessel"] = {"name": row.get("vessel_name") or "", "imo": row.get("vessel_imo") or ""}
    return record


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def shipment_to_flat(shipment: Shipment, *, lists: bool = False) -> dict[str, Any]:
    """The flat row of a shipment (``lists=True``: list columns as Python lists, for Parquet)."""

    def join(values: Sequence[Any]) -> Any:
        return [_fmt(v) for v in values] if lists else "|".join(_fmt(v) for v in values)

    row: dict[str, Any] = {
        "bill_of_lading": shipment.bill_of_lading,
        "containers": join(shipment.containers),
    }
    for role in Role:
        party = shipment.party(role)
        row[f"{role.value}_name"] = party.name if party else ""
        row[f"{role.value}_country"] = (party.country or "") if party else ""
    row["goods_description"] = join([g.description for g in shipment.goods])
    row["hs_code"] = join([g.hs_code for g in shipment.goods])
    row["quantity"] = join([g.quantity for g in shipment.goods])
    row["weight_kg"] = join([g.weight_kg for g in shipment.goods])
    row["value_usd"] = join([g.value_usd for g in shipment.goods])
    r = shipment.route
    row.update(
        place_of_receipt=r.place_of_receipt or "",
        port_of_loading=r.port_of_loading,
        transshipment_ports=join(r.transshipment),
        port_of_discharge=r.port_of_discharge,
        final_destination=r.final_destination or "",
        vessel_name=shipment.vessel.name if shipment.vessel else "",
        vessel_imo=shipment.vessel.imo if shipment.vessel else "",
        departure_date=shipment.departure_date.isoformat() if shipment.departure_date else "",
        arrival_date=shipment.arrival_date.isoformat() if shipment.arrival_date else "",
    )
    return row
