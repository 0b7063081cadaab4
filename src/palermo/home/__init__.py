"""Home pages: at the top of the layers, beside palermo/urls.py (see [tool.importlinter] in pyproject.toml)."""
