#!/usr/bin/env python3
"""Render the demo sales-call recordings from their scripts.

Each ``rec-NN.script.yaml`` in this folder is a two-party call script (the
ground truth).  This script turns every one of them into ``rec-NN.ogg``:

* every turn is synthesised with ``espeak-ng`` (voice from the script, about
  165 words per minute) and resampled with ``sox`` to 16 kHz mono;
* rep turns go on the left channel, prospect turns on the right channel
  (as given by the script's ``channels`` mapping), the other channel stays
  silent; turns never overlap and are separated by gaps of 0.3 to 0.9 s drawn
  from a random generator seeded with the call id;
* a very light Gaussian noise floor (-60 dBFS RMS, also seeded) is added to
  both channels so that the "silence" is not digital zero;
* the stereo 16 kHz signal is encoded with ``ffmpeg`` as Ogg Opus
  (``libopus``, 32 kbit/s, channels coded independently so that no speech
  leaks into the other channel);
* ``start`` / ``end`` of every turn (seconds, two decimals, trimmed speech)
  and the call's ``duration_s`` are written back into the script YAML.

Re-running it is idempotent: the same scripts and tool versions give the same
audio and the same timestamps (the YAML is rewritten in a fixed layout).

Requirements: Python 3.11 with PyYAML, and ``espeak-ng``, ``sox``,
``ffmpeg`` (with libopus) on PATH.

Usage (from the repository root)::

    .venv/bin/python corpora/demo/recordings/render_recordings.py          # all
    .venv/bin/python corpora/demo/recordings/render_recordings.py rec-03   # some
    .venv/bin/python corpora/demo/recordings/render_recordings.py --wav /tmp/w  # keep WAVs too
"""

from __future__ import annotations

import argparse
import array
import json
import random
import re
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
RATE = 16000
WPM = 165
GAP_RANGE = (0.3, 0.9)  # seconds of silence between turns
LEAD_IN = 0.5  # seconds before the first turn
TAIL = 0.6  # seconds after the last turn
NOISE_DBFS = -60.0  # RMS level of the noise floor
TRIM_THRESHOLD = 150  # |sample| below this counts as silence when trimming
TRIM_PAD = 0.02  # seconds of context kept around trimmed speech
BITRATE = "32k"
PEAK_DBFS = -3  # every turn is peak-normalised to this level

# Spoken forms handed to espeak-ng only; the scripts keep the written form.
# espeak reads "AP" as the word "ap", "ROI" as "roy", "Okafor" oddly, etc.
LEXICON = {
    "AP": "eh pee",  # "A.P." is read as "a dot p dot" mid-sentence
    "ACH": "A-C-H",
    "PO": "P-O",
    "ROI": "R-O-I",
    "ERP": "E-R-P",
    "API": "A-P-I",
    "Invoicera": "Invoy sera",
    "infosec": "info sec",
    "Okafor": "Oh kah for",
    "Farouk": "Fa rook",
    "Diallo": "Dee ah low",
    "Pruitt": "Proo it",
}
_LEX_RE = re.compile(r"\b(" + "|".join(map(re.escape, LEXICON)) + r")\b")


def spoken(text: str) -> str:
    return _LEX_RE.sub(lambda m: LEXICON[m.group(1)], text)


def synth(text: str, voice: str, workdir: Path) -> array.array:
    """Synthesise one turn; return trimmed 16 kHz mono int16 samples."""
    raw = workdir / "turn_raw.wav"
    res = workdir / "turn_16k.wav"
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(WPM), "-w", str(raw), "--stdin"],
        input=spoken(text).encode(),
        check=True,
    )
    subprocess.run(
        [
            "sox",
            "-D",
            str(raw),
            "-r",
            str(RATE),
            "-c",
            "1",
            "-b",
            "16",
            str(res),
            "gain",
            "-n",
            str(PEAK_DBFS),
        ],
        check=True,
    )
    with wave.open(str(res), "rb") as w:
        assert w.getframerate() == RATE and w.getnchannels() == 1
        samples = array.array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    loud = [i for i, s in enumerate(samples) if abs(s) > TRIM_THRESHOLD]
    if not loud:
        raise RuntimeError(f"espeak-ng produced silence for {text!r}")
    pad = int(TRIM_PAD * RATE)
    return samples[max(0, loud[0] - pad) : loud[-1] + 1 + pad]


