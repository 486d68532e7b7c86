# The stubs as they are; the submission folder also holds conftest.py, pytest.ini and pyproject.toml.
