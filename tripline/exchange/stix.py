"""Documents as STIX 2.1 objects with TLP 2.0 and ISA ACS 3.0 markings (for the TAXII interface)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pycountry

from tripline.exchange.documents import Classification, Document, Purpose, Tlp

NAMESPACE = uuid.UUID("7d6f2a43-2b0e-5c1e-9f1a-3c4b5d6e7f80")
TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
ACS3_EXTENSION = "extension-definition--3a65884d-005a-4290-8335-cb2d778a83ce"
ACS_POLICY = "urn:isa:policy:acs:ns:v3.0?privdefault=deny&sharedefault=deny"

# The published TLP 2.0 marking-definition ids (FIRST TLP 2.0 for STIX 2.1)
TLP2_IDS = {
    Tlp.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    Tlp.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    Tlp.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    Tlp.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    Tlp.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

# Purposes as ACS 3.0 privilege actions (the closest action of the ACS vocabulary)
PRIVILEGE_ACTION = {
    Purpose.CUSTOMS_ENFORCEMENT: "OPACTION",
    Purpose.EXPORT_CONTROL: "OPACTION",
    Purpose.NONPROLIFERATION: "OPACTION",
    Purpose.RISK_ASSESSMENT: "NETDEF",
    Purpose.PROSECUTION: "LEGAL",
    Purpose.INTELLIGENCE: "INTEL",
    Purpose.EXPORTER_OUTREACH: "TENOT",
}
ACS_CLASSIFICATION = {
    Classification.UNCLASSIFIED: "U",
    Classification.RESTRICTED: "U",
    Classification.CONFIDENTIAL: "C",
    Classification.SECRET: "S",
}


def stix_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def alpha3(country: str) -> str:
    found = pycountry.countries.get(alpha_2=country.upper())
    return found.alpha_3 if found is not None else country.upper()


def tlp_marking(tlp: Tlp) -> dict[str, Any]:
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP2_IDS[tlp],
        "created": "2022-10-01T00:00:00.000Z",
        "name": f"TLP:{tlp.value.upper()}",
        "extensions": {TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": tlp.value}},
    }


def identity(node_id: str, name: str) -> dict[str, Any]:
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": f"identity--{uuid.uuid5(NAMESPACE, 'node:' + node_id)}",
        "created": "2026-01-01T00:00:00.000Z",
        "modified": "2026-01-01T00:00:00.000Z",
        "name": name,
        "identity_class": "organization",
        "sectors": ["government-national"],
    }


def acs_marking(doc: Document, *, originator_country: str, recipient: str, recipient_country: str) -> dict[str, Any]:
    """ISA ACS 3.0: the originator, the purposes as access privileges, onward release as further sharing."""
    created = stix_time(doc.created_at)
    further = (
        [{"sharing_scope": ["ALL"], "rule_effect": "deny"}]
        if doc.caveats.no_onward_release
        else [{"sharing_scope": [alpha3(recipient_country) + ".GOV"], "rule_effect": "permit"}]
    )
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": f"marking-definition--{uuid.uuid5(NAMESPACE, f'acs:{doc.id}:{recipient}')}",
        "created": created,
        "extensions": {
            ACS3_EXTENSION: {
                "extension_type": "property-extension",
                "identifier": f"isa:guide.19001.ACS3-{uuid.uuid5(NAMESPACE, 'acs-id:' + doc.id)}",
                "create_date_time": created,
                "responsible_entity_custodian": f"{alpha3(originator_country)}.{doc.originator}",
                "responsible_entity_originator": f"{alpha3(originator_country)}.{doc.originator}",
                "authority_reference": [doc.legal_basis],
                "policy_reference": ACS_POLICY,
                "access_privilege": [
                    {
                        "privilege_action": PRIVILEGE_ACTION[purpose],
                        "privilege_scope": {
                            "permitted_nationalities": [alpha3(recipient_country)],
                            "permitted_organizations": [recipient],
                            "shareability": ["ALL"],
                            "entity": ["ALL"],
                        },
                        "rule_effect": "permit",
                    }
                    for purpose in doc.purposes
                ],
                "further_sharing": further,
                "control_set": {"classification": ACS_CLASSIFICATION[doc.classification], "formal_determination": []},
            }
        },
    }


def report(doc: Document, creator: dict[str, Any], markings: list[str]) -> dict[str, Any]:
    description = doc.body
    if doc.executive_summary:
        description = f"Executive summary: {doc.executive_summary}\n\n{doc.body}"
    out: dict[str, Any] = {
        "type": "report",
        "spec_version": "2.1",
        "id": f"report--{uuid.uuid5(NAMESPACE, 'doc:' + doc.id)}",
        "created": stix_time(doc.created_at),
        "modified": stix_time(doc.created_at),
        "created_by_ref": creator["id"],
        "name": doc.subject,
        "report_types": [doc.type.value.replace("_", "-")],
        "published": stix_time(doc.created_at),
        "object_refs": [creator["id"]],
        "labels": [p.value for p in doc.purposes],
        "external_references": [{"source_name": "tripline-exchange", "external_id": doc.id}],
        "object_marking_refs": markings,
    }
    if description:
        out["description"] = description
    return out


def document_objects(
    doc: Document, *, originator_name: str, originator_country: str, recipient: str, recipient_country: str
) -> list[dict[str, Any]]:
    """The identity, ACS marking and report of one document (the TLP marking is shared, added separately)."""
    creator = identity(doc.originator, originator_name)
    acs = acs_marking(
        doc, originator_country=originator_country, recipient=recipient, recipient_country=recipient_country
    )
    return [creator, acs, report(doc, creator, [TLP2_IDS[doc.tlp], acs["id"]])]
