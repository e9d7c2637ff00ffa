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
