"""Parsing of the gluster CLI's answers (``--xml`` and heal info text); pure functions."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ._types import BrickStatus, GlusterVolume, HarnessError


def _xml_op_error(text: str) -> str | None:
    """Error string of a ``--xml`` answer, or None if opRet == 0."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return "unparsable XML output"
    op_ret = (root.findtext("opRet") or "").strip()
    if op_ret == "0":
        return None
    return (root.findtext("opErrstr") or "").strip() or f"opRet={op_ret}"


def _int_or(text: str | None, default: int) -> int:
    try:
        return int((text or "").strip())
    except ValueError:
        return default


def parse_volume_info_xml(text: str) -> list[GlusterVolume]:
    """Parse ``gluster volume info [NAME] --xml``."""
    err = _xml_op_error(text)
    if err is not None:
        raise HarnessError(f"volume info failed: {err}")
    root = ET.fromstring(text)
    vols: list[GlusterVolume] = []
    for v in root.iterfind("./volInfo/volumes/volume"):
        bricks: list[str] = []
        for b in v.iterfind("./bricks/brick"):
            name = b.findtext("name")
            if name is None:  # very old format: spec is the element text
                name = (b.text or "").strip()
            bricks.append(name.strip())
        options = {
            (o.findtext("name") or "").strip(): (o.findtext("value") or "").strip()
            for o in v.iterfind("./options/option")
        }
        vols.append(
            GlusterVolume(
                name=(v.findtext("name") or "").strip(),
                volume_id=(v.findtext("id") or "").strip(),
                status=(v.findtext("statusStr") or "").strip(),
                type=(v.findtext("typeStr") or "").strip(),
                brick_count=_int_or(v.findtext("brickCount"), len(bricks)),
                replica_count=_int_or(v.findtext("replicaCount"), 1),
                bricks=tuple(bricks),
                options=options,
            )
        )
    return vols


def _safe_pid(text: str | None) -> int | None:
    """A pid we may ever consider signalling: a plain integer > 1, else None."""
    value = _int_or(text, -1)
    return value if value > 1 else None


def parse_volume_status_xml(text: str) -> tuple[list[BrickStatus], list[BrickStatus]]:
    """Parse ``gluster volume status VOL --xml`` into (bricks, daemons).

    Brick nodes are those whose path is absolute; self-heal daemon & co. are
    reported with a pseudo path such as ``localhost``.
    """
    err = _xml_op_error(text)
    if err is not None:
        raise HarnessError(f"volume status failed: {err}")
    root = ET.fromstring(text)
    bricks: list[BrickStatus] = []
    daemons: list[BrickStatus] = []
    for node in root.iterfind("./volStatus/volumes/volume/node"):
        path = (node.findtext("path") or "").strip()
        online = (node.findtext("status") or "").strip() == "1"
        pid = _safe_pid(node.findtext("pid"))
        port = _int_or(node.findtext("port"), -1)
        entry = BrickStatus(
            host=(node.findtext("hostname") or "").strip(),
            path=path,
            online=online and pid is not None,
            pid=pid if online else None,
            port=port if port > 0 else None,
        )
        (bricks if path.startswith("/") else daemons).append(entry)
    return bricks, daemons


_HEAL_ENTRIES_RE = re.compile(r"^\s*Number of entries:\s*(\S+)\s*$", re.MULTILINE)


def parse_heal_info(text: str) -> int | None:
    """Total pending heal entries from ``gluster volume heal VOL info``.

    None if any brick could not be asked (``Number of entries: -``) or no
    brick section was found, i.e. "not known to be healed".
    """
    counts = _HEAL_ENTRIES_RE.findall(text)
    if not counts:
        return None
    total = 0
    for c in counts:
        if not c.isdigit():
            return None
        total += int(c)
    return total
