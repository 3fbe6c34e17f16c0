"""Charts and exports from the terminal land where the person was told, never over older ones.

`sicapai chat` saves into `--keluaran` or SICAPAI_OUTPUT_DIR; the demo into its own folder
(printed at the start), not the current folder; a number already taken is never reused.
"""

from __future__ import annotations

from pathlib import Path

from sicapai.bot.terminal import TerminalChannel
from sicapai.handlers.port import Identity, Reply
from sicapai.runtime.conversations import Conversations
from tests.support.cli import run_cli
from tests.support.database import Database

PNG = b"\x89PNG\r\n\x1a\n"


def _saved(stdout: str) -> list[Path]:
    return [
        Path(line.split("berkas disimpan: ")[1].rstrip("]"))
        for line in stdout.splitlines()
        if "berkas disimpan: " in line
    ]


async def test_a_saved_file_never_overwrites_one_already_there(
    app: Conversations, tmp_path: Path
) -> None:
    folder = tmp_path / "keluaran"
    folder.mkdir()
    (folder / "01-grafik.png").write_bytes(b"the chart of yesterday's demo")
    identity = Identity("terminal", "person-1", "person-1", "Budi")
    first = TerminalChannel(app, identity, output_dir=folder)
    made = [first.save(Reply(photo=PNG + b"a")), first.save(Reply(photo=PNG + b"b"))]
    second = TerminalChannel(app, identity, output_dir=folder)  # a new session, same folder
    made.append(second.save(Reply(photo=PNG + b"c")))
    assert [p.name for p in made] == ["02-grafik.png", "03-grafik.png", "04-grafik.png"]
    assert (folder / "01-grafik.png").read_bytes() == b"the chart of yesterday's demo"
    assert [p.read_bytes()[-1:] for p in made] == [b"a", b"b", b"c"]


def test_chat_saves_into_the_configured_folder(seeded: Database, tmp_path: Path) -> None:
    env = {"SICAPAI_FILES_DIR": str(tmp_path / "bukti")}
    chosen = tmp_path / "pilihan"
    by_option = run_cli(
        *("chat", "--jabatan", "Kasi Penempatan Tenaga Kerja", "--keluaran", str(chosen)),
        database_url=seeded.url,
        cwd=tmp_path,
        typed="/grafik\n1\n",
        env=env,
    )
    assert by_option.returncode == 0, by_option.stderr
    assert f"disimpan di {chosen}" in by_option.stdout
    (path,) = _saved(by_option.stdout)
    assert path.parent == chosen and path.read_bytes()[:8] == PNG

    setting = tmp_path / "dari-setelan"
    by_setting = run_cli(
        *("chat", "--jabatan", "Kasi Penempatan Tenaga Kerja"),
        database_url=seeded.url,
        cwd=tmp_path,
        typed="/grafik\n1\n",
        env={**env, "SICAPAI_OUTPUT_DIR": str(setting)},
    )
    assert by_setting.returncode == 0, by_setting.stderr
    (path,) = _saved(by_setting.stdout)
    assert path.parent == setting
    assert not (tmp_path / "sicapai-keluaran").exists()


def test_demo_saves_into_its_own_folder_not_the_current_one(tmp_path: Path) -> None:
    result = run_cli("demo", database_url=None, cwd=tmp_path, typed="/grafik\n1\n")
    assert result.returncode == 0, result.stderr
    folder = Path(result.stdout.split("Folder demo: ")[1].split(" (")[0])
    (path,) = _saved(result.stdout)
    assert path.parent == (folder / "keluaran").resolve()
    assert list(tmp_path.iterdir()) == []  # nothing left in the folder the demo ran from
    assert not folder.exists()  # the temporary folder goes with the demo, as it says
