"""Copy-checker fixtures: the labelled snippets. (The index is per process and a test's
claims are never committed; tests/conftest.py's fresh_process_state resets it per test.)"""

from pathlib import Path

import pytest
import yaml

LABELLED = Path(__file__).with_name("labelled_copy.yaml")


@pytest.fixture(scope="session")
def labelled_cases():
    return yaml.safe_load(LABELLED.read_text())
