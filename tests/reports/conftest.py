import pytest

from tests.reports.builders import build_2025, build_history, build_tree


@pytest.fixture
def tree(bg):
    return build_tree(bg)


@pytest.fixture
def year_2025(tree):
    return build_2025(tree)


@pytest.fixture
def history(tree):
    return build_history(tree)
