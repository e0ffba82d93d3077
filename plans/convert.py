"""Word 97, RTF, OpenDocument and old Excel files, turned into DOCX/XLSX by LibreOffice.

Offices still send `.doc` and `.xls`; LibreOffice headless is the field's tool for them. It
runs in a temporary folder with a profile of its own (two conversions at once must not share
one), a time limit and a memory limit, and its output is then read as any DOCX or XLSX.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import tempfile
from pathlib import Path

from plans.tables import PlanReadError

# suffix → the format LibreOffice writes for it, and the Debian package that reads it.
LEGACY = {
    ".doc": ("docx", "libreoffice-writer-nogui"),
    ".rtf": ("docx", "libreoffice-writer-nogui"),
    ".odt": ("docx", "libreoffice-writer-nogui"),
    ".xls": ("xlsx", "libreoffice-calc-nogui"),
    ".ods": ("xlsx", "libreoffice-calc-nogui"),
}
SECONDS = 90.0
TOOL_MEMORY = 2 * 1024 * 1024 * 1024  # LibreOffice maps far more than it uses


def tool_limits() -> None:
    """In a helper program's process before it starts: room that the reading process's own
    limit would not leave it (a hard limit set by the parent still applies)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = TOOL_MEMORY if hard == resource.RLIM_INFINITY else min(TOOL_MEMORY, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def convert_legacy(data: bytes, name: str, seconds: float = SECONDS) -> tuple[bytes, str]:
    """(the converted bytes, the name they are read under)."""
    suffix = Path(name).suffix.lower()
    target, package = LEGACY[suffix]
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise PlanReadError(
            f"{name}: cần LibreOffice để đọc tệp {suffix} — hãy cài gói Debian {package} "
            f"(apt-get install {package}), hoặc gửi bản DOCX/PDF"
        )
    with tempfile.TemporaryDirectory(prefix="nhacviec-lo-") as folder:
        source = Path(folder) / f"van-ban{suffix}"
        source.write_bytes(data)
        command = [soffice, "--headless", "--norestore", "--nologo", "--nodefault",
                   f"-env:UserInstallation=file://{folder}/profile",
                   "--convert-to", target, "--outdir", folder, str(source)]  # fmt: skip
        try:
            subprocess.run(
                command, capture_output=True, timeout=seconds, check=False, preexec_fn=tool_limits
            )  # the reading process has one thread
        except subprocess.TimeoutExpired:
            raise PlanReadError(f"{name}: LibreOffice đọc quá {seconds:.0f} giây") from None
        converted = source.with_suffix(f".{target}")
        if not converted.exists() or converted.stat().st_size == 0:
            raise PlanReadError(f"{name}: LibreOffice không đọc được tệp này")
        return converted.read_bytes(), f"{Path(name).stem}.{target}"
