"""The API's shapes are named by one rule (docs/decisions/0009): sent ends in In, answered in Out."""

import importlib
import inspect
import pkgutil

import pytest

import dp_platform.api.schemas as schemas

pytestmark = pytest.mark.architecture

NAMED_BY_A_STANDARD = {"Problem"}  # RFC 9457 problem details
BASES = {"Schema"}


def _shapes() -> list[str]:
    found = []
    for module_info in pkgutil.iter_modules(schemas.__path__):
        module = importlib.import_module(f"{schemas.__name__}.{module_info.name}")
        found += [
            name
            for name, value in vars(module).items()
            if inspect.isclass(value) and value.__module__ == module.__name__
        ]
    return sorted(found)


def test_every_shape_says_which_way_it_travels():
    shapes = _shapes()
    assert len(shapes) > 150  # the walk found the shapes, not an empty package
    misnamed = [name for name in shapes if not name.endswith(("In", "Out")) and name not in NAMED_BY_A_STANDARD | BASES]
    assert misnamed == []


async def test_the_openapi_document_names_its_shapes_the_same_way(client):
    components = (await client.get("/docs/openapi.json")).json()["components"]["schemas"]
    assert {"PayRunIn", "PayRunOut", "FpsRecordOut", "Problem"} <= set(components)
    shapes = {name for name, schema in components.items() if "enum" not in schema}  # enums are values, not shapes
    assert sorted(name for name in shapes if not name.endswith(("In", "Out")) and name not in NAMED_BY_A_STANDARD) == []


MIRRORS = [  # an API shape answering a domain record field for field (msgspec.convert from its attributes)
    ("dp_platform.api.schemas.payroll:FpsRecordOut", "payroll.rti:FpsRecord"),
    ("dp_platform.api.schemas.payroll:FpsEmployeeOut", "payroll.rti:FpsEmployee"),
    ("dp_platform.api.schemas.payroll:FpsEmployerOut", "payroll.rti:FpsEmployer"),
    ("dp_platform.api.schemas.payroll:FpsPaymentOut", "payroll.rti:FpsPayment"),
    ("dp_platform.api.schemas.payroll:FpsNiOut", "payroll.rti:FpsNi"),
    ("dp_platform.api.schemas.payroll:P45Out", "payroll.leavers:P45Figures"),
    ("dp_platform.api.schemas.payroll:P60Out", "payroll.year_end:P60Figures"),
    ("dp_platform.api.schemas.payroll:HmrcMonthOut", "payroll.hmrc_summary:HmrcMonth"),
    ("dp_platform.api.schemas.payroll:PayslipLineOut", "payroll.payslip_record:SlipLine"),
    ("dp_platform.api.schemas.payroll:FindingOut", "payroll.payslip_record:SlipFinding"),
]


def _named(path: str) -> type:
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize(("shape", "record"), MIRRORS, ids=[pair[0].split(":")[1] for pair in MIRRORS])
def test_a_shape_mirroring_a_domain_record_keeps_its_fields(shape: str, record: str):
    """The domain record stays free of msgspec (the domain packages import no framework), so its HTTP
    shape is a second declaration; a field added to one and not the other fails here, not in a client."""
    import dataclasses

    assert set(_named(shape).__struct_fields__) == {field.name for field in dataclasses.fields(_named(record))}
