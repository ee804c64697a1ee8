"""The host CPU, described for the compiler.

``host(overrides=None)`` reads this machine: ISA features from ``/proc/cpuinfo`` flags
(``avx512f`` > ``avx2`` (+``fma``) > generic), the vector width they imply, the usable cores
(``sched_getaffinity``), cache sizes from ``/sys/devices/system/cpu/cpu0/cache`` and the clock
from ``/proc/cpuinfo``; anything unreadable falls back to the ``cpu-generic`` values.
``overrides`` (a dict of field values) replaces what was read, so tests are deterministic.
Peak GFLOP/s (f32) = cores * GHz * FMA units * 2 (mul+add) * lanes.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from pathlib import Path

ISAS = {"avx512": 512, "avx2": 256, "sse": 128, "generic": 128}


@dataclass(frozen=True)
class CpuTarget:
    isa: str = "generic"
    vector_bits: int = 128
    cores: int = 1
    l1: int = 32 * 1024
    l2: int = 256 * 1024
    l3: int = 8 * 1024 * 1024
    freq_ghz: float = 2.0
    fma_units: int = 1
    peak_gflops: float = 0.0

    kind = "cpu"

    @property
    def lanes_f32(self) -> int:
        return self.vector_bits // 32

    def problems(self) -> list[str]:
        out = []
        if self.isa not in ISAS:
            out.append(f"unknown isa '{self.isa}' (one of {', '.join(ISAS)})")
        if self.vector_bits not in (128, 256, 512):
            out.append(f"vector_bits must be 128, 256 or 512, got {self.vector_bits}")
        for name in ("cores", "l1", "l2", "l3", "fma_units"):
            if getattr(self, name) < 1:
                out.append(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.freq_ghz <= 0:
            out.append(f"freq_ghz must be > 0, got {self.freq_ghz}")
        return out


def peak_gflops(cores: int, freq_ghz: float, fma_units: int, vector_bits: int) -> float:
    return round(cores * freq_ghz * fma_units * 2 * (vector_bits // 32), 1)


def make(isa: str, cores: int, l1: int, l2: int, l3: int, freq_ghz: float,
         fma_units: int) -> CpuTarget:
    bits = ISAS[isa]
    return CpuTarget(isa, bits, cores, l1, l2, l3, freq_ghz, fma_units,
                     peak_gflops(cores, freq_ghz, fma_units, bits))


CPU_PRESETS = {
    "cpu-avx512": make("avx512", 2, 48 * 1024, 2 * 1024 * 1024, 32 * 1024 * 1024, 2.6, 2),
    "cpu-avx2": make("avx2", 4, 32 * 1024, 512 * 1024, 16 * 1024 * 1024, 3.0, 2),
    "cpu-generic": make("generic", 1, 32 * 1024, 256 * 1024, 8 * 1024 * 1024, 2.0, 1),
}


def _cpuinfo() -> str:
    try:
        return Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""


def _isa(flags: set[str]) -> str:
    if "avx512f" in flags:
        return "avx512"
    if "avx2" in flags and "fma" in flags:
        return "avx2"
    return "sse" if "sse4_2" in flags else "generic"


def _cache_bytes(level: int) -> int | None:
    root = Path("/sys/devices/system/cpu/cpu0/cache")
    for index in sorted(root.glob("index*")):
        try:
            lvl = int((index / "level").read_text())
            kind = (index / "type").read_text().strip()
            size = (index / "size").read_text().strip()
        except (OSError, ValueError):
            continue
        if lvl == level and kind in ("Data", "Unified"):
            m = re.match(r"(\d+)([KMG]?)", size)
            if m:
                return int(m.group(1)) * {"": 1, "K": 1024, "M": 1 << 20, "G": 1 << 30}[m.group(2)]
    return None


def _nominal_ghz(info: str) -> float | None:
    """The CPU's nominal frequency: the model name's "@ x.xxGHz", else the maximum from
    cpufreq, else the first "cpu MHz" rounded to 100 MHz. The current frequency itself is not
    used: it changes between runs, and the target description must not (byte-identical IR)."""
    m = re.search(r"^model name\s*:.*@\s*([\d.]+)\s*GHz", info, re.MULTILINE)
    if m:
        return round(float(m.group(1)), 2)
    try:
        with open("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq") as f:
            return round(int(f.read().strip()) / 1e6, 1)
    except (OSError, ValueError):
        pass
    m = re.search(r"^cpu MHz\s*:\s*([\d.]+)", info, re.MULTILINE)
    return round(float(m.group(1)) / 1000, 1) if m else None


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def host(overrides: dict | None = None) -> CpuTarget:
    """This machine (fields in ``overrides`` win; ``peak_gflops`` is recomputed unless given)."""
    info = _cpuinfo()
    m = re.search(r"^flags\s*:\s*(.*)$", info, re.MULTILINE)
    flags = set(m.group(1).split()) if m else set()
    ghz = _nominal_ghz(info)
    base = CPU_PRESETS["cpu-generic"]
    isa = _isa(flags)
    fields = dict(isa=isa, vector_bits=ISAS[isa], cores=_cores(),
                  l1=_cache_bytes(1) or base.l1, l2=_cache_bytes(2) or base.l2,
                  l3=_cache_bytes(3) or base.l3,
                  freq_ghz=ghz or base.freq_ghz,
                  fma_units=2 if isa in ("avx512", "avx2") else 1)
    fields.update(overrides or {})
    if "isa" in (overrides or {}) and "vector_bits" not in (overrides or {}):
        fields["vector_bits"] = ISAS.get(fields["isa"], 128)
    if "peak_gflops" not in (overrides or {}):
        fields["peak_gflops"] = peak_gflops(fields["cores"], fields["freq_ghz"],
                                            fields["fma_units"], fields["vector_bits"])
    unknown = set(fields) - {f.name for f in dataclasses.fields(CpuTarget)}
    if unknown:
        raise ValueError(f"unknown CPU target fields: {', '.join(sorted(unknown))}")
    return CpuTarget(**fields)
