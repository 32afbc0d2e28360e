"""What went wrong on disk, said in French under the French language of messages."""

from __future__ import annotations

import errno

from simulation.i18n.language import using
from simulation.storage import FolderBusyError, StorageError, os_problem


def test_a_full_disk_in_both_languages(tmp_path):
    error = StorageError(tmp_path / "runs.csv", OSError(errno.ENOSPC, "No space left on device"))
    assert str(error).endswith(
        "cannot be written: no space left on device; free some space on that disk, "
        "or choose a folder on another disk"
    )
    with using("fr"):
        french = str(error)
    assert "écriture impossible\u00a0: plus de place sur le disque\u202f; libérez" in french
    assert str(tmp_path / "runs.csv") in french


def test_an_unusual_error_keeps_the_system_s_reason_and_general_advice():
    error = OSError(errno.EIO, "Input/output error", "/x/y")
    with using("fr"):
        assert os_problem(error) == (
            "/x/y\u00a0: input/output error\u202f; vérifiez le dossier et réessayez"
        )
    assert os_problem(error) == "/x/y: input/output error; check the folder and try again"


def test_a_busy_folder_names_its_writer_in_the_language_of_the_message(tmp_path):
    busy = FolderBusyError(tmp_path, {"pid": 12, "host": "h", "command": "transnum sweep x"})
    assert "process 12 on h (transnum sweep x, since ?) is writing it" in str(busy)
    with using("fr"):
        assert "le processus 12 sur h (transnum sweep x, depuis\u202f?) l'écrit" in str(busy)
