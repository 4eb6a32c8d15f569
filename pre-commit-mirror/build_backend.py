"""A PEP 517 build backend for a package with no code: one wheel holding only
metadata (name, version, and the `dependencies` of pyproject.toml).

It reads the three fields it needs from pyproject.toml with regular
expressions, so it runs on every Python 3.8+ without tomllib or tomli.
"""

import base64
import hashlib
import os
import re
import zipfile

_HERE = os.path.dirname(os.path.abspath(__file__))


def _project():
    with open(os.path.join(_HERE, "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    project = text.split("[project]", 1)[1].split("\n[", 1)[0]

    def field(key):
        match = re.search(r'^%s\s*=\s*"([^"]*)"' % key, project, re.M)
        if not match:
            raise RuntimeError("pyproject.toml: [project] %s is missing" % key)
        return match.group(1)

    deps = re.search(r"^dependencies\s*=\s*\[([^\]]*)\]", project, re.M)
    requires = re.findall(r'"([^"]+)"', deps.group(1)) if deps else []
    return field("name"), field("version"), field("requires-python"), requires


def _dist_info():
    name, version, python, requires = _project()
    dist = "%s-%s" % (name.replace("-", "_"), version)
    metadata = "Metadata-Version: 2.1\nName: %s\nVersion: %s\nRequires-Python: %s\n" % (
        name,
        version,
        python,
    )
    metadata += "".join("Requires-Dist: %s\n" % r for r in requires)
    wheel = "Wheel-Version: 1.0\nGenerator: build_backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    return dist, {"METADATA": metadata, "WHEEL": wheel}


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    dist, files = _dist_info()
    info = os.path.join(metadata_directory, dist + ".dist-info")
    os.makedirs(info, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(info, name), "w", encoding="utf-8") as f:
            f.write(text)
    return dist + ".dist-info"


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "%s,sha256=%s,%d\n" % (path, digest.decode(), len(data))


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    dist, files = _dist_info()
    filename = dist + "-py3-none-any.whl"
    record_path = dist + ".dist-info/RECORD"
    record = ""
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w") as whl:
        for name, text in files.items():
            path = dist + ".dist-info/" + name
            data = text.encode("utf-8")
            whl.writestr(path, data)
            record += _record_line(path, data)
        whl.writestr(record_path, record + record_path + ",,\n")
    return filename


def build_sdist(sdist_directory, config_settings=None):
    import tarfile

    dist, _ = _dist_info()
    filename = dist + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz") as tar:
        for name in ("pyproject.toml", "build_backend.py", ".pre-commit-hooks.yaml", "README.md"):
            path = os.path.join(_HERE, name)
            if os.path.exists(path):
                tar.add(path, arcname=dist + "/" + name)
    return filename
