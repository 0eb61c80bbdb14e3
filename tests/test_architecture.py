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


def test_every_exporter_has_the_one_interface(db):
    """One exporter interface (issue #20): each `*Exporter` class of the project is a RowExporter."""
    import importlib

    from dagsverket.spreadsheets import RowExporter

    found = {}
    for path in ROOT.glob("**/*export*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "migrations" in path.parts:
            continue
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for name, value in vars(module).items():
            if isinstance(value, type) and name.endswith("Exporter") and value.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = value
    assert len(found) >= 8  # the evaluation's four with their base, the trial's three, payroll's three
    assert [name for name, cls in found.items() if not issubclass(cls, RowExporter)] == []