def build(data: dict) -> bytes:
    """Synthesise a call; fill in turn times and duration; return stereo PCM frames."""
    call_id = data["id"]
    channel_of = {role: side for side, role in data["channels"].items()}
    voices = {"rep": data["rep"]["voice"], "prospect": data["prospect"]["voice"]}
    rng = random.Random(f"{call_id}-gaps")

    placed = []  # (channel, start_sample, samples)
    cursor = int(LEAD_IN * RATE)
    with tempfile.TemporaryDirectory() as tmp:
        for i, turn in enumerate(data["turns"]):
            if i:
                cursor += round(rng.uniform(*GAP_RANGE) * RATE)
            samples = synth(turn["text"], voices[turn["role"]], Path(tmp))
            placed.append((channel_of[turn["role"]], cursor, samples))
            turn["start"] = round(cursor / RATE, 2)
            turn["end"] = round((cursor + len(samples)) / RATE, 2)
            cursor += len(samples)
    total = cursor + int(TAIL * RATE)
    data["duration_s"] = round(total / RATE, 2)

    # Noise floor, then speech added on top, per channel.
    sigma = 32768 * 10 ** (NOISE_DBFS / 20)
    nrng = random.Random(f"{call_id}-noise")
    chans = {}
    for side in ("left", "right"):
        buf = [nrng.gauss(0.0, sigma) for _ in range(total)]
        for ch, start, samples in placed:
            if ch == side:
                for j, s in enumerate(samples, start):
                    buf[j] += s
        chans[side] = array.array("h", (max(-32768, min(32767, round(v))) for v in buf))
    inter = array.array("h", bytes(4 * total))
    inter[0::2] = chans["left"]
    inter[1::2] = chans["right"]
    if sys.byteorder == "big":
        inter.byteswap()
    return inter.tobytes()


def write_wav(path: Path, frames: bytes) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(frames)


def encode(wav: Path, out: Path, title: str) -> None:
    subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(wav),
            "-map_metadata",
            "-1",
            "-metadata",
            f"title={title}",
            "-c:a",
            "libopus",
            "-b:a",
            BITRATE,
            # family 255: two independent mono streams, no stereo coupling
            "-mapping_family",
            "255",
            "-fflags",
            "+bitexact",
            "-flags:a",
            "+bitexact",
            str(out),
        ],
        check=True,
    )


def render(script_path: Path, wav_dir: Path | None = None) -> dict:
    data = yaml.safe_load(script_path.read_text())
    frames = build(data)
    with tempfile.TemporaryDirectory() as tmp:
        wav = (wav_dir or Path(tmp)) / f"{data['id']}.wav"
        write_wav(wav, frames)
        encode(wav, HERE / f"{data['id']}.ogg", data["title"])
    script_path.write_text(dump_script(data))
    return data


# --- YAML writing: fixed layout, key order kept, one block per turn ---------

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 .+-]*")
_RESERVED = {"yes", "no", "true", "false", "on", "off", "null", "y", "n"}


def scalar(value) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, int):
        return str(value)
    s = str(value)
    if _PLAIN.fullmatch(s) and s.lower() not in _RESERVED and not s.endswith(" "):
        return s
    return json.dumps(s, ensure_ascii=False)


def flow(mapping: dict) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in mapping.items()) + "}"


def dump_script(data: dict) -> str:
    order = ["id", "title", "rep", "prospect", "channels", "duration_s", "turns"]
    keys = [k for k in order if k in data] + [k for k in data if k not in order]
    lines = []
    for key in keys:
        value = data[key]
        if key == "turns":
            lines.append("turns:")
            for turn in value:
                tkeys = [k for k in ("role", "text", "start", "end") if k in turn]
                tkeys += [k for k in turn if k not in tkeys]
                for n, k in enumerate(tkeys):
                    prefix = "  - " if n == 0 else "    "
                    v = turn[k]
                    if k in ("start", "end"):
                        v = float(v)
                    lines.append(f"{prefix}{k}: {scalar(v)}")
        elif isinstance(value, dict):
            lines.append(f"{key}: {flow(value)}")
        else:
            if key == "duration_s":
                value = float(value)
            lines.append(f"{key}: {scalar(value)}")
    text = "\n".join(lines) + "\n"
    # Make sure the layout round-trips to exactly the same data.
    reloaded = yaml.safe_load(text)
    assert reloaded == json.loads(json.dumps(data)), "YAML round-trip mismatch"
    return text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ids", nargs="*", help="call ids to render (default: all)")
    ap.add_argument(
        "--wav",
        type=Path,
        metavar="DIR",
        help="also keep the uncompressed 16 kHz stereo WAV files in DIR",
    )
    args = ap.parse_args()
    if args.wav:
        args.wav.mkdir(parents=True, exist_ok=True)
    scripts = sorted(HERE.glob("rec-*.script.yaml"))
    if args.ids:
        scripts = [p for p in scripts if p.name.split(".")[0] in args.ids]
        if not scripts:
            sys.exit(f"no scripts match {args.ids}")
    for path in scripts:
        data = render(path, args.wav)
        print(
            f"{data['id']}: {data['duration_s']:.2f} s, "
            f"{len(data['turns'])} turns -> {data['id']}.ogg"
        )


if __name__ == "__main__":
    main()
