"""Files crafted to exhaust the server (issue 8), and a child process to read them in: a Rust
abort or a MemoryError there cannot take the test runner with it, and the child's peak memory is
measured on its own."""

from __future__ import annotations

import io
import json
import os
import resource
import select
import signal
import time
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

HEADERS = ["STT", "Mã số thuế", "Tên doanh nghiệp", "Khu công nghiệp"]
MEMORY_MB = 500  # the most a read of any of these files may take, the whole process included
CHILD_SECONDS = 120  # a child still reading after this is killed: the test fails, it never hangs


# --- Workbooks written by hand, to control what Excel would never write ----------------------

XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    f'{XML}<Types xmlns="{PACKAGE}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{OFFICE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{OFFICE}.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'{XML}<Relationships xmlns="{PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{RELATIONS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'{XML}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{RELATIONS}">'
    '<sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'{XML}<Relationships xmlns="{PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{RELATIONS}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def cell(ref: str | None, text) -> str:
    """A cell with inline text; without `ref`, Excel places it after the previous one."""
    where = f' r="{ref}"' if ref else ""
    return f'<c{where} t="inlineStr"><is><t>{escape(str(text))}</t></is></c>'


def header_row(number: int = 1) -> str:
    cells = "".join(cell(f"{chr(65 + i)}{number}", h) for i, h in enumerate(HEADERS))
    return f'<row r="{number}">{cells}</row>'


def sheet(rows: str, dimension: str | None = None, padding: str = "") -> str:
    dimension = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'{XML}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dimension}<sheetData>{rows}</sheetData>{padding}</worksheet>"
    )


def workbook(sheet_xml: str, first: tuple[str, str] | None = None) -> bytes:
    """A workbook of one sheet; `first`: (name, text) of a part written before all others."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if first is not None:
            archive.writestr(*first)
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return out.getvalue()


def far_cell_workbook(reference: str) -> bytes:
    """Headers, and one cell far away, saved by openpyxl as the attacker did (about 1.6 KB)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADERS)
    book.active[reference] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def declare_size(data: bytes, member: str, size: int) -> bytes:
    """The workbook with the uncompressed size of `member` declared as `size` (a lie), in both
    the local header and the central directory."""
    data = bytearray(data)
    name = member.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        position = 0
        while (position := data.find(signature, position)) != -1:
            name_at = position + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[position + offset : position + offset + 4] = size.to_bytes(4, "little")
            position += 4
    return bytes(data)


# --- A child process ----------------------------------------------------------------------------


@dataclass
class Outcome:
    """What happened in the child: `result` as it returned it, or how it died."""

    result: dict | None
    died: str = ""  # "killed by signal 6", "MemoryError", "timed out"...
    seconds: float = 0.0

    @property
    def peak_mb(self) -> float:
        return (self.result or {}).get("peak_mb", float("inf"))

    @property
    def refused(self) -> str | None:
        return (self.result or {}).get("refused")

    @property
    def message(self) -> str:
        return (self.result or {}).get("message", "")


def _peak_mb() -> float:
    """This process's peak resident memory (Linux VmHWM), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _address_space_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) / 1024
    return 0.0


def in_child(work, *args, headroom_mb: int = 1500) -> Outcome:
    """Run `work(*args)` (which returns a dict) in a forked child with its address space capped at
    what it holds now plus `headroom_mb`, so that a runaway allocation fails there quickly instead
    of exhausting the machine. The dict comes back with the child's peak memory as `peak_mb`."""
    reader, writer = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(reader)
        try:
            limit = int((_address_space_mb() + headroom_mb) * 1024 * 1024)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            try:
                result = work(*args)
            except MemoryError:
                result = {"died": "MemoryError"}
            result["peak_mb"] = _peak_mb()
            os.write(writer, json.dumps(result, default=str).encode())
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, whatever it is
            os.write(writer, json.dumps({"died": repr(exc)[:2000]}).encode())
        finally:
            os._exit(0)
    os.close(writer)
    chunks = []
    deadline = started + CHILD_SECONDS
    timed_out = False
    while True:
        ready, _, _ = select.select([reader], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            timed_out = True
            os.kill(pid, signal.SIGKILL)
            break
        chunk = os.read(reader, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(reader)
    _, status = os.waitpid(pid, 0)
    seconds = time.monotonic() - started
    if timed_out:
        return Outcome(None, f"timed out after {CHILD_SECONDS} s", seconds)
    if os.WIFSIGNALED(status):
        return Outcome(None, f"killed by signal {os.WTERMSIG(status)}", seconds)
    if not chunks:
        return Outcome(None, f"exited with status {os.WEXITSTATUS(status)}", seconds)
    result = json.loads(b"".join(chunks))
    return Outcome(result, result.pop("died", ""), seconds)


def read(data: bytes) -> dict:
    """read_table on `data`, as a dict the parent can read: refused with which message, or read."""
    from organizations.imports import ImportRefused
    from organizations.imports.reading import read_table

    try:
        table = read_table(data)
    except ImportRefused as exc:
        return {"refused": exc.code, "message": str(exc)}
    return {"rows": len(table.rows), "widest": max(len(row) for row in table.rows)}


def read_and_lay_out(data: bytes) -> dict:
    """read_table, the header's columns and the rows as django-import-export gets them: where a
    row was padded to the header's width, a file's few cells could become millions."""
    from organizations.imports import ImportRefused
    from organizations.imports.base import chunked
    from organizations.imports.resource import ENTERPRISES
    from organizations.imports.running import open_list

    try:
        opened = open_list(data, ENTERPRISES, required=("tax_code", "name", "zone"))
    except ImportRefused as exc:
        return {"refused": exc.code, "message": str(exc)}
    rows = width = 0
    for chunk in chunked(opened.rows, opened.header, list(opened.header.positions), 5000):
        rows += len(chunk.dataset)
        width = max(width, chunk.dataset.width)
    return {"rows": rows, "width": width}


def read_in_chunks(data: bytes) -> dict:
    """The rows of a list below its header, read and laid out for django-import-export a chunk
    at a time, as the import reads them; each chunk is let go before the next."""
    from organizations.imports.base import BATCH_SIZE, chunked
    from organizations.imports.resource import ENTERPRISES
    from organizations.imports.running import open_list

    opened = open_list(data, ENTERPRISES, required=("tax_code", "name", "zone"))
    rows = 0
    for chunk in chunked(opened.rows, opened.header, list(opened.header.positions), BATCH_SIZE):
        rows += len(chunk.dataset)
    return {"rows": rows}
