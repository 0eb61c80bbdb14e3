"""The import contracts in pyproject.toml (run by `make lint`) cover the code as it is."""

import pathlib
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The project's wiring may import every app; the packages here are layers above the core.
WIRING = {"settings", "urls", "wsgi", "__init__"}
ABOVE_THE_CORE = {"evaluation", "ips", "research", "privacy", "management", "bench", "migrations"}


def _contract(contract_id: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return next(contract for contract in config["contracts"] if contract["id"] == contract_id)


def test_every_core_module_is_under_the_core_contract():
    package = ROOT / "dagsverket"
    modules = {path.stem for path in package.glob("*.py")} - WIRING
    packages = {path.parent.name for path in package.glob("*/__init__.py")} - ABOVE_THE_CORE
    expected = {f"dagsverket.{name}" for name in modules | packages}
    listed = set(_contract("core")["source_modules"])
    assert expected - listed == set(), "add the new core module to the core contract in pyproject.toml"
    assert listed - expected == set()


def test_the_core_may_import_none_of_the_layers_above_it():
    forbidden = set(_contract("core")["forbidden_modules"])
    assert {f"dagsverket.{name}" for name in ABOVE_THE_CORE - {"migrations"}} <= forbidden
    assert {"jobs", "payroll"} <= forbidden
